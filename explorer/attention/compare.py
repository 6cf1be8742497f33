"""Two runs side by side: the same view of each, B − A, and how much attention moved.

Example:
    >>> c = compare(comfortable, tired, "head", layer=2, head=5)    # MiniLM, '... because it was X.'
    >>> c.diff.shape, round(c.largest, 2), round(c.moved, 2)   # [query_pos, key_pos]; max |B − A|; moved per row
    ((13, 13), 0.24, 0.08)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.attention.extract import Attention
from explorer.attention.matrices import view_matrix


@dataclass(frozen=True)
class Comparison:
    """A's and B's matrices for one view and, when they are the same length, their difference."""

    a: np.ndarray  # [query_pos, key_pos] run A
    b: np.ndarray  # [query_pos, key_pos] run B (its own length)
    diff: np.ndarray | None  # [query_pos, key_pos] b - a; None when the lengths differ
    largest: float  # max |b - a| over every cell (0 without a diff)
    moved: float  # half the row's L1 distance |b - a|, averaged over rows: the share of weight that moved

    @property
    def same_length(self) -> bool:
        """True when B − A exists (both runs have the same number of tokens)."""
        return self.diff is not None


def compare(a: Attention, b: Attention, show: str, layer: int, head: int,
            hide_sinks: bool = False) -> Comparison:
    """The `show` view of both runs at (layer, head) and B − A.

    A rollout needs its own pass through every layer per run, so 'rollout' is
    compared as the single head instead. For two probability rows, half their
    L1 distance is the weight that has to move to turn one into the other.
    """
    show = "head" if show == "rollout" else show
    mat_a = view_matrix(a, show, layer, head, hide_sinks)
    mat_b = view_matrix(b, show, layer, head, hide_sinks)
    if mat_a.shape != mat_b.shape:
        return Comparison(mat_a, mat_b, None, 0.0, 0.0)
    diff = mat_b - mat_a  # [query_pos, key_pos]
    moved = float(np.abs(diff).sum(axis=1).mean() / 2) if len(diff) else 0.0
    largest = float(np.abs(diff).max(initial=0.0))
    return Comparison(mat_a, mat_b, diff, largest, moved)
