"""Shareable view state of the Inside-a-transformer page (URL keys = field names).

Example:
    >>> s = InsideState.from_query({"layer": "99", "pos": "abc", "chat": "0"})
    >>> s.layer, s.pos, s.chat
    (63, -1, False)
"""
from __future__ import annotations

from dataclasses import dataclass

from explorer.core.encoding import CONTROL_MODES
from explorer.core.state import ViewState, choice, flag, num
from explorer.core.state import text as free_text
from explorer.inside.forward import MAX_TOKENS
from explorer.inside.presets import DEFAULT_A, DEFAULT_B, DEFAULT_PROMPT

MODELS = ("smollm2", "hub")
MAX_TEXT = 6_000  # the Attention page's limit, so a link there carries the same text


@dataclass(frozen=True)
class InsideState(ViewState):
    """Everything a shared link restores; `seed` only drives the word shuffle of text A."""

    model: str = choice("smollm2", MODELS)
    hub: str = free_text("", max_len=120)  # any causal hub id, used when model == "hub"
    text: str = free_text(DEFAULT_PROMPT, max_len=MAX_TEXT)
    chat: bool = flag(True)  # wrap the prompt in the model's chat template
    layer: int = num(0, lo=0, hi=63)  # block shown stage by stage (clamped to the model)
    head: int = num(0, lo=0, hi=63)
    pos: int = num(-1, lo=-1, hi=MAX_TOKENS - 1)  # followed token; -1 = the last
    key: int = num(-1, lo=-1, hi=MAX_TOKENS - 1)  # key token of the RoPE curve; -1 = the one before
    eval_a: str = free_text(DEFAULT_A, max_len=MAX_TEXT)
    eval_b: str = free_text(DEFAULT_B, max_len=MAX_TEXT)
    start: bool = flag(True)  # evaluation: begin each text with the document-start token
    seed: int = num(0, lo=0, hi=2**31 - 1)
    # control-token strings typed in the prompt and texts A, B (<|im_end|>, <|endoftext|>): read as the
    # library does (they become control tokens) or as plain text
    control: str = choice("library", CONTROL_MODES)


def followed(state: InsideState, n_tokens: int) -> tuple[int, int]:
    """(query position, key position) the state points at, for a prompt of `n_tokens`."""
    query = n_tokens - 1 if state.pos < 0 or state.pos >= n_tokens else state.pos
    key = query - 1 if state.key < 0 else state.key
    return query, min(max(key, 0), query)
