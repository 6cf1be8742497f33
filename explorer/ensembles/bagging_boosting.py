"""Bagging and boosting, with their intermediate steps kept for display.

    >>> r = bagging_study(data, BaggingConfig(n_estimators=50))
    >>> r.oob_error.shape   # [n_estimators]: out-of-bag error after 1..n trees
    (50,)

Bagging trains each tree on a bootstrap sample (rows drawn with replacement);
the rows a tree never saw are its out-of-bag (OOB) rows, a free test set.
AdaBoost re-weights rows after each step so that the next stump focuses on
the mistakes; gradient boosting adds small trees that fit what is left over.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.ensemble import AdaBoostClassifier, BaggingClassifier, GradientBoostingClassifier
from sklearn.tree import DecisionTreeClassifier

from explorer.ensembles.datasets import Dataset
from explorer.ensembles.voting import GridConfig, full_proba, make_grid

MAX_BAGGING = 300  # stated cap on n_estimators for bagging
MAX_ADABOOST = 200
MAX_GBOOST = 300


def _check_n(n: int, cap: int, what: str) -> None:
    if not 1 <= n <= cap:
        raise ValueError(f"{what}: n_estimators must be in 1..{cap} (got {n}); "
                         "more trees take longer without changing the picture.")


@dataclass(frozen=True)
class BaggingConfig:
    """Bagged decision trees."""

    n_estimators: int = 50
    max_depth: int = 0  # 0 = fully grown trees, the classic high-variance base learner
    n_shown: int = 3  # bootstrap samples drawn on screen
    seed: int = 0

    def __post_init__(self):
        _check_n(self.n_estimators, MAX_BAGGING, "Bagging")
        if self.max_depth < 0 or self.n_shown < 0:
            raise ValueError("max_depth and n_shown must be >= 0")


@dataclass(frozen=True)
class BaggingResult:
    """Bootstrap samples, the OOB error curve, and the bagged decision regions."""

    sample_counts: np.ndarray  # [n_shown, n_train] times each training row was drawn
    sample_grid_pred: np.ndarray  # [n_shown, grid_y, grid_x] each shown tree's regions
    oob_error: np.ndarray  # [n_estimators] OOB error using the first 1..n trees
    oob_coverage: np.ndarray  # [n_estimators] share of rows that are OOB for >= 1 tree
    test_acc: np.ndarray  # [n_estimators] test accuracy of the first 1..n trees
    single_test_acc: float  # one tree on all the data, for comparison
    grid_x: np.ndarray  # [grid_x]
    grid_y: np.ndarray  # [grid_y]
    grid_pred: np.ndarray  # [grid_y, grid_x] the full bag's regions
    sklearn_oob_score: float  # BaggingClassifier.oob_score_ (accuracy) at n_estimators

    @property
    def sklearn_oob_error(self) -> float | None:
        """1 - scikit-learn's oob_score_, or None while some row was never out-of-bag (it is then not comparable)."""
        return 1.0 - self.sklearn_oob_score if self.oob_coverage[-1] == 1 else None


def _tree(depth: int, seed: int) -> DecisionTreeClassifier:
    return DecisionTreeClassifier(max_depth=depth or None, random_state=seed)


def oob_curve(bag: BaggingClassifier, x: np.ndarray, y: np.ndarray, n_classes: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """OOB error [n_est] and coverage [n_est] after each added tree (scikit-learn's rule).

    Each row sums the class probabilities of the trees that did not see it; its
    OOB prediction is the argmax. Rows not yet OOB for any tree are left out.
    """
    votes = np.zeros((len(x), n_classes))  # [row, class]
    errors, coverage = [], []
    for tree, rows in zip(bag.estimators_, bag.estimators_samples_):
        oob = np.ones(len(x), bool)
        oob[rows] = False
        if oob.any():
            votes[oob] += full_proba(tree, x[oob], n_classes)
        seen = votes.sum(axis=1) > 0
        wrong = votes[seen].argmax(axis=1) != y[seen]
        errors.append(wrong.mean() if seen.any() else np.nan)
        coverage.append(seen.mean())
    return np.array(errors), np.array(coverage)


def bagging_study(data: Dataset, cfg: BaggingConfig, grid: GridConfig = GridConfig()) -> BaggingResult:
    """Fit a bag of trees once and replay it tree by tree."""
    bag = BaggingClassifier(_tree(cfg.max_depth, cfg.seed), n_estimators=cfg.n_estimators,
                            oob_score=cfg.n_estimators > 1, random_state=cfg.seed)
    with warnings.catch_warnings():  # few trees: some rows never OOB; our curve reports that coverage
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        bag.fit(data.x_train, data.y_train)
    k, ntr = data.n_classes, len(data.x_train)
    errors, coverage = oob_curve(bag, data.x_train, data.y_train, k)
    test_votes = np.cumsum([full_proba(t, data.x_test, k) for t in bag.estimators_], axis=0)
    test_acc = (test_votes.argmax(axis=2) == data.y_test[None]).mean(axis=1)
    gx, gy, plane = make_grid(data.x_all, grid)
    shape = (grid.resolution, grid.resolution)
    shown = bag.estimators_[: cfg.n_shown]
    counts = bootstrap_counts(bag, ntr)[: cfg.n_shown]
    single = _tree(cfg.max_depth, cfg.seed).fit(data.x_train, data.y_train)
    return BaggingResult(
        sample_counts=counts,
        sample_grid_pred=np.stack([t.predict(plane).reshape(shape) for t in shown]) if shown
        else np.zeros((0, *shape), int),
        oob_error=errors, oob_coverage=coverage, test_acc=test_acc,
        single_test_acc=float((single.predict(data.x_test) == data.y_test).mean()),
        grid_x=gx, grid_y=gy, grid_pred=bag.predict(plane).reshape(shape).astype(int),
        sklearn_oob_score=float(getattr(bag, "oob_score_", np.nan)))


def bootstrap_counts(bag: BaggingClassifier, n_rows: int) -> np.ndarray:
    """Times each row was drawn for every tree: [n_estimators, n_rows]."""
    return np.stack([np.bincount(r, minlength=n_rows) for r in bag.estimators_samples_])


@dataclass(frozen=True)
class BoostConfig:
    """AdaBoost (stumps by default) or gradient boosting."""

    kind: str = "adaboost"  # "adaboost" | "gradient"
    n_estimators: int = 50
    learning_rate: float = 1.0
    max_depth: int = 1
    seed: int = 0

    def __post_init__(self):
        if self.kind not in ("adaboost", "gradient"):
            raise ValueError("kind must be 'adaboost' or 'gradient'")
        _check_n(self.n_estimators, MAX_ADABOOST if self.kind == "adaboost" else MAX_GBOOST,
                 "AdaBoost" if self.kind == "adaboost" else "Gradient boosting")
        if not 0 < self.learning_rate <= 5:
            raise ValueError("learning_rate must be in (0, 5]")
        if not 1 <= self.max_depth <= 10:
            raise ValueError("max_depth must be in 1..10")


@dataclass(frozen=True)
class BoostResult:
    """Everything boosting did, one entry per stage."""

    sample_weights: np.ndarray  # [stage, n_train] AdaBoost weights each stage was fit with (gradient: uniform)
    stage_weights: np.ndarray  # [stage] AdaBoost's alpha per learner (gradient: learning rate)
    stage_errors: np.ndarray  # [stage] AdaBoost weighted error per learner (gradient: train error)
    train_acc: np.ndarray  # [stage] accuracy of the first 1..stage learners
    test_acc: np.ndarray  # [stage]
    learner_pred: np.ndarray  # [stage, n_train] what each single learner predicted (AdaBoost)
    grid_x: np.ndarray  # [grid_x]
    grid_y: np.ndarray  # [grid_y]
    grid_pred: np.ndarray  # [stage, grid_y, grid_x] ensemble regions after each stage (int8)
    grid_learner: np.ndarray  # [stage, grid_y, grid_x] the stage's own learner (AdaBoost)

    def weight_range(self, stage: int) -> tuple[float, float]:
        """(heaviest, lightest) row weight stage `stage` (1-based) was fit with, as multiples of a uniform row."""
        w = self.sample_weights[stage - 1] * self.sample_weights.shape[1]  # [n_train]; 1 = uniform
        return float(w.max()), float(w.min())


def adaboost_weights(model: AdaBoostClassifier, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The sample weights each AdaBoost stage was fit with: [stage, n_rows].

    SAMME: start uniform; after stage m, w *= exp(alpha_m) on rows it got
    wrong, then renormalize. scikit-learn does not keep them, so replay it.
    """
    w = np.full(len(x), 1.0 / len(x))
    out = []
    for est, alpha in zip(model.estimators_, model.estimator_weights_):
        out.append(w)
        wrong = est.predict(x) != y
        w = w * np.exp(alpha * wrong)
        w = w / w.sum()
    return np.array(out)


def _staged(model, data: Dataset, plane: np.ndarray, shape) -> tuple[np.ndarray, ...]:
    tr = np.array([(p == data.y_train).mean() for p in model.staged_predict(data.x_train)])
    te = np.array([(p == data.y_test).mean() for p in model.staged_predict(data.x_test)])
    grid = np.stack([p.reshape(shape) for p in model.staged_predict(plane)]).astype(np.int8)
    return tr, te, grid


def boosting_study(data: Dataset, cfg: BoostConfig, grid: GridConfig = GridConfig()) -> BoostResult:
    """Fit AdaBoost or gradient boosting and keep every stage."""
    gx, gy, plane = make_grid(data.x_all, grid)
    shape = (grid.resolution, grid.resolution)
    if cfg.kind == "gradient":
        model = GradientBoostingClassifier(n_estimators=cfg.n_estimators, learning_rate=cfg.learning_rate,
                                           max_depth=cfg.max_depth, random_state=cfg.seed)
        model.fit(data.x_train, data.y_train)
        tr, te, gpred = _staged(model, data, plane, shape)
        n = len(tr)
        return BoostResult(np.full((n, len(data.x_train)), 1 / len(data.x_train)),
                           np.full(n, cfg.learning_rate), 1 - tr, tr, te,
                           np.zeros((0, len(data.x_train)), int), gx, gy, gpred, np.zeros((0, *shape), np.int8))
    model = AdaBoostClassifier(DecisionTreeClassifier(max_depth=cfg.max_depth, random_state=cfg.seed),
                               n_estimators=cfg.n_estimators, learning_rate=cfg.learning_rate,
                               random_state=cfg.seed).fit(data.x_train, data.y_train)
    tr, te, gpred = _staged(model, data, plane, shape)
    n = len(model.estimators_)  # AdaBoost stops early when a learner is perfect
    return BoostResult(
        sample_weights=adaboost_weights(model, data.x_train, data.y_train),
        stage_weights=np.asarray(model.estimator_weights_[:n]), stage_errors=np.asarray(model.estimator_errors_[:n]),
        train_acc=tr, test_acc=te,
        learner_pred=np.stack([e.predict(data.x_train) for e in model.estimators_]),
        grid_x=gx, grid_y=gy, grid_pred=gpred[:n],
        grid_learner=np.stack([e.predict(plane).reshape(shape) for e in model.estimators_]).astype(np.int8))
