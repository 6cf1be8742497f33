"""Where do tokenizers cut the same text differently?

Cut points are compared on the text's non-whitespace bytes, so that ' world'
(GPT-2 keeps the space) and 'world' (BERT drops it) count as the same cut.
The text is split at the cut points every tokenizer shares; a segment is
"different" when some tokenizer cuts inside it.

Example:
    >>> d = diff_cuts("unbelievable", [[(0, 2), (2, 12)], [(0, 12)]])
    >>> d.segments.tolist(), d.differs.tolist()
    ([[0, 12]], [True])
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.tokenizers.adapters import Tokenized


@dataclass(frozen=True)
class CutDiff:
    """Segments of the text between cut points shared by every tokenizer."""

    segments: np.ndarray  # [segment, 2] byte start/end in text.encode()
    differs: np.ndarray  # [segment] bool: some tokenizer cuts inside the segment
    token_differs: tuple[np.ndarray, ...]  # [tokenizer][token] bool: overlaps a differing segment

    @property
    def n_differ(self) -> int:
        return int(self.differs.sum())


def _ink_index(data: bytes) -> np.ndarray:
    """[byte + 1] number of non-whitespace bytes before each byte offset."""
    ink = np.frombuffer(data, dtype=np.uint8)
    is_ink = ~np.isin(ink, np.frombuffer(b" \t\n\r\x0b\x0c", dtype=np.uint8))
    return np.concatenate([[0], np.cumsum(is_ink)])


def _cuts(token_spans: list[tuple[int, int]], ink: np.ndarray) -> np.ndarray:
    """Sorted unique cut points (in ink counts) of one tokenizer, ends included."""
    spans = np.asarray(token_spans, dtype=np.int64).reshape(-1, 2)
    spans = spans[spans[:, 1] > spans[:, 0]]
    return np.unique(np.concatenate([[0, int(ink[-1])], ink[spans[:, 0]], ink[spans[:, 1]]]))


def diff_cuts(text: str, spans: list[list[tuple[int, int]]]) -> CutDiff:
    """Compare token spans (byte start, end) of several tokenizers over one text."""
    ink = _ink_index(text.encode("utf-8"))
    cut_sets = [_cuts(s, ink) for s in spans] or [np.array([0, int(ink[-1])])]
    shared = cut_sets[0]
    for cuts in cut_sets[1:]:
        shared = np.intersect1d(shared, cuts)
    lo, hi = shared[:-1], shared[1:]  # [segment]
    keep = hi > lo
    lo, hi = lo[keep], hi[keep]
    differs = np.zeros(len(lo), dtype=bool)
    for cuts in cut_sets:  # a cut strictly inside (lo, hi) splits the segment
        inside = np.searchsorted(cuts, hi, side="left") - np.searchsorted(cuts, lo, side="right")
        differs |= inside > 0
    segs = np.stack([lo, hi], axis=1) if len(lo) else np.zeros((0, 2), dtype=np.int64)
    per_tok = tuple(_token_flags(s, segs, differs, ink) for s in spans)
    return CutDiff(_to_bytes(segs, ink), differs, per_tok)


def _to_bytes(segs: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """Ink-count segments -> byte spans (first ink byte .. after last ink byte)."""
    out = np.zeros((len(segs), 2), dtype=np.int64)
    if len(segs):
        out[:, 0] = np.searchsorted(ink, segs[:, 0] + 1, side="left") - 1
        out[:, 1] = np.searchsorted(ink, segs[:, 1], side="left")
    return out


def _token_flags(token_spans, segs: np.ndarray, differs: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """[token] True when the token covers ink inside a differing segment."""
    spans = np.asarray(token_spans, dtype=np.int64).reshape(-1, 2)
    bad = np.zeros(int(ink[-1]) + 1, dtype=np.int64)  # [ink position] 1 inside a differing segment
    for lo, hi in segs[differs]:
        bad[lo:hi] = 1
    before = np.concatenate([[0], np.cumsum(bad)])  # [ink position + 1] running count
    a, b = ink[spans[:, 0]], ink[spans[:, 1]]
    return (b > a) & (before[b] - before[a] > 0)


def diff_tokenized(results: list[Tokenized]) -> CutDiff:
    """`diff_cuts` over several tokenizations of the same text."""
    if not results:
        raise ValueError("need at least one tokenization")
    text = results[0].text
    if any(r.text != text for r in results):
        raise ValueError("all tokenizations must be of the same text")
    spans = [list(zip(r.starts.tolist(), r.ends.tolist())) for r in results]
    return diff_cuts(text, spans)
