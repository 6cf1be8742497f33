"""Batches as a model receives them: padding, truncation, attention mask.

Works for every tokenizer, tiktoken ones included (they have no pad token: the
pad id is chosen and stated). Truncation drops typed tokens from the end and
keeps the added special tokens, as Hugging Face does.

Example (BERT, the study notes' batch, padding="longest"):
    >>> b = make_batch(bert, ["BERT is great.", "Tokenization matters."], BatchConfig())
    >>> b.attention_mask.tolist()
    [[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]]
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.tokenizers.adapters import Adapter, TokenizeConfig

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

    def __post_init__(self) -> None:
        if self.padding not in PADDINGS:
            raise ValueError(f"padding must be one of {PADDINGS}, got {self.padding!r}")
        if self.side not in SIDES:
            raise ValueError(f"side must be one of {SIDES}, got {self.side!r}")
        if not 1 <= self.max_length <= MAX_LENGTH:
            raise ValueError(f"max_length must be 1..{MAX_LENGTH}, got {self.max_length}")


@dataclass(frozen=True)
class Batch:
    """A padded batch. Cells past a row's end in a ragged batch hold -1."""

    key: str
    texts: tuple[str, ...]  # [row]
    input_ids: np.ndarray  # [row, position] int64; -1 = no cell (ragged batch)
    attention_mask: np.ndarray  # [row, position] 0/1; 0 on pad cells and empty cells
    is_pad: np.ndarray  # [row, position] bool: a pad token was placed here
    is_added: np.ndarray  # [row, position] bool: special token added by the tokenizer
    pieces: tuple[tuple[str, ...], ...]  # [row][position] vocab pieces ('' = no cell)
    lengths: np.ndarray  # [row] tokens before padding (after truncation)
    truncated: np.ndarray  # [row] typed tokens dropped by truncation
    pad_id: int
    pad_token: str
    pad_note: str  # why this pad id

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


def make_batch(adapter: Adapter, texts: list[str], config: BatchConfig) -> Batch:
    """Tokenize `texts` and pad / truncate them into one batch."""
    if not texts:
        raise ValueError("Type at least one sentence (one per line).")
    if len(texts) > MAX_ROWS:
        raise ValueError(f"{len(texts)} sentences given; the batch view takes at most {MAX_ROWS}.")
    tcfg = TokenizeConfig(add_special_tokens=config.add_special_tokens)
    rows, dropped = [], []
    for text in texts:
        tok = adapter.tokenize(text, tcfg)
        ids, added = tok.ids.tolist(), tok.added.tolist()
        if config.truncation:
            ids, added, cut = _truncate(ids, added, config.max_length)
        else:
            cut = 0
        rows.append((ids, added))
        dropped.append(cut)
    pad_id, pad_token, note = adapter.pad()
    lengths = [len(ids) for ids, _ in rows]
    width = _width(lengths, config)
    return _assemble(adapter, texts, rows, lengths, dropped, width, config, (pad_id, pad_token, note))


def _assemble(adapter, texts, rows, lengths, dropped, width, config, pad) -> Batch:
    n = len(rows)
    input_ids = np.full((n, width), -1, dtype=np.int64)  # [row, position]
    mask = np.zeros((n, width), dtype=np.int64)  # [row, position]
    is_pad = np.zeros((n, width), dtype=bool)
    is_added = np.zeros((n, width), dtype=bool)
    pieces = []
    for r, (ids, added) in enumerate(rows):
        fill = 0 if config.padding == "none" else max(width - len(ids), 0)
        offset = fill if config.side == "left" else 0
        pad_at = range(0, fill) if config.side == "left" else range(len(ids), len(ids) + fill)
        input_ids[r, offset:offset + len(ids)] = ids
        mask[r, offset:offset + len(ids)] = 1
        is_added[r, offset:offset + len(ids)] = added
        for c in pad_at:
            input_ids[r, c], is_pad[r, c] = pad[0], True
        pieces.append(tuple("" if i < 0 else adapter.piece(int(i)) for i in input_ids[r]))
    return Batch(adapter.key, tuple(texts), input_ids, mask, is_pad, is_added, tuple(pieces),
                 np.asarray(lengths, dtype=np.int64), np.asarray(dropped, dtype=np.int64), *pad)
