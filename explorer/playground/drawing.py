"""Points drawn on the playground's canvas: their URL form, brush strokes, per-class counts.

A drawn point travels in the link as 'x1,x2,class' (one decimal). A click adds
one point; a box or lasso over many grid cells sprays a seeded sample of them.

Example:
    >>> add_points([], [(1.0, 2.0), (3.0, -1.0)], brush=1)
    ['1.0,2.0,1', '3.0,-1.0,1']
    >>> class_counts(parse_drawn(("1,2,0", "3,4,2", "bad"))).tolist()
    [1, 0, 1]
"""
from __future__ import annotations

import numpy as np

from explorer.playground.datasets import EXTENT, MAX_CLASSES

MAX_DRAWN = 300  # points a link may hold
SPRAY = 25  # a box or lasso adds at most this many points


def parse_drawn(items: tuple[str, ...]) -> list[tuple[float, float, int]]:
    """Drawn points from their URL form 'x1,x2,class'; malformed items are skipped."""
    points = []
    for item in items:
        parts = item.split(",")
        try:
            x1, x2, label = float(parts[0]), float(parts[1]), int(parts[2])
        except (ValueError, IndexError):
            continue
        if len(parts) == 3 and abs(x1) <= EXTENT and abs(x2) <= EXTENT and 0 <= label < MAX_CLASSES:
            points.append((x1, x2, label))
    return points


def format_point(x1: float, x2: float, label: int) -> str:
    """The URL form of one drawn point (one decimal is enough on a 12-unit canvas)."""
    return f"{x1:.1f},{x2:.1f},{label}"


def spray(n_picked: int, seed: int, keep: int = SPRAY) -> np.ndarray:
    """[<= keep] sorted indices of the picked points to add: all of them, or a seeded sample of `keep`."""
    if n_picked <= keep:
        return np.arange(n_picked)
    return np.sort(np.random.default_rng(seed).choice(n_picked, keep, replace=False))


def add_points(drawn, picked: list[tuple[float, float]], brush: int) -> list[str]:
    """`drawn` (URL form) plus the picked canvas points in the brush class, newest MAX_DRAWN kept.

    The spray is seeded with how many points were drawn before, so the same
    strokes in the same order give the same points.
    """
    drawn = list(drawn)
    new = [format_point(*picked[i], brush) for i in spray(len(picked), seed=len(drawn))]
    return (drawn + new)[-MAX_DRAWN:]


def class_counts(points: list[tuple[float, float, int]]) -> np.ndarray:
    """[highest class + 1] how many drawn points each class has (empty when none)."""
    return np.bincount([p[2] for p in points], minlength=1) if points else np.zeros(0, np.int64)
