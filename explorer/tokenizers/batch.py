"""Batches as a model receives them: padding, truncation, attention mask.

Works for every tokenizer, tiktoken ones included (they have no pad token: the
pad id is chosen and stated). Truncation drops typed tokens from the end and
keeps the added special tokens, as Hugging Face does. Typed control-token
strings follow `config.control` (see `explorer.tokenizers.adapters`); rows the
library refuses (tiktoken) hold their plain-text reading and are listed.
Work is bounded: at most MAX_ROWS rows, MAX_CHARS characters in all and
MAX_LENGTH tokens in a row, each refused with a message that names the fix.

Example (BERT, the study notes' batch, padding="longest"):
    >>> b = make_batch(bert, ["BERT is great.", "Tokenization matters."], BatchConfig())
    >>> b.attention_mask.tolist()
    [[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]]
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from explorer.core.encoding import CONTROL_MODES
from explorer.tokenizers.adapters import MAX_CHARS, Adapter, TokenizeConfig

PADDINGS = ("longest", "max_length", "none")
SIDES = ("right", "left")
MAX_ROWS = 16
MAX_LENGTH = 4_096


@dataclass(frozen=True)
class BatchConfig:
    """How to turn several texts into one rectangular batch."""

    padding: str = "longest"  # "longest" | "max_length" | "none"
    max_length: int = 16  # pad target for "max_length", cut point for truncation
    truncation: bool = False
    side: str = "right"  # where pad tokens go
    add_special_tokens: bool = True
    control: str = "library"  # typed control-token strings: "library" or "text"

    def __post_init__(self) -> None:
        if self.padding not in PADDINGS:
            raise ValueError(f"padding must be one of {PADDINGS}, got {self.padding!r}")
        if self.side not in SIDES:
            raise ValueError(f"side must be one of {SIDES}, got {self.side!r}")
        if not 1 <= self.max_length <= MAX_LENGTH:
            raise ValueError(f"max_length must be 1..{MAX_LENGTH}, got {self.max_length}")
        if self.control not in CONTROL_MODES:
            raise ValueError(f"control must be one of {CONTROL_MODES}, got {self.control!r}")


@dataclass(frozen=True)
class Batch:
    """A padded batch. Cells past a row's end in a ragged batch hold -1."""

    key: str
    texts: tuple[str, ...]  # [row]
    input_ids: np.ndarray  # [row, position] int64; -1 = no cell (ragged batch)
    attention_mask: np.ndarray  # [row, position] 0/1; 0 on pad cells and empty cells
    is_pad: np.ndarray  # [row, position] bool: a pad token was placed here
    is_added: np.ndarray  # [row, position] bool: special token added by the tokenizer
    is_typed: np.ndarray  # [row, position] bool: control token parsed from typed text
    pieces: tuple[tuple[str, ...], ...]  # [row][position] vocab pieces ('' = no cell)
    lengths: np.ndarray  # [row] tokens before padding (after truncation)
    truncated: np.ndarray  # [row] typed tokens dropped by truncation
    pad_id: int
    pad_token: str
    pad_note: str  # why this pad id
    refused: tuple[int, ...] = ()  # rows the library refuses (tiktoken): shown as plain text
    refusal: str = ""  # the library's message for the first refused row

    @property
    def ragged(self) -> bool:
        return bool((self.input_ids < 0).any())

    def as_lists(self) -> tuple[list[list[int]], list[list[int]]]:
        """(input_ids, attention_mask) per row as a tokenizer returns them; a ragged row stops at its end.

        Example: a ragged batch of lengths 3 and 1 gives ([[101, 7592, 102], [101]], [[1, 1, 1], [1]]).
        """
        cells = self.input_ids >= 0  # [row, position]
        ids = [row[keep].tolist() for row, keep in zip(self.input_ids, cells)]
        mask = [row[keep].tolist() for row, keep in zip(self.attention_mask, cells)]
        return ids, mask


def split_lines(text: str) -> list[str]:
    """Non-empty lines of a text box: one sentence per line."""
    return [line for line in text.splitlines() if line.strip()]


def _truncate(ids: list[int], added: list[bool], limit: int) -> tuple[list[int], list[bool], int]:
    """Drop typed tokens from the end until len <= limit; added ones stay."""
    ids, added, dropped = list(ids), list(added), 0
    i = len(ids) - 1
    while len(ids) > limit and i >= 0:
        if not added[i]:
            del ids[i], added[i]
            dropped += 1
        i -= 1
    return ids, added, dropped


def _width(lengths: list[int], config: BatchConfig) -> int:
    longest = max(lengths, default=0)
    if config.padding == "max_length":
        return max(config.max_length, longest)
    return longest


def _check_size(texts: list[str]) -> None:
    if not texts:
        raise ValueError("Type at least one sentence (one per line).")
    if len(texts) > MAX_ROWS:
        raise ValueError(f"{len(texts)} sentences given; the batch view takes at most {MAX_ROWS}.")
    if sum(len(t) for t in texts) > MAX_CHARS:
        raise ValueError(f"The sentences hold more than {MAX_CHARS:,} characters in all; shorten them.")


def _row(adapter: Adapter, n: int, text: str, config: BatchConfig):
    """One row's (ids, added, typed) after truncation, the tokens dropped, and the library's refusal."""
    tok = adapter.tokenize(text, TokenizeConfig(add_special_tokens=config.add_special_tokens,
                                                control=config.control))
    ids, added, typed = tok.ids.tolist(), tok.added.tolist(), tok.typed.tolist()
    cut = 0
    if config.truncation:
        keep, _, cut = _truncate(list(range(len(ids))), added, config.max_length)
        ids, added, typed = ([seq[k] for k in keep] for seq in (ids, added, typed))
    if len(ids) > MAX_LENGTH:
        raise ValueError(f"Row {n} has {len(ids):,} tokens; the batch view takes at most {MAX_LENGTH:,} "
                         f"per row. Turn on truncation (max_length up to {MAX_LENGTH:,}) or shorten the line.")
    return (ids, added, typed), cut, tok.refused


def make_batch(adapter: Adapter, texts: list[str], config: BatchConfig) -> Batch:
    """Tokenize `texts` and pad / truncate them into one batch."""
    _check_size(texts)
    rows, dropped, refused = [], [], []
    for n, text in enumerate(texts):
        row, cut, refusal = _row(adapter, n, text, config)
        rows.append(row)
        dropped.append(cut)
        refused.append(refusal)
    lengths = [len(ids) for ids, _, _ in rows]
    batch = _assemble(adapter, texts, rows, lengths, dropped, _width(lengths, config), config, adapter.pad())
    bad = tuple(n for n, r in enumerate(refused) if r)
    return dataclasses.replace(batch, refused=bad, refusal=refused[bad[0]] if bad else "")


def _assemble(adapter, texts, rows, lengths, dropped, width, config, pad) -> Batch:
    n = len(rows)
    input_ids = np.full((n, width), -1, dtype=np.int64)  # [row, position]
    mask = np.zeros((n, width), dtype=np.int64)  # [row, position]
    is_pad = np.zeros((n, width), dtype=bool)
    is_added = np.zeros((n, width), dtype=bool)
    is_typed = np.zeros((n, width), dtype=bool)
    pieces = []
    for r, (ids, added, typed) in enumerate(rows):
        fill = 0 if config.padding == "none" else max(width - len(ids), 0)
        offset = fill if config.side == "left" else 0
        pad_at = range(0, fill) if config.side == "left" else range(len(ids), len(ids) + fill)
        input_ids[r, offset:offset + len(ids)] = ids
        mask[r, offset:offset + len(ids)] = 1
        is_added[r, offset:offset + len(ids)] = added
        is_typed[r, offset:offset + len(ids)] = typed
        for c in pad_at:
            input_ids[r, c], is_pad[r, c] = pad[0], True
        pieces.append(tuple("" if i < 0 else adapter.piece(int(i)) for i in input_ids[r]))
    return Batch(adapter.key, tuple(texts), input_ids, mask, is_pad, is_added, is_typed, tuple(pieces),
                 np.asarray(lengths, dtype=np.int64), np.asarray(dropped, dtype=np.int64), *pad)
