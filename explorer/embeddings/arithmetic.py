"""Arithmetic on word vectors: analogies (a − b + c) and semantic axes (man → woman).

Answers are computed in all 50 dimensions; the points returned for drawing
are unit vectors, so a linear projection (PCA) compares directions only.

Example:
    >>> solve_analogy(space, "king", "man", "woman").words[0]
    'queen'
    >>> place_on_axes(space, ("king", "queen"), (("man", "woman"),)).coords[:, 0]   # [word]
    array([-0.19,  0.2 ], dtype=float32)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.embeddings.words import UnitSpace, background_rows, nearest, vectors_for


@dataclass(frozen=True)
class Analogy:
    """a - b + c, answered by cosine over all words except the three inputs."""

    a: str
    b: str
    c: str
    target: np.ndarray  # [dim] unit(a) - unit(b) + unit(c)
    words: tuple[str, ...]  # best answers first
    scores: np.ndarray  # [k] cosine(answer, target)
    with_inputs: tuple[str, ...]  # top answers if the inputs were NOT excluded


def solve_analogy(space: UnitSpace, a: str, b: str, c: str, k: int = 5) -> Analogy:
    """Solve a - b + c (king - man + woman); raises KeyError for an unknown word."""
    a, b, c = (w.strip().lower() for w in (a, b, c))
    for word in (a, b, c):
        if word not in space.index:
            raise KeyError(word)
    # 3CosAdd on unit vectors (as gensim's most_similar): each word counts equally
    va, vb, vc = space.rows([space.index[w] for w in (a, b, c)])
    target = va - vb + vc  # [dim]
    best = nearest(space, target, k, "cosine", (a, b, c), f"{a} - {b} + {c}")
    naive = nearest(space, target, 3, "cosine", (), "")
    return Analogy(a, b, c, target, best.words, best.scores, naive.words)


def offset_cosine(space: UnitSpace, b: str, a: str, c: str, d: str) -> float:
    """How parallel the offsets b -> a and c -> d are in the full space (1 = parallel).

    The drawn parallelogram is a 2-D shadow; this is the real 50-D answer.
    """
    va, vb, vc, vd = space.raw([space.index[w] for w in (a, b, c, d)])
    u, v = va - vb, vd - vc  # [dim] each
    return float(u @ v / max(float(np.linalg.norm(u) * np.linalg.norm(v)), 1e-12))


@dataclass(frozen=True)
class AnalogyPoints:
    """The analogy's words and its target as unit vectors, ready for a 2-D or 3-D picture."""

    labels: tuple[str, ...]  # a, b, c, the answers (best first), then 'a − b + c'
    roles: tuple[str, ...]  # 'a', 'b', 'c', 'answer', 'other' for the runners-up, 'target'
    unit: np.ndarray  # [point, dim] each row scaled to L2 length 1


def analogy_points(space: UnitSpace, result: Analogy) -> AnalogyPoints:
    """a, b, c, the answers and the target a − b + c, each scaled to length 1."""
    words = (result.a, result.b, result.c, *result.words)
    x = np.vstack([vectors_for(space, words), result.target])  # [point, dim]
    unit = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    roles = ("a", "b", "c", "answer", *["other"] * (len(result.words) - 1), "target")
    return AnalogyPoints((*words, "a − b + c"), roles, unit.astype(np.float32))


@dataclass(frozen=True)
class AxisPlacement:
    """Words placed on directions defined by word pairs (man -> woman)."""

    words: tuple[str, ...]
    axes: tuple[str, ...]  # "man → woman" per axis
    coords: np.ndarray  # [word, axis] cosine(word, pole_b - pole_a)


def direction(space: UnitSpace, low: str, high: str) -> np.ndarray:
    """The unit direction [dim] from word `low` to word `high` (raw vectors); unknown words raise KeyError."""
    for word in (low, high):
        if word not in space.index:
            raise KeyError(word)
    high_v, low_v = space.raw([space.index[high], space.index[low]])
    d = high_v - low_v
    return d / max(float(np.linalg.norm(d)), 1e-12)


def place_on_axes(space: UnitSpace, words: tuple[str, ...],
                  axes: tuple[tuple[str, str], ...]) -> AxisPlacement:
    """Project unit word vectors on each unit axis (b - a); unknown words raise KeyError."""
    if not axes:
        raise ValueError("give at least one axis (two different words)")
    dirs = [direction(space, low, high) for low, high in axes]
    rows = [space.index[w] for w in words]
    coords = space.rows(rows) @ np.stack(dirs, axis=1)  # [word, axis]
    names = tuple(f"{low} → {high}" for low, high in axes)
    return AxisPlacement(tuple(words), names, coords.astype(np.float32))


@dataclass(frozen=True)
class AxisEnds:
    """The words leaning most to each end of one axis, among the most frequent words."""

    axis: str  # "man → woman"
    low: tuple[str, ...]  # most toward the 'from' word, strongest first
    high: tuple[str, ...]  # most toward the 'to' word, strongest first
    low_scores: np.ndarray  # [k] cosine with the axis (negative)
    high_scores: np.ndarray  # [k] cosine with the axis (positive)
    searched: int  # how many frequent words were scored


def axis_ends(space: UnitSpace, low: str, high: str, k: int = 10, vocab: int = 50_000) -> AxisEnds:
    """The k words of the `vocab` most frequent alphabetic ones with the lowest and highest cosine
    to the direction (high - low), the two pole words left out. One mat-vec and a sort.

    Example: axis_ends(space, "man", "woman", 3).high -> the 3 frequent words most on the 'woman' side.
    """
    if not 1 <= k <= 1000:
        raise ValueError(f"k must be between 1 and 1000, got {k}")
    axis = direction(space, low, high)
    rows = np.asarray(background_rows(space, vocab, (low, high)), dtype=np.int64)
    scores = space.rows(rows) @ axis  # [word] cosine with the direction
    k = min(k, len(rows))
    top = np.argsort(-scores, kind="stable")[:k]
    bottom = np.argsort(scores, kind="stable")[:k]
    return AxisEnds(f"{low} → {high}", tuple(space.words[i] for i in rows[bottom]),
                    tuple(space.words[i] for i in rows[top]), scores[bottom].astype(np.float32),
                    scores[top].astype(np.float32), len(rows))
