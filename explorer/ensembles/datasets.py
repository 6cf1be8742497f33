"""Small 2-D classification datasets for the Ensemble sandbox.

Every dataset ends up as two standardized features (so decision regions can
be drawn on a plane) split into train and test:

    >>> d = make_dataset(DataConfig("moons", n_samples=200, seed=0))
    >>> d.x_train.shape, d.x_test.shape, d.class_names
    ((140, 2), (60, 2), ('0', '1'))

Sources: generated 2-D sets (moons, circles, xor, blobs), scikit-learn's
bundled tabular sets (iris, wine, breast cancer, digits) seen through two
chosen columns or their first two principal components, or a user CSV.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from sklearn import datasets as skd
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SYNTHETIC = ("moons", "circles", "xor", "blobs")
BUNDLED = ("iris", "wine", "breast_cancer", "digits")
SOURCES = SYNTHETIC + BUNDLED + ("csv",)
MAX_CSV_BYTES = 2_000_000  # stated on the page: bigger uploads are refused
MAX_ROWS = 5_000  # decision regions and bagging stay interactive below this
MAX_POINTS = 2_000  # generated sets: the Points slider's top (URL n is clamped to it too)
MAX_CLASSES = 10
MIN_PER_CLASS = 4  # a stratified split needs at least a few of each class


@dataclass(frozen=True)
class DataConfig:
    """Which dataset, how it is drawn, and how it is split."""

    source: str = "moons"
    n_samples: int = 300  # generated sets only
    noise: float = 0.3  # generated sets only
    seed: int = 0
    test_fraction: float = 0.3
    projection: str = "pca"  # bundled/CSV: "pca" or "features"
    feature_x: int = 0
    feature_y: int = 1

    def __post_init__(self):
        if self.source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, got {self.source!r}")
        if not 20 <= self.n_samples <= MAX_ROWS:
            raise ValueError(f"n_samples must be in 20..{MAX_ROWS}")
        if not 0.0 <= self.noise <= 2.0:
            raise ValueError("noise must be in 0..2")
        if not 0.1 <= self.test_fraction <= 0.5:
            raise ValueError("test_fraction must be in 0.1..0.5")
        if self.projection not in ("pca", "features"):
            raise ValueError("projection must be 'pca' or 'features'")
        if min(self.feature_x, self.feature_y) < 0:
            raise ValueError("feature indexes must be >= 0")


@dataclass(frozen=True)
class Dataset:
    """Two standardized features, split into train and test."""

    x_train: np.ndarray  # [n_train, 2]
    y_train: np.ndarray  # [n_train] int class index
    x_test: np.ndarray  # [n_test, 2]
    y_test: np.ndarray  # [n_test]
    class_names: tuple[str, ...]  # [n_classes]
    axis_names: tuple[str, str]  # what the two plotted features are
    columns: tuple[str, ...]  # every numeric column the source had
    note: str = ""

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def x_all(self) -> np.ndarray:  # [n_train + n_test, 2]
        return np.vstack([self.x_train, self.x_test])

    @property
    def y_all(self) -> np.ndarray:  # [n_train + n_test]
        return np.concatenate([self.y_train, self.y_test])


def _synthetic(cfg: DataConfig) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(cfg.seed)
    n = cfg.n_samples
    if cfg.source == "moons":
        return skd.make_moons(n, noise=cfg.noise, random_state=cfg.seed)
    if cfg.source == "circles":
        return skd.make_circles(n, noise=cfg.noise * 0.5, factor=0.5, random_state=cfg.seed)
    if cfg.source == "blobs":
        return skd.make_blobs(n, centers=3, cluster_std=0.6 + 2.0 * cfg.noise, random_state=cfg.seed)
    x = rng.uniform(-1, 1, size=(n, 2))  # xor: class = sign(x) != sign(y)
    y = ((x[:, 0] > 0) ^ (x[:, 1] > 0)).astype(int)
    return x + rng.normal(0, cfg.noise * 0.5, size=x.shape), y


def _bundled(name: str) -> tuple[np.ndarray, np.ndarray, tuple[str, ...], tuple[str, ...]]:
    loader = {"iris": skd.load_iris, "wine": skd.load_wine,
              "breast_cancer": skd.load_breast_cancer, "digits": skd.load_digits}[name]
    bunch = loader()
    features = tuple(str(f) for f in getattr(bunch, "feature_names", range(bunch.data.shape[1])))
    return bunch.data.astype(float), bunch.target.astype(int), features, tuple(str(t) for t in bunch.target_names)


def _project(x: np.ndarray, columns: tuple[str, ...], cfg: DataConfig, seed: int
             ) -> tuple[np.ndarray, tuple[str, str], str]:
    """Reduce [n, d] to [n, 2]: two chosen columns, or the first two principal components."""
    if x.shape[1] == 2 and cfg.projection == "pca" and len(columns) == 2:
        return x, (columns[0], columns[1]), ""
    if cfg.projection == "features":
        fx, fy = cfg.feature_x, cfg.feature_y
        if max(fx, fy) >= x.shape[1]:
            raise ValueError(f"Feature index out of range: this data has {x.shape[1]} columns "
                             f"(0..{x.shape[1] - 1}).")
        if fx == fy:
            raise ValueError("Pick two different features for the x and y axes.")
        return x[:, [fx, fy]], (columns[fx], columns[fy]), ""
    pca = PCA(n_components=2, random_state=seed).fit(StandardScaler().fit_transform(x))
    z = pca.transform(StandardScaler().fit_transform(x))
    kept = pca.explained_variance_ratio_.sum()
    return z, ("PC1", "PC2"), f"PCA of {x.shape[1]} standardized columns keeps {kept:.0%} of the variance."


def _split(x: np.ndarray, y: np.ndarray, names: tuple[str, ...], axes: tuple[str, str],
           columns: tuple[str, ...], cfg: DataConfig, note: str) -> Dataset:
    counts = np.bincount(y)
    if (counts < MIN_PER_CLASS).any():
        rare = [names[i] for i in np.flatnonzero(counts < MIN_PER_CLASS)]
        raise ValueError(f"Too few rows for a train/test split: class(es) {', '.join(rare[:5])} "
                         f"have fewer than {MIN_PER_CLASS} rows. Add rows or drop those classes.")
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=cfg.test_fraction, stratify=y,
                                          random_state=cfg.seed)
    scaler = StandardScaler().fit(xtr)  # fit on train only: the test set stays unseen
    return Dataset(scaler.transform(xtr), ytr, scaler.transform(xte), yte, names, axes, columns, note)


def make_dataset(cfg: DataConfig) -> Dataset:
    """A generated or bundled dataset, as two standardized features split train/test."""
    if cfg.source == "csv":
        raise ValueError("CSV data comes from load_csv(), not make_dataset().")
    if cfg.source in SYNTHETIC:
        x, y = _synthetic(cfg)
        names = tuple(str(c) for c in np.unique(y))
        return _split(np.asarray(x, float), np.asarray(y, int), names, ("x1", "x2"),
                      ("x1", "x2"), cfg, "")
    x, y, columns, names = _bundled(cfg.source)
    x2, axes, note = _project(x, columns, cfg, cfg.seed)
    return _split(x2, y, names, axes, columns, cfg, note)


def bundled_columns(source: str) -> tuple[str, ...]:
    """Column names of a bundled dataset (for the feature pickers)."""
    if source in SYNTHETIC:
        return ("x1", "x2")
    return _bundled(source)[2] if source in BUNDLED else ()


def _read_csv(raw: bytes):
    import pandas as pd

    if len(raw) > MAX_CSV_BYTES:
        raise ValueError(f"The file is {len(raw) / 1e6:.1f} MB; the limit is {MAX_CSV_BYTES / 1e6:.0f} MB.")
    if not raw.strip():
        raise ValueError("The file is empty.")
    try:
        frame = pd.read_csv(io.BytesIO(raw))
    except (ValueError, UnicodeDecodeError) as err:  # pandas' ParserError is a ValueError
        raise ValueError(f"Could not read the file as CSV: {str(err)[:200]}") from None
    if frame.shape[1] < 2:
        raise ValueError("The CSV needs at least two feature columns plus a label column.")
    if len(frame) > MAX_ROWS:
        raise ValueError(f"The CSV has {len(frame):,} rows; the limit is {MAX_ROWS:,}.")
    return frame


def _check_frame(frame, label: str) -> None:
    features = frame.drop(columns=[label])
    missing = features.isna().sum()
    if missing.any() or frame[label].isna().any():
        cols = [c for c in frame.columns if frame[c].isna().any()]
        raise ValueError(f"Missing values in column(s) {', '.join(map(str, cols[:5]))}: "
                         "fill or drop those rows first.")
    bad = [str(c) for c in features.columns if features[c].dtype.kind not in "biuf"]
    if bad:
        raise ValueError(f"Non-numeric feature column(s): {', '.join(bad[:5])}. "
                         "Only numbers can be features; remove or encode them.")
    if features.shape[1] < 2:
        raise ValueError("The CSV needs at least two numeric feature columns besides the label.")


def load_csv(raw: bytes, cfg: DataConfig, label: str | None = None) -> Dataset:
    """A user CSV as a Dataset: `label` (default: the last column) is the class.

    Raises ValueError with a message the page shows as is: too big, not CSV,
    missing values, non-numeric features, one class, too many classes,
    too few rows for the split.
    """
    frame = _read_csv(raw)
    label = label if label is not None else str(frame.columns[-1])
    if label not in frame.columns:
        raise ValueError(f"No column named {label!r} in the CSV.")
    _check_frame(frame, label)
    classes, y = np.unique(frame[label].astype(str).to_numpy(), return_inverse=True)
    if len(classes) < 2:
        raise ValueError(f"The label column {label!r} has only one class ({classes[0]!r}): "
                         "a classifier needs at least two.")
    if len(classes) > MAX_CLASSES:
        raise ValueError(f"The label column {label!r} has {len(classes)} classes; the limit is "
                         f"{MAX_CLASSES}. Is it really a class label?")
    features = frame.drop(columns=[label])
    columns = tuple(str(c) for c in features.columns)
    x2, axes, note = _project(features.to_numpy(float), columns, cfg, cfg.seed)
    return _split(x2, y.astype(int), tuple(str(c) for c in classes), axes, columns, cfg, note)
