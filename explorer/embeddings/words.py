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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from explorer.embeddings.presets import WORD_GROUPS

METRICS = ("cosine", "euclidean")
SUGGEST_VOCAB = 50_000  # difflib over the most frequent words only: fast and relevant
SUGGEST_MAX = 8  # unknown words per lookup that get spelling suggestions (~0.1 s each)


@dataclass(frozen=True)
class UnitSpace:
    """GloVe for whole-vocabulary search, built once per server (42 MB).

    The search copy is float16 unit rows (a component within 2.5e-4 of float32's):
    it only shortlists candidates. Every value returned, every score and every
    vector drawn, comes from the exact float32 rows of the memory-mapped file.
    """

    words: Sequence[str]  # shared with the loaded WordVectors (a compact Vocabulary): read-only
    index: Mapping[str, int]  # word -> row, likewise shared
    vectors: np.ndarray  # [word, dim] float32 raw GloVe rows, memory-mapped (read a few rows at a time)
    unit: np.ndarray  # [word, dim] float16, each row divided by its L2 norm, C-contiguous
    norms: np.ndarray  # [word] float32 L2 norm of each raw row

    def raw(self, rows) -> np.ndarray:
        """The exact raw GloVe vectors of `rows` ([row, dim], or [dim] for one row)."""
        return np.asarray(self.vectors[rows], dtype=np.float32)

    def rows(self, rows) -> np.ndarray:
        """The exact unit vectors of `rows` ([row, dim], or [dim] for one row)."""
        return self.raw(rows) / np.maximum(self.norms[rows], 1e-12)[..., None]

    def dot(self, vec: np.ndarray, chunk: int = 8192) -> np.ndarray:
        """float16 unit @ vec for every word, in float32 ([word]): one cache-sized block widened at a time."""
        unit, q = torch.from_numpy(self.unit), torch.tensor(np.asarray(vec, dtype=np.float32))
        out = torch.empty(len(unit), dtype=torch.float32)
        for start in range(0, len(unit), chunk):
            torch.mv(unit[start:start + chunk].float(), q, out=out[start:start + chunk])
        return out.numpy()


def unit_space(wv, chunk: int = 50_000) -> UnitSpace:
    """Normalise every GloVe row once, reading the memory-mapped file a chunk at a time."""
    n, dim = wv.vectors.shape
    unit, norms = np.empty((n, dim), np.float16), np.empty(n, np.float32)
    for start in range(0, n, chunk):
        block = np.asarray(wv.vectors[start:start + chunk], dtype=np.float32)  # [word, dim]
        norms[start:start + chunk] = np.linalg.norm(block, axis=1)
        unit[start:start + chunk] = block / np.maximum(norms[start:start + chunk], 1e-12)[:, None]
    _release_pages(wv.vectors)
    return UnitSpace(wv.words, wv.index, wv.vectors, unit, norms)


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


SHORTLIST = 64  # candidates beyond k that float16 scoring keeps for exact rescoring


def _scores(space: UnitSpace, vec: np.ndarray, metric: str, rows=None) -> np.ndarray:
    """Score rows against `vec`, higher is closer: every word from the float16 copy ([word]),
    or the given `rows` exactly from the float32 file ([row])."""
    if metric == "cosine":
        q = vec / max(float(np.linalg.norm(vec)), 1e-12)
        return space.dot(q) if rows is None else space.rows(rows) @ q
    if rows is not None:
        return -np.sum((space.raw(rows) - vec) ** 2, axis=1)
    # -|x - q|^2 = 2 x.q - |x|^2 - |q|^2 with x = unit * norm: one mat-vec, no [word, dim] temporary
    return 2.0 * space.norms * space.dot(vec) - space.norms ** 2 - float(vec @ vec)


def nearest(space: UnitSpace, vec: np.ndarray, k: int = 10, metric: str = "cosine",
            exclude: tuple[str, ...] = (), query: str = "") -> Neighbours:
    """Top-k rows for `vec` over the whole vocabulary: a float16 mat-vec shortlists k + SHORTLIST
    rows, which are then scored exactly in float32 and sorted."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    if not 1 <= k <= 1000:
        raise ValueError(f"k must be between 1 and 1000, got {k}")
    vec = np.asarray(vec, dtype=np.float32)
    rough = _scores(space, vec, metric)  # [word]
    for word in exclude:
        if word in space.index:
            rough[space.index[word]] = -np.inf
    m = min(k + SHORTLIST, len(rough))
    short = np.argpartition(-rough, m - 1)[:m]
    short = np.sort(short[np.isfinite(rough[short])])  # excluded words never come back; file order
    exact = _scores(space, vec, metric, short)  # [candidate]
    order = np.argsort(-exact, kind="stable")[:k]
    top, best = short[order], exact[order]
    values = best if metric == "cosine" else np.sqrt(np.maximum(-best, 0.0))
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
