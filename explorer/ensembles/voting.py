"""Voting ensembles on a 2-D dataset: members, votes, agreement and decision regions.

    >>> data = make_dataset(DataConfig("moons"))
    >>> r = voting_study(data, MemberConfig(), VoteConfig(), GridConfig())
    >>> r.grid_pred.shape      # [model, grid_y, grid_x]; the last model is the ensemble
    (6, 80, 80)

Soft voting averages the members' class probabilities with weights; hard
voting counts (weighted) predicted labels. "k of n must agree" keeps only the
points where at least k members give the same label: fewer answers, usually
more accurate ones.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from explorer.ensembles.datasets import Dataset

MEMBERS = ("logreg", "tree", "knn", "svc", "nb")
TITLES = {"logreg": "Logistic regression", "tree": "Decision tree", "knn": "k-NN",
          "svc": "SVC (RBF)", "nb": "Naive Bayes"}


@dataclass(frozen=True)
class MemberConfig:
    """Which members vote and each one's key parameter."""

    members: tuple[str, ...] = MEMBERS
    logreg_c: float = 1.0  # inverse regularization strength
    tree_depth: int = 5  # 0 = grow until pure
    knn_k: int = 15
    svc_c: float = 1.0
    nb_smoothing: float = -9.0  # log10 of var_smoothing
    seed: int = 0

    def __post_init__(self):
        if not self.members:
            raise ValueError("Pick at least one member.")
        unknown = [m for m in self.members if m not in MEMBERS]
        if unknown or len(set(self.members)) != len(self.members):
            raise ValueError(f"members must be distinct names from {MEMBERS}, got {self.members}")
        if self.logreg_c <= 0 or self.svc_c <= 0:
            raise ValueError("C must be > 0")
        if self.tree_depth < 0 or self.knn_k < 1:
            raise ValueError("tree_depth must be >= 0 and knn_k >= 1")


@dataclass(frozen=True)
class VoteConfig:
    """How members' outputs are combined: weights are one per member, in member order."""

    voting: str = "soft"  # "soft" | "hard"
    weights: tuple[float, ...] | None = None  # None = equal weights
    agree_k: int = 1  # "k of n must agree" threshold

    def __post_init__(self):
        if self.voting not in ("soft", "hard"):
            raise ValueError("voting must be 'soft' or 'hard'")
        if self.weights is not None:
            w = np.asarray(self.weights, float)
            if (w < 0).any() or not np.isfinite(w).all():
                raise ValueError("weights must be finite and >= 0")
            if w.sum() == 0:
                raise ValueError("At least one weight must be above zero.")
        if self.agree_k < 1:
            raise ValueError("agree_k must be >= 1")

    def weight_array(self, n_members: int) -> np.ndarray:
        """Weights as [member]; raises ValueError when their count does not match."""
        if self.weights is None:
            return np.ones(n_members)
        if len(self.weights) != n_members:
            raise ValueError(f"{len(self.weights)} weights for {n_members} members: "
                             "give exactly one weight per member.")
        return np.asarray(self.weights, float)


@dataclass(frozen=True)
class GridConfig:
    """The plane on which decision regions are evaluated."""

    resolution: int = 80  # points per axis
    margin: float = 0.5  # beyond the data, in standardized units

    def __post_init__(self):
        if not 10 <= self.resolution <= 300:
            raise ValueError("resolution must be in 10..300")


def build_member(name: str, cfg: MemberConfig):
    """An unfitted scikit-learn classifier for member `name`."""
    return {
        "logreg": lambda: LogisticRegression(C=cfg.logreg_c, max_iter=1000),
        "tree": lambda: DecisionTreeClassifier(max_depth=cfg.tree_depth or None, random_state=cfg.seed),
        "knn": lambda: KNeighborsClassifier(n_neighbors=cfg.knn_k),
        # SVC(probability=True) is deprecated in scikit-learn 1.9; this is its stated replacement.
        "svc": lambda: CalibratedClassifierCV(SVC(C=cfg.svc_c, random_state=cfg.seed), ensemble=False),
        "nb": lambda: GaussianNB(var_smoothing=10.0 ** cfg.nb_smoothing),
    }[name]()


def make_grid(x: np.ndarray, cfg: GridConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Axis ticks [res], [res] and the flattened plane points [res * res, 2] (row = y)."""
    lo, hi = x.min(axis=0) - cfg.margin, x.max(axis=0) + cfg.margin
    gx = np.linspace(lo[0], hi[0], cfg.resolution)
    gy = np.linspace(lo[1], hi[1], cfg.resolution)
    xx, yy = np.meshgrid(gx, gy)
    return gx, gy, np.column_stack([xx.ravel(), yy.ravel()])


def full_proba(model, x: np.ndarray, n_classes: int) -> np.ndarray:
    """predict_proba over every class [n, n_classes], even if a class was absent in training."""
    out = np.zeros((len(x), n_classes))
    out[:, model.classes_.astype(int)] = model.predict_proba(x)
    return out


def soft_vote(proba: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted mean of member probabilities: [member, n, class] -> [n, class]."""
    w = np.asarray(weights, float)
    return np.tensordot(w / w.sum(), proba, axes=1)


def hard_vote(preds: np.ndarray, weights: np.ndarray, n_classes: int) -> np.ndarray:
    """Weighted label count: [member, n] -> [n]; ties go to the lowest class (as scikit-learn)."""
    counts = vote_counts(preds, weights, n_classes)
    return counts.argmax(axis=1)


def vote_counts(preds: np.ndarray, weights: np.ndarray, n_classes: int) -> np.ndarray:
    """Weighted votes per class: [member, n] -> [n, class]."""
    onehot = np.eye(n_classes)[preds]  # [member, n, class]
    return np.tensordot(np.asarray(weights, float), onehot, axes=1)


@dataclass(frozen=True)
class Agreement:
    """'k of n must agree' for every k: how many points are answered, how well."""

    k: np.ndarray  # [n_members] thresholds 1..n
    coverage: np.ndarray  # [n_members] fraction of points where >= k members agree
    accuracy: np.ndarray  # [n_members] accuracy on those points (nan when none)


def agreement(preds: np.ndarray, y: np.ndarray, n_classes: int) -> Agreement:
    """Coverage and accuracy of the plain majority label when at least k members agree."""
    counts = vote_counts(preds, np.ones(len(preds)), n_classes)  # [n, class]
    top, label = counts.max(axis=1), counts.argmax(axis=1)
    ks = np.arange(1, len(preds) + 1)
    cover = np.array([(top >= k).mean() for k in ks])
    acc = np.array([(label[top >= k] == y[top >= k]).mean() if (top >= k).any() else np.nan for k in ks])
    return Agreement(ks, cover, acc)


@dataclass(frozen=True)
class VotingResult:
    """Members and their vote, on the grid and on every data point."""

    names: tuple[str, ...]  # [model] member keys, then "ensemble"
    grid_x: np.ndarray  # [grid_x]
    grid_y: np.ndarray  # [grid_y]
    grid_pred: np.ndarray  # [model, grid_y, grid_x] predicted class
    grid_conf: np.ndarray  # [model, grid_y, grid_x] top probability (hard vote: vote share)
    disagreement: np.ndarray  # [grid_y, grid_x] share of member weight against the ensemble
    point_proba: np.ndarray  # [member, point, class] on train then test points
    point_pred: np.ndarray  # [model, point]
    ensemble_proba: np.ndarray  # [point, class] soft: mean proba; hard: vote shares
    train_acc: np.ndarray  # [model]
    test_acc: np.ndarray  # [model]
    fit_seconds: np.ndarray  # [model]; the ensemble's is the sum of its members'
    weights: np.ndarray  # [member] normalized
    agreement: Agreement  # on the test points
    n_train: int
    voting: str

    @property
    def best_member(self) -> int:
        """Index of the member with the highest test accuracy (the first of equals)."""
        return int(np.argmax(self.test_acc[:-1]))


def _fit_members(data: Dataset, cfg: MemberConfig) -> tuple[list, list[float]]:
    fitted, seconds = [], []
    for name in cfg.members:
        start = time.perf_counter()
        fitted.append(clone(build_member(name, cfg)).fit(data.x_train, data.y_train))
        seconds.append(time.perf_counter() - start)
    return fitted, seconds


def combine(proba: np.ndarray, preds: np.ndarray, vote: VoteConfig, n_classes: int
            ) -> tuple[np.ndarray, np.ndarray]:
    """Ensemble (scores [n, class], label [n]) from member probas [member, n, class] and labels."""
    w = vote.weight_array(len(proba))
    if vote.voting == "soft":
        scores = soft_vote(proba, w)
    else:
        scores = vote_counts(preds, w, n_classes) / w.sum()
    return scores, scores.argmax(axis=1)


def voting_study(data: Dataset, members: MemberConfig, vote: VoteConfig, grid: GridConfig
                 ) -> VotingResult:
    """Fit every member, combine them, and evaluate everything on points and on the grid."""
    weights = vote.weight_array(len(members.members))
    fitted, seconds = _fit_members(data, members)
    gx, gy, plane = make_grid(data.x_all, grid)
    k = data.n_classes
    stacked = np.vstack([data.x_all, plane])  # one predict call per member for points + grid
    proba = np.stack([full_proba(m, stacked, k) for m in fitted])  # [member, n, class]
    preds = proba.argmax(axis=2)
    ens_scores, ens_pred = combine(proba, preds, vote, k)
    n_pts, shape = len(data.x_all), (grid.resolution, grid.resolution)
    all_pred = np.vstack([preds, ens_pred[None]])  # [model, n]
    conf = np.vstack([proba.max(axis=2), ens_scores.max(axis=1)[None]])
    against = (weights[:, None] * (preds != ens_pred[None])).sum(axis=0) / weights.sum()
    y, ntr = data.y_all, len(data.x_train)
    correct = all_pred[:, :n_pts] == y[None]
    return VotingResult(
        names=tuple(members.members) + ("ensemble",), grid_x=gx, grid_y=gy,
        grid_pred=all_pred[:, n_pts:].reshape(-1, *shape), grid_conf=conf[:, n_pts:].reshape(-1, *shape),
        disagreement=against[n_pts:].reshape(shape), point_proba=proba[:, :n_pts],
        point_pred=all_pred[:, :n_pts], ensemble_proba=ens_scores[:n_pts],
        train_acc=correct[:, :ntr].mean(axis=1), test_acc=correct[:, ntr:].mean(axis=1),
        fit_seconds=np.array(seconds + [sum(seconds)]), weights=weights / weights.sum(),
        agreement=agreement(preds[:, ntr:n_pts], data.y_test, k), n_train=ntr, voting=vote.voting)


def scoreboard(result: VotingResult) -> list[dict]:
    """One row per model: train/test accuracy and fit time, the ensemble last."""
    rows = []
    for i, name in enumerate(result.names):
        rows.append({"model": TITLES.get(name, "Ensemble (" + result.voting + " vote)"),
                     "weight": round(float(result.weights[i]), 3) if i < len(result.weights) else None,
                     "train accuracy": round(float(result.train_acc[i]), 4),
                     "test accuracy": round(float(result.test_acc[i]), 4),
                     "fit time (ms)": round(float(result.fit_seconds[i]) * 1000, 2)})
    return rows
