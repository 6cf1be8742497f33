"""Cut sections into overlapping chunks of words, the unit a vector index stores.

A chunk never crosses a heading. Inside a section, chunk j holds words
[j * step, j * step + size) with step = size - overlap, so consecutive chunks
share exactly `overlap` words and every word lands in at least one chunk.
Each chunk keeps its character span in the section, so its text is a slice
of the original (whitespace and code indentation kept).

Example:
    >>> word_windows(10, size=4, overlap=1)
    [(0, 4), (3, 7), (6, 10)]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from explorer.rag.corpus import Section

MIN_SIZE, MAX_SIZE = 20, 300  # words per chunk (MiniLM reads at most 256 tokens, ~180 words)
MAX_CHUNKS = 3_000  # per corpus: bounds MiniLM's work for one index build
WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class ChunkConfig:
    """Chunk size and overlap in words; the overlap is at most half the size."""

    size: int = 120
    overlap: int = 20

    def __post_init__(self) -> None:
        if not MIN_SIZE <= self.size <= MAX_SIZE:
            raise ValueError(f"chunk size must be {MIN_SIZE}..{MAX_SIZE} words, got {self.size}")
        if not 0 <= self.overlap <= self.size // 2:
            raise ValueError(f"overlap must be 0..{self.size // 2} words (half the size), "
                             f"got {self.overlap}")

    @property
    def step(self) -> int:
        return self.size - self.overlap


def word_windows(n_words: int, size: int, overlap: int) -> list[tuple[int, int]]:
    """(first word, end word) of each chunk over n_words words; the last ends at n_words."""
    if n_words <= 0:
        return []
    step = size - overlap
    out = []
    start = 0
    while True:
        end = min(start + size, n_words)
        out.append((start, end))
        if end == n_words:
            return out
        start += step


@dataclass(frozen=True)
class Chunks:
    """Every chunk of a corpus, in order, with where it came from."""

    section: np.ndarray  # [chunk] index of its section in the corpus
    start: np.ndarray  # [chunk] first character in the section's text
    end: np.ndarray  # [chunk] one past the last character
    words: np.ndarray  # [chunk] number of words
    texts: tuple[str, ...]  # [chunk] section.text[start:end]
    headings: tuple[str, ...]  # [chunk] the section's heading path
    sources: tuple[str, ...]  # [chunk] topic key or file name
    total: int  # chunks the corpus had before MAX_CHUNKS cut it

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def capped(self) -> bool:
        return self.total > len(self.texts)

    def embedding_text(self, i: int) -> str:
        """What MiniLM embeds for chunk i: its heading, then its text."""
        return f"{self.headings[i]}\n{self.texts[i]}"


def chunk_section(text: str, cfg: ChunkConfig) -> list[tuple[int, int, int]]:
    """(start char, end char, words) of each chunk of one section's text."""
    spans = [(m.start(), m.end()) for m in WORD.finditer(text)]
    return [(spans[a][0], spans[b - 1][1], b - a)
            for a, b in word_windows(len(spans), cfg.size, cfg.overlap)]


def chunk_corpus(sections: tuple[Section, ...] | list[Section], cfg: ChunkConfig,
                 max_chunks: int = MAX_CHUNKS) -> Chunks:
    """Chunk every section; keep the first `max_chunks` (Chunks.total says how many there were)."""
    rows: list[tuple[int, int, int, int]] = []
    for s_i, section in enumerate(sections):
        rows += [(s_i, a, b, n) for a, b, n in chunk_section(section.text, cfg)]
    kept = rows[:max_chunks]
    column = (lambda j: np.array([r[j] for r in kept], dtype=np.int64))
    return Chunks(column(0), column(1), column(2), column(3),
                  tuple(sections[s].text[a:b] for s, a, b, _ in kept),
                  tuple(sections[s].heading for s, *_ in kept),
                  tuple(sections[s].source for s, *_ in kept), len(rows))
