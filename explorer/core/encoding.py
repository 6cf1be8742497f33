"""Encode text with a shared Hugging Face tokenizer without ever changing it.

A loaded tokenizer is used by every session at the same moment. Passing
`padding=`, `truncation=` or `split_special_tokens=` to a fast tokenizer makes
transformers reconfigure the Rust tokenizer in place, so two sessions race
(`RuntimeError: Already borrowed`, or one session's truncation length in
another's result). Here the tokenizer is only ever asked to encode one text
with its defaults; truncation and padding are done on the ids in Python.

`freeze_defaults(tok)` is called once by the loaders, before the tokenizer is
shared, so that those default calls never need to reconfigure it either
(MiniLM's tokenizer.json, for one, ships with padding and truncation at 128).

Example:
    >>> encode(tok, "The cat sat.", max_length=4)      # BERT: [CLS] the cat [SEP]
    [101, 1996, 4937, 102]
    >>> pad_rows([[1, 2, 3], [4]], pad_id=0)[1]         # attention mask [row, position]
    array([[1, 1, 1], [1, 0, 0]])
"""
from __future__ import annotations

import numpy as np


def freeze_defaults(tok) -> None:
    """Switch off padding and truncation stored in a fast tokenizer's files, once, at load time."""
    backend = getattr(tok, "_tokenizer", None)
    if backend is None:
        return
    if backend.truncation is not None:
        backend.no_truncation()
    if backend.padding is not None:
        backend.no_padding()


def _ids(tok, text: str, add_special_tokens: bool) -> list[int]:
    return list(tok(text, add_special_tokens=add_special_tokens)["input_ids"])


def encode(tok, text: str, *, add_special_tokens: bool = True, max_length: int | None = None) -> list[int]:
    """Token ids of `text`; above `max_length` the text is cut, the added special tokens kept.

    Same ids as `tok(text, truncation=True, max_length=...)` for one sequence,
    without touching the shared tokenizer's settings.
    """
    full = _ids(tok, text, add_special_tokens)
    if max_length is None or len(full) <= max_length:
        return full
    if not add_special_tokens:
        return full[:max_length]
    plain = _ids(tok, text, False)
    n_added = len(full) - len(plain)
    start = next((p for p in range(n_added + 1) if full[p:p + len(plain)] == plain), 0)
    prefix, suffix = full[:start], full[start + len(plain):]
    keep = max(0, max_length - len(prefix) - len(suffix))
    return prefix + plain[:keep] + suffix


def pad_rows(rows: list[list[int]], pad_id: int, side: str = "right") -> tuple[np.ndarray, np.ndarray]:
    """Stack id lists into ([row, position] ids, [row, position] attention mask), padding on `side`."""
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', got {side!r}")
    width = max((len(r) for r in rows), default=0)
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        at = slice(0, len(row)) if side == "right" else slice(width - len(row), width)
        ids[i, at] = row
        mask[i, at] = 1
    return ids, mask
