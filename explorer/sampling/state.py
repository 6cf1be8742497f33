"""Shareable view state of the Sampling lab: prompt, settings, seed and the generated path.

Example:
    >>> SamplingState.from_query({"temperature": "0.3", "path": "504|3458"}).path
    ('504', '3458')
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from explorer.core.encoding import CONTROL_MODES
from explorer.core.markdown import escape_md
from explorer.core.state import ViewState, _last, choice, flag, num, text, words
from explorer.sampling.engine_lab import MAX_ENGINE_TEXT
from explorer.sampling.generation import MAX_NEW_TOKENS, MAX_PATH
from explorer.sampling.pipeline import SamplingConfig

VIEWS = ("next", "generate", "vary", "compare", "repeat", "lens")
RUN_ON = ("auto", "local", "engine")  # auto: the engine when one is configured, else this server's model
DEFAULT_PROMPT = "Write a one-line poem about the sea."
MAX_PROMPT_CHARS = 8_000
MAX_TEMPERATURE_UI = 5.0
MAX_TOP_K_UI = 100_000  # above the 49,152-token vocabulary on purpose: the lab explains it


@dataclass(frozen=True)
class SamplingState(ViewState):
    """Everything a link needs to restore the lab exactly."""

    prompt: str = text(DEFAULT_PROMPT, max_len=MAX_PROMPT_CHARS)
    chat: bool = flag(True)
    control: str = choice("library", CONTROL_MODES)  # typed control-token strings: as the library does, or as text
    view: str = choice("next", VIEWS)
    temperature: float = num(1.0, lo=0.0, hi=MAX_TEMPERATURE_UI)
    top_k: int = num(0, lo=0, hi=MAX_TOP_K_UI)
    top_p: float = num(1.0, lo=0.0, hi=1.0)
    min_p: float = num(0.0, lo=0.0, hi=1.0)
    rep: float = num(1.0, lo=0.5, hi=2.0)
    freq: float = num(0.0, lo=-2.0, hi=2.0)
    pres: float = num(0.0, lo=-2.0, hi=2.0)
    seed: int = num(0, lo=0, hi=2**31 - 1)
    n_new: int = num(20, lo=1, hi=MAX_NEW_TOKENS)
    path: tuple[str, ...] = words((), max_items=MAX_PATH, max_len=6)
    at: int = num(0, lo=0, hi=MAX_PATH)  # inspected token of the path, 1-based; 0 = the next token
    a_temperature: float = num(0.3, lo=0.0, hi=MAX_TEMPERATURE_UI)  # side by side: left
    a_top_p: float = num(1.0, lo=0.0, hi=1.0)
    b_temperature: float = num(1.2, lo=0.0, hi=MAX_TEMPERATURE_UI)  # side by side: right
    b_top_p: float = num(1.0, lo=0.0, hi=1.0)
    n_samples: int = num(20, lo=1, hi=100)
    sample_len: int = num(8, lo=1, hi=30)
    run_on: str = choice("auto", RUN_ON)
    etext: str = text("", max_len=MAX_ENGINE_TEXT)  # text the engine generated after the prompt

    def sampling(self) -> SamplingConfig:
        """The decoding settings of the main lab."""
        return SamplingConfig(self.temperature, self.top_k, self.top_p, self.min_p,
                              self.rep, self.freq, self.pres)

    def side(self, which: str) -> SamplingConfig:
        """Settings of one side of the comparison ("a" or "b"); the rest as in the lab."""
        return dataclasses.replace(self.sampling(), temperature=getattr(self, f"{which}_temperature"),
                                   top_p=getattr(self, f"{which}_top_p"))

    def path_ids(self) -> tuple[int, ...]:
        """The path as token ids (entries that are not whole numbers dropped)."""
        return tuple(i for i in map(token_id, self.path) if i is not None)


def token_id(entry: str) -> int | None:
    """One path entry as a token id, or None when it is not a whole number >= 0.

    isdecimal(), not isdigit(): '²'.isdigit() is True but int('²') raises;
    isdecimal() holds exactly for the digit strings int() reads ('٣' -> 3).
    """
    return int(entry) if entry.isdecimal() else None


def valid_path(path: tuple[str, ...], vocab_size: int) -> tuple[str, ...]:
    """The entries of `path` that are token ids below `vocab_size`, in order.

    Example: valid_path(("7042", "abc", "²", "99999999"), 49152) == ("7042",)
    """
    return tuple(t for t in path if (i := token_id(t)) is not None and i < vocab_size)


def url_notes(query: Mapping[str, Any]) -> list[str]:
    """Markdown messages for link values that were out of range or unusable (link text escaped)."""
    notes = []
    state = SamplingState.from_query(query)
    for field in dataclasses.fields(SamplingState):
        raw = _last(query.get(field.name))
        if raw is None or field.type not in ("int", "float"):
            continue
        got = getattr(state, field.name)
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            notes.append(f"{_quote(field.name, raw)} in the link is not a number; using {got:g}.")
        elif abs(number - got) > 1e-9 and not (field.type == "int" and abs(number - got) < 0.5):
            lo, hi = field.metadata["lo"], field.metadata["hi"]
            notes.append(f"{_quote(field.name, raw)} in the link is outside {lo:g} to {hi:g}; using {got:g}.")
    raw_path = _last(query.get("path")) or ""
    if raw_path and len(raw_path.split("|")) > MAX_PATH:
        notes.append(f"The link's path is longer than {MAX_PATH} tokens; only the first {MAX_PATH} were kept.")
    return notes


def _quote(name: str, raw: str) -> str:
    """`name=raw` (raw cut to 20 characters) in bold, escaped: a link's text never becomes markdown."""
    return f"**{escape_md(f'{name}={raw[:20]}')}**"
