"""Token IDs back to text: parse a pasted list, decode it, keep each token's piece.

Example:
    >>> decode(adapt("bert", bert), parse_ids("[101, 7592, 102]")).text
    '[CLS] hello [SEP]'
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.tokenizers.adapters import MAX_IDS, Adapter
from explorer.tokenizers.byte_pieces import show_bytes


def parse_ids(text: str) -> list[int]:
    """'[101, 7592 102]' -> [101, 7592, 102]; ValueError names the first bad item."""
    items = [s for s in text.replace(",", " ").replace("[", " ").replace("]", " ").split() if s]
    if not items:
        raise ValueError("Type some token IDs, e.g. 101, 1045, 2293, 102.")
    out = []
    for item in items:
        if not item.isdigit() or not item.isascii() or len(item) > 12:
            raise ValueError(f"'{item[:20]}' is not a token ID: IDs are whole numbers >= 0.")
        out.append(int(item))
    if len(out) > MAX_IDS:
        raise ValueError(f"{len(out):,} IDs given; the limit is {MAX_IDS:,}.")
    return out


@dataclass(frozen=True)
class Decoded:
    """IDs turned back into text, with each token's piece and bytes."""

    ids: np.ndarray  # [token]
    pieces: tuple[str, ...]  # [token]
    raw: tuple[bytes, ...]  # [token]
    text: str  # the tokenizer's own decode
    shown: str  # the same, with bytes that are not valid UTF-8 as <0xNN> instead of U+FFFD


def decode(adapter: Adapter, ids: list[int]) -> Decoded:
    """Decode `ids` with `adapter`; ValueError for IDs not in its vocabulary."""
    adapter.check_ids(ids)
    pieces = tuple(adapter.piece(i) for i in ids)
    raw = tuple(adapter.raw(i) for i in ids)
    text = adapter.decode(ids)
    shown = show_bytes(b"".join(raw), visible_space=False) if "\ufffd" in text else text
    return Decoded(np.asarray(ids, dtype=np.int64), pieces, raw, text, shown)
