"""GloVe's 400,000 words as a searchable space: lookup, nearest neighbours, the points to draw.

Every search runs in the original 50-D space over the whole vocabulary: one
matrix-vector product and an argpartition, no index.

Example:
    >>> space = unit_space(glove)            # normalise the 400,000 rows once
    >>> word_neighbours(space, "frog", k=3).words
    ('snake', 'ape', 'toad')
"""
from __future__ import annotations

import difflib
import mmap
from dataclasses import dataclass

import numpy as np

from explorer.embeddings.presets import WORD_GROUPS

METRICS = ("cosine", "euclidean")
SUGGEST_VOCAB = 50_000  # difflib over the most frequent words only: fast and relevant
SUGGEST_MAX = 8  # unknown words per lookup that get spelling suggestions (~0.1 s each)


@dataclass(frozen=True)
class UnitSpace:
    """GloVe as unit-length rows and their lengths, built once per server (80 MB).

    A raw row is unit * norm, so the raw 400,000 x 50 matrix is never kept twice.
    """

    words: tuple[str, ...]
    index: dict[str, int]  # shared with the loaded WordVectors: read-only
    unit: np.ndarray  # [word, dim] each row divided by its L2 norm, C-contiguous
    norms: np.ndarray  # [word] L2 norm of each raw row

    def raw(self, rows) -> np.ndarray:
        """The raw GloVe vectors of `rows` ([row, dim]), as unit * norm."""
        return self.unit[rows] * self.norms[rows, None]


def unit_space(wv, chunk: int = 50_000) -> UnitSpace:
    """Normalise every GloVe row once, reading the memory-mapped file a chunk at a time."""
    n, dim = wv.vectors.shape
    unit, norms = np.empty((n, dim), np.float32), np.empty(n, np.float32)
    for start in range(0, n, chunk):
        block = np.asarray(wv.vectors[start:start + chunk], dtype=np.float32)  # [word, dim]
        norms[start:start + chunk] = np.linalg.norm(block, axis=1)
        unit[start:start + chunk] = block / np.maximum(norms[start:start + chunk], 1e-12)[:, None]
    _release_pages(wv.vectors)
    return UnitSpace(tuple(wv.words), wv.index, unit, norms)


def _release_pages(array: np.ndarray) -> None:
    """Let the kernel drop a read-only memory map's pages from this process (re-read on use)."""
    mm = getattr(array, "_mmap", None)
    if mm is not None and hasattr(mm, "madvise") and hasattr(mmap, "MADV_DONTNEED"):
        mm.madvise(mmap.MADV_DONTNEED)


@dataclass(frozen=True)
class Lookup:
    """Which input words GloVe knows; close spellings for the first few others."""

    found: tuple[str, ...]  # normalised, de-duplicated, in input order
    missing: tuple[str, ...]
    suggestions: dict[str, tuple[str, ...]]  # missing word -> close known words (the first SUGGEST_MAX only)
    duplicates: tuple[str, ...]


def suggest(space: UnitSpace, word: str, n: int = 4) -> tuple[str, ...]:
    """Up to n known words spelled like `word` (difflib over the SUGGEST_VOCAB most frequent: ~0.1 s)."""
    return tuple(difflib.get_close_matches(word, space.words[:SUGGEST_VOCAB], n=n, cutoff=0.7))


def lookup(space: UnitSpace, words: list[str] | tuple[str, ...], suggest_max: int = SUGGEST_MAX) -> Lookup:
    """Split `words` into known and unknown (GloVe is lower-case), with suggestions for the first unknown ones.

    Suggestions cost ~0.1 s per word, so only the first `suggest_max` unknown words get them:
    a link naming 200 unknown words must not cost 20 s of CPU.
    """
    found, missing, dups, seen = [], [], [], set()
    for raw in words:
        word = raw.strip().lower()
        if not word:
            continue
        if word in seen:
            dups.append(word)
            continue
        seen.add(word)
        (found if word in space.index else missing).append(word)
    sugg = {w: suggest(space, w) for w in missing[:max(suggest_max, 0)]}
    return Lookup(tuple(found), tuple(missing), sugg, tuple(dups))


@dataclass(frozen=True)
class Neighbours:
    """The k rows closest to a query vector in the original 50-D space."""

    query: str
    metric: str
    words: tuple[str, ...]  # nearest first
    rows: np.ndarray  # [k] row indices into the vocabulary
    scores: np.ndarray  # [k] cosine similarity, or euclidean distance


def _scores(space: UnitSpace, vec: np.ndarray, metric: str) -> np.ndarray:
    """Score every row against `vec`: higher is closer ([word])."""
    if metric == "cosine":
        return space.unit @ (vec / max(float(np.linalg.norm(vec)), 1e-12))
    # -|x - q|^2 = 2 x.q - |x|^2 - |q|^2 with x = unit * norm: one mat-vec, no [word, dim] temporary
    return 2.0 * space.norms * (space.unit @ vec) - space.norms ** 2 - float(vec @ vec)


def nearest(space: UnitSpace, vec: np.ndarray, k: int = 10, metric: str = "cosine",
            exclude: tuple[str, ...] = (), query: str = "") -> Neighbours:
    """Top-k rows for `vec` over the whole vocabulary (mat-vec + argpartition)."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    if not 1 <= k <= 1000:
        raise ValueError(f"k must be between 1 and 1000, got {k}")
    scores = _scores(space, np.asarray(vec, dtype=np.float32), metric)  # [word]
    for word in exclude:
        if word in space.index:
            scores[space.index[word]] = -np.inf
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]  # the k best, unordered
    top = top[np.argsort(-scores[top], kind="stable")]
    top = top[np.isfinite(scores[top])]  # excluded words never come back
    values = scores[top] if metric == "cosine" else np.sqrt(np.maximum(-scores[top], 0.0))
    return Neighbours(query, metric, tuple(space.words[i] for i in top), top, values.astype(np.float32))


def word_neighbours(space: UnitSpace, word: str, k: int = 10, metric: str = "cosine") -> Neighbours:
    """Neighbours of a known word, excluding the word itself."""
    word = word.strip().lower()
    if word not in space.index:
        raise KeyError(word)
    return nearest(space, space.raw(space.index[word]), k, metric, (word,), word)


def vectors_for(space: UnitSpace, words: tuple[str, ...]) -> np.ndarray:
    """Raw vectors of known words, [word, dim]."""
    return space.raw([space.index[w] for w in words])


def background_rows(space: UnitSpace, n: int, exclude: tuple[str, ...] = ()) -> list[int]:
    """Rows of the `n` most frequent purely alphabetic words (GloVe is frequency-sorted)."""
    skip, rows = set(exclude), []
    for i, word in enumerate(space.words):
        if len(rows) >= n:
            break
        if word.isalpha() and word not in skip:
            rows.append(i)
    return rows


@dataclass(frozen=True)
class WordPoints:
    """What the Words view projects: the typed words first, then background words."""

    labels: tuple[str, ...]  # [point] the word
    groups: tuple[str, ...]  # [point] colour group: a preset's group, 'your words' or 'background'
    vectors: np.ndarray  # [point, dim] raw GloVe vectors
    focus: np.ndarray  # [point] bool: True for the typed words (named), False for background

    @property
    def named(self) -> tuple[int, ...]:
        """Point indices of the typed words (a sampled projection must keep them)."""
        return tuple(range(int(self.focus.sum())))


def word_points(space: UnitSpace, words: tuple[str, ...], background: list[int] | tuple[int, ...] = ()
                ) -> WordPoints:
    """Rows for known `words` followed by the `background` rows (from background_rows)."""
    rows = [space.index[w] for w in words] + list(background)
    labels = tuple(space.words[r] for r in rows)
    groups = tuple(WORD_GROUPS.get(w, "your words") for w in words) + ("background",) * len(background)
    focus = np.arange(len(rows)) < len(words)
    return WordPoints(labels, groups, space.raw(rows), focus)
