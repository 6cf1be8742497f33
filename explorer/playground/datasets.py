"""Small 2-D datasets for the playground: generated, drawn, or parsed from a CSV.

Every point lives in the square [-6, 6] x [-6, 6] (the playground's canvas).
Generation is seeded, so a link with the same settings gives the same points.

Example:
    >>> data = generate(DataConfig("xor", n_points=200, seed=3))
    >>> data.x_train.shape, data.task
    ((140, 2), 'classification')
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np

EXTENT = 6.0  # the canvas spans [-EXTENT, EXTENT] on both axes
CLASSIFICATION = ("circle", "xor", "gauss", "spiral", "moons", "multi")
REGRESSION = ("plane", "gaussian")
KINDS = CLASSIFICATION + REGRESSION
MAX_CLASSES = 6
CSV_MAX_BYTES = 200_000  # stated on the page: about 5,000 short rows
CSV_MAX_ROWS = 2_000
MIN_POINTS = 4


class DataError(ValueError):
    """Data the playground cannot train on; the message tells the user the fix."""


@dataclass(frozen=True)
class DataConfig:
    """How to generate a dataset. noise is 0..50 (percent, like TF Playground)."""

    kind: str = "circle"
    n_points: int = 500
    noise: float = 0.0
    test_ratio: float = 0.3
    n_classes: int = 3  # used only by "multi"
    seed: int = 1

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"dataset must be one of {KINDS}, got {self.kind!r}")
        if not 10 <= self.n_points <= 5_000:
            raise ValueError("n_points must be between 10 and 5000")
        if not 0 <= self.noise <= 50:
            raise ValueError("noise must be between 0 and 50 (percent)")
        if not 0.0 <= self.test_ratio <= 0.9:
            raise ValueError("test_ratio must be between 0 and 0.9")
        if not 2 <= self.n_classes <= MAX_CLASSES:
            raise ValueError(f"n_classes must be between 2 and {MAX_CLASSES}")


@dataclass(frozen=True)
class Dataset2D:
    """Points split into train and test. Labels are class ids 0..K-1 or real values."""

    x_train: np.ndarray  # [n_train, 2] float32
    y_train: np.ndarray  # [n_train] int64 (classification) or float32 (regression)
    x_test: np.ndarray   # [n_test, 2]
    y_test: np.ndarray   # [n_test]
    task: str            # "classification" | "regression"
    n_classes: int       # 1 for regression
    class_names: tuple[str, ...] = ()  # original label text per class id (CSV), else "0", "1", ...

    @property
    def n_outputs(self) -> int:
        return self.n_classes if self.task == "classification" else 1

    @property
    def has_test(self) -> bool:
        """False when every point trains (test share 0): there is no test loss to show."""
        return len(self.x_test) > 0


def _polar(rng, n: int, r_lo: float, r_hi: float) -> np.ndarray:
    r = rng.uniform(r_lo, r_hi, n)
    t = rng.uniform(0, 2 * math.pi, n)
    return np.stack([r * np.sin(t), r * np.cos(t)], axis=1)


def _circle(rng, n, noise):
    inner, outer = _polar(rng, n // 2, 0, 2.5), _polar(rng, n - n // 2, 3.5, 5.0)
    x = np.concatenate([inner, outer]) + rng.normal(0, noise * 3, (n, 2))
    return x, np.r_[np.ones(n // 2), np.zeros(n - n // 2)]


def _xor(rng, n, noise):
    x = rng.uniform(-5, 5, (n, 2))
    x += np.where(x > 0, 0.3, -0.3)  # keep a small gap around the axes
    y = (x[:, 0] * x[:, 1] > 0).astype(float)
    return x + rng.normal(0, noise * 3, (n, 2)), y


def _blobs(rng, n, noise, centers):
    k = len(centers)
    y = np.arange(n) % k
    std = 0.6 + noise * 5  # 0.6 .. 3.1
    return np.asarray(centers)[y] + rng.normal(0, std, (n, 2)), y.astype(float)


def _spiral(rng, n, noise):
    half = n // 2
    parts, labels = [], []
    for label, (count, delta) in enumerate(((half, 0.0), (n - half, math.pi))):
        r = np.arange(count) / count * 5
        t = 1.75 * np.arange(count) / count * 2 * math.pi + delta
        parts.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
        labels.append(np.full(count, label))
    x = np.concatenate(parts) + rng.normal(0, noise * 2, (n, 2))
    return x, np.concatenate(labels).astype(float)


def _moons(rng, n, noise):
    half = n // 2
    t_a, t_b = rng.uniform(0, math.pi, half), rng.uniform(0, math.pi, n - half)
    a = np.stack([np.cos(t_a), np.sin(t_a)], axis=1)
    b = np.stack([1 - np.cos(t_b), 0.5 - np.sin(t_b)], axis=1)
    x = (np.concatenate([a, b]) - [0.5, 0.25]) * 3.0
    return x + rng.normal(0, noise * 2, (n, 2)), np.r_[np.zeros(half), np.ones(n - half)]


def _regression(rng, n, noise, kind):
    x = rng.uniform(-5, 5, (n, 2))
    if kind == "plane":
        y = (x[:, 0] + x[:, 1]) / 10  # -1 .. 1
    else:
        bumps = ((-2, 2, 1.0), (2, -2, 1.0), (2, 2, -1.0), (-2, -2, -1.0))
        y = sum(s * np.exp(-((x[:, 0] - cx) ** 2 + (x[:, 1] - cy) ** 2) / 4) for cx, cy, s in bumps)
    return x, y + rng.normal(0, noise * 1, n)


def _raw(cfg: DataConfig, rng) -> tuple[np.ndarray, np.ndarray]:
    noise = cfg.noise / 100
    if cfg.kind in REGRESSION:
        return _regression(rng, cfg.n_points, noise, cfg.kind)
    if cfg.kind == "gauss":
        return _blobs(rng, cfg.n_points, noise, [(2, 2), (-2, -2)])
    if cfg.kind == "multi":
        angles = 2 * math.pi * np.arange(cfg.n_classes) / cfg.n_classes
        return _blobs(rng, cfg.n_points, noise, np.stack([3.5 * np.sin(angles), 3.5 * np.cos(angles)], 1))
    maker = {"circle": _circle, "xor": _xor, "spiral": _spiral, "moons": _moons}[cfg.kind]
    return maker(rng, cfg.n_points, noise)


def split(x: np.ndarray, y: np.ndarray, task: str, test_ratio: float, seed: int,
          class_names: tuple[str, ...] = ()) -> Dataset2D:
    """Shuffle (seeded) and split points into train and test."""
    order = np.random.default_rng(seed + 1).permutation(len(x))
    n_test = int(round(len(x) * test_ratio))
    n_test = min(n_test, len(x) - 2)  # always keep at least two training points
    test, train = order[:n_test], order[n_test:]
    x = np.clip(x, -EXTENT, EXTENT).astype(np.float32)
    if task == "classification":
        y = y.astype(np.int64)
        k = int(y.max()) + 1
        names = class_names or tuple(str(i) for i in range(k))
    else:
        y, k, names = y.astype(np.float32), 1, ()
    return Dataset2D(x[train], y[train], x[test], y[test], task, k, names)


def generate(cfg: DataConfig) -> Dataset2D:
    """A seeded synthetic dataset, split into train and test."""
    rng = np.random.default_rng(cfg.seed)
    x, y = _raw(cfg, rng)
    task = "regression" if cfg.kind in REGRESSION else "classification"
    return split(x, y, task, cfg.test_ratio, cfg.seed)


def from_points(points: list[tuple[float, float, int]], test_ratio: float, seed: int) -> Dataset2D:
    """A classification dataset from drawn points (x1, x2, class id)."""
    if len(points) < MIN_POINTS:
        raise DataError(f"Draw at least {MIN_POINTS} points (you have {len(points)}).")
    arr = np.asarray(points, dtype=float)
    labels = arr[:, 2].astype(int)
    if len(set(labels.tolist())) < 2:
        raise DataError("All drawn points have the same class: switch the brush class and add a few more.")
    _, y = np.unique(labels, return_inverse=True)
    names = tuple(str(v) for v in np.unique(labels))
    return split(arr[:, :2], y.astype(float), "classification", test_ratio, seed, names)


def example_csv(n_rows: int = 60, seed: int = 0) -> str:
    """A small XOR dataset as CSV text (x1,x2,label), the upload's worked example; seeded."""
    points = np.random.default_rng(seed).uniform(-5, 5, (n_rows, 2))  # [row, 2]
    return "x1,x2,label\n" + "\n".join(f"{x:.2f},{y:.2f},{int(x * y > 0)}" for x, y in points)


@dataclass(frozen=True)
class CsvData:
    """Parsed CSV rows, rescaled into the canvas. What was done is said in `notes`."""

    x: np.ndarray  # [n, 2] float
    y: np.ndarray  # [n] class id (classification) or value (regression)
    task: str
    class_names: tuple[str, ...]
    notes: tuple[str, ...]


def _rows(text: str) -> list[list[str]]:
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if not rows:
        raise DataError("The CSV is empty: it needs rows of x1,x2,label.")
    try:
        float(rows[0][0])
    except (ValueError, IndexError):
        rows = rows[1:]  # a header row
    if len(rows) > CSV_MAX_ROWS:
        raise DataError(f"The CSV has {len(rows):,} rows; the limit is {CSV_MAX_ROWS:,}.")
    if len(rows) < MIN_POINTS:
        raise DataError(f"The CSV needs at least {MIN_POINTS} data rows (it has {len(rows)}).")
    return rows


def _numbers(rows: list[list[str]]) -> tuple[np.ndarray, list[str]]:
    xs, labels = [], []
    for line, row in enumerate(rows, start=1):
        if len(row) != 3:
            raise DataError(f"Data row {line} has {len(row)} columns; every row needs exactly 3: x1,x2,label.")
        try:
            x1, x2 = float(row[0]), float(row[1])
        except ValueError:
            raise DataError(f"Data row {line}: x1 and x2 must be numbers, got {row[0][:20]!r}, {row[1][:20]!r}.") from None
        if not (math.isfinite(x1) and math.isfinite(x2)):
            raise DataError(f"Data row {line} has a NaN or infinite coordinate; remove or fix it.")
        xs.append((x1, x2))
        labels.append(row[2].strip())
    return np.asarray(xs, dtype=float), labels


def _labels(labels: list[str]) -> tuple[np.ndarray, str, tuple[str, ...]]:
    try:
        values = np.asarray([float(v) for v in labels])
    except ValueError:
        values = None
    if values is not None and not np.isfinite(values).all():
        raise DataError("A label is NaN or infinite; every row needs a real label.")
    discrete = values is None or (np.all(values == np.round(values)) and len(set(labels)) <= MAX_CLASSES)
    if not discrete:
        return values, "regression", ()
    names = sorted(set(labels), key=lambda v: (float(v) if values is not None else 0, v))
    if len(names) < 2:
        raise DataError(f"Every row has the label {names[0]!r}: a classifier needs at least two classes.")
    if len(names) > MAX_CLASSES:
        raise DataError(f"{len(names)} different text labels; the playground handles up to {MAX_CLASSES} classes.")
    index = {name: i for i, name in enumerate(names)}
    return np.asarray([index[v] for v in labels], dtype=float), "classification", tuple(names)


def parse_csv(data: bytes | str) -> CsvData:
    """Parse `x1,x2,label` rows (optional header). Raises DataError with the fix.

    Integer labels with at most 6 distinct values, or text labels, make a
    classification task; other numbers make a regression task. Coordinates
    outside [-6, 6] are scaled down to fit.
    """
    if isinstance(data, bytes):
        if len(data) > CSV_MAX_BYTES:
            raise DataError(f"The file is {len(data):,} bytes; the limit is {CSV_MAX_BYTES:,} bytes.")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DataError("The file is not UTF-8 text; save it as a plain CSV.") from None
    if len(data) > CSV_MAX_BYTES:
        raise DataError(f"The text is {len(data):,} characters; the limit is {CSV_MAX_BYTES:,}.")
    x, raw = _numbers(_rows(data))
    y, task, names = _labels(raw)
    notes = []
    span = float(np.abs(x).max())
    if span > EXTENT:
        x = x * (5.0 / span)
        notes.append(f"Coordinates reached {span:.3g}; scaled by {5.0 / span:.3g} to fit the canvas [-6, 6].")
    return CsvData(x, y, task, names, tuple(notes))
