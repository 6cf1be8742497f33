"""Shareable view state of the Tokenizer inspector (URL <-> widgets).

Example:
    >>> TokenizerState.from_query({"tk": "gpt2|bert|nope", "mode": "batch"}).tk
    ('gpt2', 'bert')
"""
from __future__ import annotations

from dataclasses import dataclass

from explorer.core.encoding import CONTROL_MODES
from explorer.core.models import TOKENIZER_KEYS
from explorer.core.state import ViewState, choice, flag, num, words
from explorer.core.state import text as free_text
from explorer.tokenizers.adapters import MAX_CHARS
from explorer.tokenizers.batch import MAX_LENGTH, PADDINGS, SIDES
from explorer.tokenizers.presets import NOTES_BATCH

MODES = ("compare", "batch", "chat", "decode")
MAX_TOKENIZERS = 4  # side by side: the picker's max_selections and the URL's max_items


@dataclass(frozen=True)
class TokenizerState(ViewState):
    """Everything a shared link restores. No randomness here, so no seed."""

    mode: str = choice("compare", MODES)
    tk: tuple[str, ...] = words(("gpt2", "cl100k", "bert", "phi3"), max_items=MAX_TOKENIZERS,
                                options=TOKENIZER_KEYS)
    hub: str = free_text("", max_len=200)  # an extra hub tokenizer id (online only)
    text: str = free_text("I love NPL.", max_len=MAX_CHARS)
    markers: bool = flag(False)  # show Ġ / ▁ / ## pieces and visible whitespace
    special: bool = flag(True)  # add_special_tokens
    control: str = choice("library", CONTROL_MODES)  # typed control-token strings: library default or plain text
    batch: str = free_text("\n".join(NOTES_BATCH), max_len=MAX_CHARS)
    padding: str = choice("longest", PADDINGS)
    maxlen: int = num(8, lo=1, hi=MAX_LENGTH)
    trunc: bool = flag(False)
    side: str = choice("right", SIDES)
    user: str = free_text("What is the capital of France?", max_len=MAX_CHARS)
    system: str = free_text("", max_len=MAX_CHARS)
    genprompt: bool = flag(True)
    ids: str = free_text("101, 1045, 2293, 27937, 2140, 1012, 102", max_len=20_000)
