"""FAISS vector indexes over unit chunk vectors: one exact, two approximate.

- Flat (IndexFlatIP): compares the query with every vector; on unit vectors the
  inner product is the cosine, so this is exact search.
- IVF (IndexIVFFlat): k-means splits the vectors into `nlist` cells; a query
  only scans the `nprobe` cells whose centres are nearest. Fast, may miss.
- HNSW (IndexHNSWFlat): a layered neighbour graph walked greedily; `efSearch`
  is how many candidates the walk keeps. Fast, may miss.

recall@k = share of the exact top-k that the approximate index also returns,
measured on real queries, never assumed. Search settings (nprobe, efSearch)
are passed per call as SearchParameters, so a shared cached index is never
changed by a request.

Example:
    >>> idx = build_indexes(vectors)                     # vectors [chunk, 384], unit rows
    >>> hits = search(idx.exact, queries, k=5)           # rows, scores [query, k]
    >>> recall_at_k(hits.rows, search(idx.ivf, queries, 5, nprobe=1).rows).mean()
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import faiss
import numpy as np

from explorer.core.device import default_threads

KINDS = ("flat", "ivf", "hnsw")
KIND_TITLES = {"flat": "Exact (flat)", "ivf": "IVF", "hnsw": "HNSW"}
HNSW_M = 16  # graph neighbours per vector: FAISS's common default
NPROBE_SWEEP = (1, 2, 4, 8, 16, 32, 64)
EF_SWEEP = (1, 2, 4, 8, 16, 32, 64, 128)


def configure_threads() -> int:
    """Give FAISS's OpenMP the same deliberate thread count as torch; call once per process."""
    n = default_threads()
    faiss.omp_set_num_threads(n)
    return n


@dataclass(frozen=True)
class Indexes:
    """The three indexes over the same vectors and how long each took to build."""

    exact: faiss.Index
    ivf: faiss.Index
    hnsw: faiss.Index
    nlist: int  # IVF cells
    seconds: dict  # kind -> build seconds

    def get(self, kind: str) -> faiss.Index:
        return {"flat": self.exact, "ivf": self.ivf, "hnsw": self.hnsw}[kind]


def nlist_for(n: int) -> int:
    """IVF cells for n vectors: about sqrt(n), with at least 4 vectors per cell."""
    return int(max(1, min(round(np.sqrt(n)), n // 4)))


def _timed(build) -> tuple[faiss.Index, float]:
    start = time.perf_counter()
    index = build()
    return index, time.perf_counter() - start


def build_indexes(vectors: np.ndarray) -> Indexes:
    """Flat, IVF and HNSW inner-product indexes over vectors [chunk, dim] (unit rows)."""
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    if x.ndim != 2 or len(x) == 0:
        raise ValueError("need at least one vector to index")
    n, dim = x.shape
    nlist = nlist_for(n)

    def flat():
        index = faiss.IndexFlatIP(dim)
        index.add(x)
        return index

    def ivf():
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.cp.min_points_per_centroid = 1  # small corpora: no "too few points" warning
        index.cp.seed = 1234  # k-means seed, explicit (FAISS's default)
        index.train(x)
        index.add(x)
        return index

    def hnsw():
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.add(x)
        return index

    built = {kind: _timed(fn) for kind, fn in (("flat", flat), ("ivf", ivf), ("hnsw", hnsw))}
    return Indexes(built["flat"][0], built["ivf"][0], built["hnsw"][0], nlist,
                   {kind: secs for kind, (_, secs) in built.items()})


@dataclass(frozen=True)
class Hits:
    """Search results for a batch of queries."""

    rows: np.ndarray  # [query, k] chunk rows, best first; -1 where the index found fewer than k
    scores: np.ndarray  # [query, k] inner product = cosine for unit vectors
    ms_per_query: float  # median over queries searched one at a time


def _params(index: faiss.Index, nprobe: int, ef_search: int):
    if isinstance(index, faiss.IndexIVF):
        return faiss.SearchParametersIVF(nprobe=int(nprobe))
    if isinstance(index, faiss.IndexHNSW):
        return faiss.SearchParametersHNSW(efSearch=int(ef_search))
    return None


def search(index: faiss.Index, queries: np.ndarray, k: int, *, nprobe: int = 1,
           ef_search: int = 16) -> Hits:
    """Top-k of each query [query, dim], one query at a time (as a page would), timed."""
    q = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
    k = max(1, min(int(k), index.ntotal))
    params = _params(index, nprobe, ef_search)
    rows, scores, times = [], [], []
    for one in q:
        start = time.perf_counter()
        d, i = index.search(one[None], k, params=params)
        times.append(time.perf_counter() - start)
        rows.append(i[0])
        scores.append(d[0])
    return Hits(np.array(rows, dtype=np.int64).reshape(len(q), k),
                np.array(scores, dtype=np.float32).reshape(len(q), k),
                float(np.median(times) * 1000) if times else 0.0)


def recall_at_k(exact_rows: np.ndarray, approx_rows: np.ndarray) -> np.ndarray:
    """[query] share of each query's exact top-k rows found in the approximate top-k."""
    exact_rows, approx_rows = np.atleast_2d(exact_rows), np.atleast_2d(approx_rows)
    if exact_rows.shape[1] == 0:
        return np.ones(len(exact_rows))
    found = [len(set(e[e >= 0]) & set(a[a >= 0])) / max(1, int((e >= 0).sum()))
             for e, a in zip(exact_rows, approx_rows)]
    return np.array(found, dtype=np.float64)


@dataclass(frozen=True)
class Sweep:
    """Recall@k and query time of one approximate index as its search knob grows."""

    kind: str  # "ivf" | "hnsw"
    knob: str  # "nprobe" | "efSearch"
    values: np.ndarray  # [setting]
    recall: np.ndarray  # [setting] mean recall@k over the queries
    ms_per_query: np.ndarray  # [setting]
    exact_ms: float  # the flat index on the same queries


def sweep(indexes: Indexes, kind: str, queries: np.ndarray, k: int) -> Sweep:
    """Recall@k against the flat index and time per query for each nprobe / efSearch."""
    if kind not in ("ivf", "hnsw"):
        raise ValueError(f"kind must be 'ivf' or 'hnsw', got {kind!r}")
    exact = search(indexes.exact, queries, k)
    if kind == "ivf":  # up to every cell, where IVF becomes exact
        values = sorted({v for v in NPROBE_SWEEP if v < indexes.nlist} | {indexes.nlist})
    else:
        values = list(EF_SWEEP)
    recall, ms = [], []
    for v in values:
        hits = search(indexes.get(kind), queries, k, nprobe=v, ef_search=v)
        recall.append(recall_at_k(exact.rows, hits.rows).mean())
        ms.append(hits.ms_per_query)
    return Sweep(kind, "nprobe" if kind == "ivf" else "efSearch", np.array(values),
                 np.array(recall), np.array(ms), exact.ms_per_query)


@dataclass(frozen=True)
class Comparison:
    """Exact against both approximate indexes at one setting, on the same queries."""

    k: int
    n_queries: int
    ms_per_query: dict  # kind -> median milliseconds per query
    recall: dict  # kind -> mean recall@k against the flat index (flat: 1.0)
    rows: dict  # kind -> [query, k] rows


def compare(indexes: Indexes, queries: np.ndarray, k: int, *, nprobe: int = 1,
            ef_search: int = 16) -> Comparison:
    """Search queries [query, dim] with all three indexes; recall@k of each against flat."""
    hits = {kind: search(indexes.get(kind), queries, k, nprobe=nprobe, ef_search=ef_search)
            for kind in KINDS}
    exact = hits["flat"].rows
    return Comparison(exact.shape[1], len(exact), {kd: h.ms_per_query for kd, h in hits.items()},
                      {kd: float(recall_at_k(exact, h.rows).mean()) for kd, h in hits.items()},
                      {kd: h.rows for kd, h in hits.items()})
