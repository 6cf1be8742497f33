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

from explorer.tokenizers import Tokenized


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


def diff_cuts(text: str, spans: list[list[tuple[int, int]]]) -> CutDiff:
    """Compare token spans (byte start, end) of several tokenizers over one text."""
    data = text.encode("utf-8")
    ink = _ink_index(data)
    total = int(ink[-1])
    cut_sets = []
    for token_spans in spans:
        cuts = {0, total}
        for start, end in token_spans:
            if end > start:
                cuts.update((int(ink[start]), int(ink[end])))
        cut_sets.append(cuts)
    shared = sorted(set.intersection(*cut_sets)) if cut_sets else [0, total]
    segs, differs = [], []
    for lo, hi in zip(shared, shared[1:]):
        if hi <= lo:
            continue
        segs.append((lo, hi))
        differs.append(any(any(lo < c < hi for c in cuts) for cuts in cut_sets))
    byte_segs = _to_bytes(segs, ink)
    per_tok = tuple(_token_flags(s, segs, differs, ink) for s in spans)
    return CutDiff(byte_segs, np.asarray(differs, dtype=bool), per_tok)


def _to_bytes(segs: list[tuple[int, int]], ink: np.ndarray) -> np.ndarray:
    """Ink-count segments -> byte spans (first ink byte .. after last ink byte)."""
    out = np.zeros((len(segs), 2), dtype=np.int64)
    for k, (lo, hi) in enumerate(segs):
        out[k, 0] = int(np.searchsorted(ink, lo + 1, side="left")) - 1
        out[k, 1] = int(np.searchsorted(ink, hi, side="left"))
    return out


def _token_flags(token_spans, segs, differs, ink) -> np.ndarray:
    flags = np.zeros(len(token_spans), dtype=bool)
    bad = [(lo, hi) for (lo, hi), d in zip(segs, differs) if d]
    for t, (start, end) in enumerate(token_spans):
        a, b = int(ink[start]), int(ink[end])
        flags[t] = b > a and any(a < hi and lo < b for lo, hi in bad)
    return flags


def diff_tokenized(results: list[Tokenized]) -> CutDiff:
    """`diff_cuts` over several tokenizations of the same text."""
    if not results:
        raise ValueError("need at least one tokenization")
    text = results[0].text
    if any(r.text != text for r in results):
        raise ValueError("all tokenizations must be of the same text")
    spans = [list(zip(r.starts.tolist(), r.ends.tolist())) for r in results]
    return diff_cuts(text, spans)
