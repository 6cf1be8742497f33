"""What rotary position encoding (RoPE) does to the attention score q·k as two tokens move apart.

RoPE turns q and k by angles proportional to their positions, so after the
rotation q·k depends on the *distance* between the tokens, not on where they
stand. Here a real query and key of the model are placed d tokens apart for
every d, and the score is read off.

Example:
    >>> curve = rope_curve(model, run, layer=2, head=0, query=9, key=3)
    >>> curve.score.shape                           # [distance]
    (1024,)
    >>> abs(curve.score[curve.actual_distance] - curve.actual_score) < 1e-3
    True
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from explorer.inside.forward import Pass, block_tensors, rope_angles, rotate

MAX_DISTANCE = 1024
SHIFTS = (1, 37, 300)  # moving both tokens by these many positions must not change the score


@dataclass(frozen=True)
class RopeCurve:
    """Score of one real query/key pair at every distance."""

    distance: np.ndarray  # [distance] tokens between key and query
    score: np.ndarray  # [distance] q·k/√d after RoPE, the query `distance` tokens after the key
    self_score: np.ndarray  # [distance] the query with a copy of itself: RoPE's own pattern
    plain: float  # q·k/√d without any rotation
    actual_distance: int  # the two tokens' distance in the text
    actual_score: float  # the model's own score for that pair
    shift_gap: float  # max |score(m + s, n + s) - score(m, n)| over SHIFTS


def _scores(q: torch.Tensor, k: torch.Tensor, cos, sin, scale: float, start: int = 0) -> torch.Tensor:
    """Score with the key at `start` and the query at start + d, for d in 0..len(cos) - start - 1."""
    q_rot = rotate(q[None], cos[start:], sin[start:])  # [distance, head_dim]
    k_rot = rotate(k[None], cos[start:start + 1], sin[start:start + 1])  # [1, head_dim]
    return (q_rot @ k_rot[0]) * scale


@torch.no_grad()
def rope_curve(model, run: Pass, layer: int, head: int, query: int, key: int) -> RopeCurve:
    """q of token `query` and k of token `key` (layer, head) re-placed at every distance 0..MAX_DISTANCE-1."""
    n = len(run.ids)
    query = n - 1 if query < 0 or query >= n else query
    key = min(max(key, 0), query)
    parts = block_tensors(model, layer, torch.tensor(run.resid[layer]))
    attn = model.model.layers[layer].self_attn
    kv = head // (parts["q"].shape[0] // parts["k"].shape[0])
    q, k = parts["q"][head, query].float(), parts["k"][kv, key].float()  # [head_dim], before rotation
    span = min(MAX_DISTANCE, getattr(model.config, "max_position_embeddings", MAX_DISTANCE) or MAX_DISTANCE)
    cos, sin = rope_angles(model, torch.arange(span + max(SHIFTS), device=q.device))
    score = _scores(q, k, cos[:span], sin[:span], attn.scaling)
    gap = max(float((_scores(q, k, cos[:span + s], sin[:span + s], attn.scaling, s) - score).abs().max())
              for s in SHIFTS)
    return RopeCurve(np.arange(span), score.cpu().numpy(),
                     _scores(q, q, cos[:span], sin[:span], attn.scaling).cpu().numpy(),
                     float(q @ k) * attn.scaling, query - key,
                     float(parts["scores"][head, query, key]), gap)
