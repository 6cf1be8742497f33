"""Measured head patterns: where each head's queries put their mass, tagged per head.

Example:
    >>> pats = head_patterns(att)          # MiniLM on 'The cat sat on the mat because it was comfortable.'
    >>> pats.tags[0, 3], pats.count()["first-token/sink"]       # tags: [layer, head]
    ('broad', 32)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.attention.extract import Attention, sink_positions

PATTERNS = ("previous-token", "first-token/sink", "self", "broad")


@dataclass(frozen=True)
class HeadPatterns:
    """Measured pattern per head. scores: [layer, head, pattern] in PATTERNS order."""

    scores: np.ndarray  # [layer, head, 4] float32: mean attention mass (broad: normalised entropy)
    tags: np.ndarray  # [layer, head] str: the winning pattern, or 'mixed'

    def count(self) -> dict[str, int]:
        """How many heads carry each tag."""
        names, counts = np.unique(self.tags, return_counts=True)
        return {str(k): int(v) for k, v in zip(names, counts)}


def _layer_scores(w: np.ndarray, sinks: np.ndarray, causal: bool) -> np.ndarray:
    """[head, q, k] -> [head, 4]: prev, sink, self masses and normalised entropy."""
    n = w.shape[-1]
    q = np.arange(1, n)
    rows = w[:, 1:, :]  # [head, q>=1, k]
    prev = w[:, q, q - 1].mean(-1)
    self_ = w[:, q, q].mean(-1)
    sink = rows[..., sinks].sum(-1).mean(-1)
    visible = (q + 1) if causal else np.full(n - 1, n)
    ent = -(rows * np.log(np.clip(rows, 1e-12, None))).sum(-1)  # [head, q]
    broad = (ent / np.log(visible)).mean(-1)
    return np.stack([prev, sink, self_, broad], axis=-1).astype(np.float32)


def head_patterns(att: Attention, threshold: float = 0.5, broad_at: float = 0.75) -> HeadPatterns:
    """Tag each head by where its queries put their mass, averaged over queries.

    previous-token: mass on key q-1; first-token/sink: mass on sink positions
    (special tokens, decoder position 0); self: mass on key q; broad: the
    row entropy divided by its maximum (log of the keys the query may see).
    A head gets the strongest of the three mass patterns if it holds at least
    `threshold` of the mass, else 'broad' if its normalised entropy is at least
    `broad_at`, else 'mixed'. Query 0 is skipped (a decoder's sees only itself).
    """
    n = att.weights.shape[-1]
    if n < 3:
        raise ValueError("Head patterns need at least 3 tokens.")
    # One layer at a time: a 512-token SmolLM2 run is 280 MB in float32 already.
    # float32 per layer: weights may be stored as float16, where log(clip(w, 1e-12)) would be log(0).
    scores = np.stack([_layer_scores(np.asarray(layer, np.float32), sink_positions(att), att.causal)
                       for layer in att.weights])
    broad = scores[..., 3]
    best = scores[..., :3].argmax(-1)
    tags = np.where(scores[..., :3].max(-1) >= threshold, np.array(PATTERNS)[best],
                    np.where(broad >= broad_at, "broad", "mixed"))
    return HeadPatterns(scores, tags)
