"""Project high-dimensional vectors to 2-D or 3-D with PCA, UMAP or t-SNE.

Every projection is seeded, works for 1 or 2 points (falling back to PCA with
a note where UMAP / t-SNE cannot run), says how many points it shows when it
had to sample ("showing N of M"), and scores itself with trustworthiness: the
share of each point's 2-D neighbours that were also near it in the original
space (1.0 = no false neighbours).

Example:
    >>> p = project(np.random.default_rng(0).normal(size=(100, 50)), ProjectionConfig())
    >>> p.coords.shape, p.shown, p.total
    ((100, 2), 100, 100)
"""
from __future__ import annotations

import threading
import time
import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness


METHODS = ("pca", "umap", "tsne")
METRICS = ("cosine", "euclidean")
# Most points each method may project in one go; above this we sample and say so.
# Set from `python -m bench.run bench_embeddings` on a shared 2-core machine.
CAPS = {"pca": 400_000, "umap": 10_000, "tsne": 2_000}
MIN_POINTS = {"pca": 1, "umap": 5, "tsne": 5}
TRUST_SAMPLE = 2_000  # trustworthiness is O(n^2) memory: score a seeded sample
TRUST_K = 5


@dataclass(frozen=True)
class ProjectionConfig:
    """What to run: method, output dimensions, seed and the method's main knobs."""

    method: str = "pca"
    dims: int = 2
    seed: int = 0
    n_neighbors: int = 15  # UMAP: local (small) vs global (large) structure
    min_dist: float = 0.1  # UMAP: how tightly points may pack
    perplexity: float = 30.0  # t-SNE: effective number of neighbours
    metric: str = "cosine"  # distance in the original space (UMAP, t-SNE, trust)
    max_points: int = 400_000  # the per-method CAPS apply below this

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        if self.dims not in (2, 3):
            raise ValueError(f"dims must be 2 or 3, got {self.dims}")
        if self.metric not in METRICS:
            raise ValueError(f"metric must be one of {METRICS}, got {self.metric!r}")
        if not 2 <= self.n_neighbors <= 200:
            raise ValueError(f"n_neighbors must be in 2..200, got {self.n_neighbors}")
        if not 0.0 <= self.min_dist <= 1.0:
            raise ValueError(f"min_dist must be in 0..1, got {self.min_dist}")
        if not 1.0 <= self.perplexity <= 100.0:
            raise ValueError(f"perplexity must be in 1..100, got {self.perplexity}")
        if not 1 <= self.max_points <= CAPS["pca"]:
            raise ValueError(f"max_points must be in 1..{CAPS['pca']}, got {self.max_points}")


@dataclass(frozen=True)
class Projection:
    """Low-dimensional coordinates of the shown points, and how honest they are."""

    coords: np.ndarray  # [shown_point, dims]
    rows: np.ndarray  # [shown_point] row of each shown point in the input
    total: int  # rows in the input (M of "showing N of M")
    method: str  # the method actually used (may differ from the request)
    notes: tuple[str, ...]  # fallbacks, clamped parameters, sampling
    trust: float | None  # trustworthiness at k=trust_k, None below 3 points
    trust_k: int
    trust_points: int  # how many points the score was computed on
    seconds: float
    explained: np.ndarray | None  # [dims] PCA explained-variance ratio, else None

    @property
    def shown(self) -> int:
        return len(self.rows)


def sample_rows(total: int, limit: int, keep: tuple[int, ...] = (), seed: int = 0) -> np.ndarray:
    """Rows to show: all of `keep` first, then a seeded random sample of the rest."""
    keep_arr = np.unique(np.asarray([k for k in keep if 0 <= k < total], dtype=np.int64))
    if total <= limit:
        return np.arange(total)
    rest = np.setdiff1d(np.arange(total), keep_arr, assume_unique=True)
    n_more = max(0, limit - len(keep_arr))
    extra = np.random.default_rng(seed).choice(rest, size=min(n_more, len(rest)), replace=False)
    return np.sort(np.concatenate([keep_arr[:limit], extra]))


def _pca(x: np.ndarray, dims: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """PCA padded with zero columns when there are fewer points/features than dims."""
    n_comp = min(dims, x.shape[0], x.shape[1])
    out = np.zeros((x.shape[0], dims), np.float32)
    ratio = np.zeros(dims, np.float32)
    if x.shape[0] >= 2:
        model = PCA(n_components=n_comp, random_state=seed)
        out[:, :n_comp] = model.fit_transform(x)
        ratio[:n_comp] = np.nan_to_num(model.explained_variance_ratio_)
    return out, ratio


def _umap(x: np.ndarray, cfg: ProjectionConfig, notes: list[str]) -> np.ndarray:
    import umap  # slow first import (numba JIT): see UmapWarmup

    k = min(cfg.n_neighbors, x.shape[0] - 1)
    if k != cfg.n_neighbors:
        notes.append(f"UMAP n_neighbors lowered to {k} (only {x.shape[0]} points)")
    init = "spectral" if x.shape[0] > cfg.dims + 1 else "random"
    model = umap.UMAP(n_components=cfg.dims, n_neighbors=k, min_dist=cfg.min_dist,
                      metric=cfg.metric, random_state=cfg.seed, init=init, n_jobs=1)
    with warnings.catch_warnings():  # "n_jobs overridden by random_state": seeded on purpose
        warnings.simplefilter("ignore")
        return model.fit_transform(x).astype(np.float32)


def _tsne(x: np.ndarray, cfg: ProjectionConfig, notes: list[str]) -> np.ndarray:
    perp = min(cfg.perplexity, (x.shape[0] - 1) / 3)
    if perp != cfg.perplexity:
        notes.append(f"t-SNE perplexity lowered to {perp:.1f} (it must stay below the point count)")
    model = TSNE(n_components=cfg.dims, perplexity=perp, metric=cfg.metric, init="pca",
                 random_state=cfg.seed, method="barnes_hut")
    return model.fit_transform(x).astype(np.float32)


def trust_score(x: np.ndarray, coords: np.ndarray, metric: str = "euclidean", k: int = TRUST_K,
                seed: int = 0) -> tuple[float | None, int]:
    """sklearn trustworthiness on a seeded sample of at most TRUST_SAMPLE points."""
    rows = sample_rows(len(x), TRUST_SAMPLE, seed=seed)
    k = min(k, (len(rows) - 1) // 2)  # sklearn needs k < n / 2
    if k < 1:
        return None, len(rows)
    return float(trustworthiness(x[rows], coords[rows], n_neighbors=k, metric=metric)), len(rows)


def project(x: np.ndarray, cfg: ProjectionConfig, keep: tuple[int, ...] = ()) -> Projection:
    """Project rows of `x` [point, feature]; rows in `keep` are never sampled away."""
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError("need at least one vector to project")
    notes: list[str] = []
    limit = min(cfg.max_points, CAPS[cfg.method])
    rows = sample_rows(x.shape[0], limit, keep, cfg.seed)
    if len(rows) < x.shape[0]:
        notes.append(f"showing {len(rows):,} of {x.shape[0]:,} points (seeded random sample; "
                     f"{cfg.method.upper()} is capped at {limit:,} here)")
    sub, method = x[rows], cfg.method
    if len(sub) < MIN_POINTS[method]:
        notes.append(f"{method.upper()} needs at least {MIN_POINTS[method]} points: used PCA")
        method = "pca"
    start = time.perf_counter()
    explained = None
    # BLAS/OpenMP threads are limited once per process (explorer.core.device.configure_threads):
    # a per-call limit would change them for every other session's request at the same moment.
    if method == "pca":
        coords, explained = _pca(sub, cfg.dims, cfg.seed)
    else:
        coords = (_umap if method == "umap" else _tsne)(sub, cfg, notes)
    seconds = time.perf_counter() - start
    metric = cfg.metric if len(sub) > 1 else "euclidean"
    trust, t_n = trust_score(sub, coords, metric, TRUST_K, cfg.seed)
    trust_k = min(TRUST_K, (t_n - 1) // 2)
    return Projection(coords, rows, x.shape[0], method, tuple(notes), trust, trust_k, t_n,
                      seconds, explained)


class UmapWarmup:
    """Import umap and fit a tiny set once in a background thread (numba JIT).

    The first `import umap` compiles for ~13 s and the first fit costs ~10 s
    more; doing that at first use would freeze the page, so the server starts
    this at first view and the page falls back to PCA until `ready`. With
    `large`, it then also compiles the approximate-neighbour path UMAP takes
    from 4,096 points on (measured: the first 10,000-point fit otherwise
    costs minutes more than later ones); `large_done` is set when that ends.
    """

    def __init__(self, large: bool = True) -> None:
        self.large = large
        self.large_done = threading.Event()
        self._done = threading.Event()
        self.started = time.monotonic()
        self.seconds: float | None = None
        self.error: str | None = None
        self._thread = threading.Thread(target=self._run, name="umap-warmup", daemon=True)

    def start(self) -> UmapWarmup:
        self.started = time.monotonic()
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            x = np.random.default_rng(0).normal(size=(40, 8)).astype(np.float32)
            # the page's default metric only: each metric compiles its own kernels
            _umap(x, ProjectionConfig("umap", metric="cosine", n_neighbors=5), [])
        except Exception as err:  # noqa: BLE001 - reported on the page, never raised
            self.error = f"{type(err).__name__}: {err}"
        finally:
            self.seconds = time.monotonic() - self.started
            self._done.set()
        if self.large and self.error is None:
            try:  # a few epochs suffice: the point is compiling, not a good layout
                import umap

                x = np.random.default_rng(0).normal(size=(4_200, 8)).astype(np.float32)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    umap.UMAP(metric="cosine", random_state=0, n_epochs=5, n_jobs=1).fit(x)
            except Exception:  # noqa: BLE001 - the first large fit just compiles itself instead
                pass
        self.large_done.set()

    @property
    def ready(self) -> bool:
        return self._done.is_set() and self.error is None

    @property
    def failed(self) -> bool:
        return self._done.is_set() and self.error is not None

    def elapsed(self) -> float:
        return self.seconds if self.seconds is not None else time.monotonic() - self.started

    def wait(self, timeout: float | None = None) -> bool:
        """Block until warm (tests, benchmarks); True when UMAP is usable."""
        self._done.wait(timeout)
        return self.ready
