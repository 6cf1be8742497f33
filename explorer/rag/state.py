"""Shareable view state of the Search and answer page (URL <-> widgets).

Uploaded files cannot travel in a link: with corpus=upload the link restores
the settings and the question, and the page asks for the files again.

Example:
    >>> RagState.from_query({"k": "99", "overlap": "150", "size": "40"})
    RagState(corpus='basics', size=40, overlap=20, k=8, ...)
"""
from __future__ import annotations

from dataclasses import dataclass

from explorer.core.encoding import CONTROL_MODES
from explorer.core.state import MAX_VALUE_CHARS, ViewState, choice, flag, num, text
from explorer.rag.answers import MAX_NEW_TOKENS
from explorer.rag.chunking import MAX_SIZE, MIN_SIZE
from explorer.rag.index import KINDS
from explorer.rag.presets import PRESETS
from explorer.rag.retrieval import MAX_K

CORPUS_CHOICES = ("basics", "statements", "reference", "upload")


@dataclass(frozen=True)
class RagState(ViewState):
    """Corpus, chunking, search, prompt switches, question, seed and how typed control tokens are read."""

    corpus: str = choice("basics", CORPUS_CHOICES)
    size: int = num(120, lo=MIN_SIZE, hi=MAX_SIZE)  # words per chunk
    overlap: int = num(20, lo=0, hi=MAX_SIZE // 2)  # words shared by neighbours (<= size / 2)
    k: int = num(3, lo=1, hi=MAX_K)
    index: str = choice("flat", KINDS)  # which index answers the question
    nprobe: int = num(1, lo=1, hi=64)  # IVF cells searched
    ef: int = num(16, lo=1, hi=256)  # HNSW candidates kept
    # The box and the link take long text so the page can say it is too long (a
    # silent cut would answer a different question); the page answers at most
    # explorer.rag.retrieval.MAX_QUESTION_CHARS.
    question: str = text(PRESETS[0].question, max_len=MAX_VALUE_CHARS)
    system: bool = flag(True)
    only_context: bool = flag(True)
    few_shot: bool = flag(False)
    new_tokens: int = num(48, lo=8, hi=MAX_NEW_TOKENS)
    seed: int = num(0, lo=0, hi=1_000_000)  # the random-chunks control
    # typed control-token strings (<|im_end|>, [SEP]) in the question and the files: the library's
    # default (they become control tokens: prompt injection shown) or plain text (the safe reading)
    control: str = choice("library", CONTROL_MODES)

    def __post_init__(self) -> None:
        # the overlap's bound depends on the size: clamp here so a link never breaks chunking
        object.__setattr__(self, "overlap", min(self.overlap, self.size // 2))
