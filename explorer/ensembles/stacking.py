"""Stacking with visible out-of-fold predictions, and bias/variance over repeated samples.

    >>> s = stacking_study(data, MemberConfig(), StackConfig(cv=5))
    >>> s.oof_proba.shape          # [member, n_train, class]
    >>> s.meta_coef.shape          # [class or 1, meta feature]

The meta-learner must learn from predictions the members made on rows they
were NOT trained on (out-of-fold), or it would trust whichever member
memorizes the training set best.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import AdaBoostClassifier, BaggingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.tree import DecisionTreeClassifier

from explorer.ensembles.datasets import Dataset
from explorer.ensembles.voting import TITLES, GridConfig, MemberConfig, build_member, full_proba, make_grid


@dataclass(frozen=True)
class StackConfig:
    """Folds for the out-of-fold predictions and the meta-learner's regularization."""

    cv: int = 5
    meta_c: float = 1.0
    seed: int = 0

    def __post_init__(self):
        if not 2 <= self.cv <= 10:
            raise ValueError("cv must be in 2..10 folds")
        if self.meta_c <= 0:
            raise ValueError("meta_c must be > 0")


@dataclass(frozen=True)
class StackResult:
    """Members' out-of-fold probabilities, the meta-learner, and the results."""

    names: tuple[str, ...]  # [member]
    fold: np.ndarray  # [n_train] which fold each training row was held out in
    oof_proba: np.ndarray  # [member, n_train, class] predicted by a member not trained on the row
    insample_proba: np.ndarray  # [member, n_train, class] the same members refit on all rows
    meta_features: tuple[str, ...]  # [meta feature] e.g. "tree: P(1)"
    meta_coef: np.ndarray  # [class or 1, meta feature] the meta-learner's weights
    meta_intercept: np.ndarray  # [class or 1]
    member_test_acc: np.ndarray  # [member]
    stack_test_acc: float
    stack_train_acc: float
    grid_x: np.ndarray  # [grid_x]
    grid_y: np.ndarray  # [grid_y]
    grid_pred: np.ndarray  # [grid_y, grid_x] the stack's regions


def meta_matrix(proba: np.ndarray) -> np.ndarray:
    """[member, n, class] -> [n, meta feature]; binary keeps only P(class 1), as scikit-learn."""
    cols = proba[:, :, 1:] if proba.shape[2] == 2 else proba
    return np.concatenate(list(cols), axis=1)


def out_of_fold(data: Dataset, members: MemberConfig, cv: StratifiedKFold
                ) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold probabilities [member, n_train, class] and the fold of each row [n_train]."""
    x, y, k = data.x_train, data.y_train, data.n_classes
    oof = np.zeros((len(members.members), len(x), k))
    fold = np.zeros(len(x), int)
    for f, (tr, te) in enumerate(cv.split(x, y)):
        fold[te] = f
        for i, name in enumerate(members.members):
            model = clone(build_member(name, members)).fit(x[tr], y[tr])
            oof[i, te] = full_proba(model, x[te], k)
    return oof, fold


def stacking_study(data: Dataset, members: MemberConfig, cfg: StackConfig,
                   grid: GridConfig = GridConfig()) -> StackResult:
    """Out-of-fold member probabilities -> logistic-regression meta-learner."""
    cv = StratifiedKFold(cfg.cv, shuffle=True, random_state=cfg.seed)
    if np.bincount(data.y_train).min() < cfg.cv:
        raise ValueError(f"Some class has fewer than {cfg.cv} training rows: lower the folds.")
    oof, fold = out_of_fold(data, members, cv)
    fitted = [clone(build_member(n, members)).fit(data.x_train, data.y_train) for n in members.members]
    meta = LogisticRegression(C=cfg.meta_c, max_iter=1000).fit(meta_matrix(oof), data.y_train)
    k = data.n_classes
    gx, gy, plane = make_grid(data.x_all, grid)
    def probas(x):  # [member, n, class] from the members refit on all training rows
        return np.stack([full_proba(m, x, k) for m in fitted])
    test_p, train_p = probas(data.x_test), probas(data.x_train)
    cls = data.class_names[1:] if k == 2 else data.class_names
    return StackResult(
        names=tuple(members.members), fold=fold, oof_proba=oof, insample_proba=train_p,
        meta_features=tuple(f"{n}: P({c})" for n in members.members for c in cls),
        meta_coef=meta.coef_, meta_intercept=meta.intercept_,
        member_test_acc=(test_p.argmax(axis=2) == data.y_test[None]).mean(axis=1),
        stack_test_acc=float((meta.predict(meta_matrix(test_p)) == data.y_test).mean()),
        stack_train_acc=float((meta.predict(meta_matrix(train_p)) == data.y_train).mean()),
        grid_x=gx, grid_y=gy,
        grid_pred=meta.predict(meta_matrix(probas(plane))).reshape(grid.resolution, grid.resolution))


@dataclass(frozen=True)
class BiasVarianceConfig:
    """How many resampled training sets, and the models compared."""

    n_repeats: int = 10
    n_estimators: int = 25
    seed: int = 0

    def __post_init__(self):
        if not 2 <= self.n_repeats <= 100:
            raise ValueError("n_repeats must be in 2..100")
        if not 1 <= self.n_estimators <= 300:
            raise ValueError("n_estimators must be in 1..300")


@dataclass(frozen=True)
class BiasVarianceResult:
    """0-1 loss split into bias and variance (Domingos), per model."""

    names: tuple[str, ...]  # [model]
    error: np.ndarray  # [model] mean test error over repeats
    bias: np.ndarray  # [model] error of the main (most common) prediction
    variance: np.ndarray  # [model] how often a repeat disagrees with the main prediction
    grid_x: np.ndarray  # [grid_x]
    grid_y: np.ndarray  # [grid_y]
    grid_variance: np.ndarray  # [model, grid_y, grid_x] share of repeats off the main prediction


BV_MODELS = ("deep tree", "bagging", "boosting")


def _bv_model(name: str, cfg: BiasVarianceConfig, seed: int):
    if name == "deep tree":
        return DecisionTreeClassifier(random_state=seed)
    if name == "bagging":
        return BaggingClassifier(DecisionTreeClassifier(), n_estimators=cfg.n_estimators, random_state=seed)
    return AdaBoostClassifier(DecisionTreeClassifier(max_depth=1), n_estimators=cfg.n_estimators,
                              random_state=seed)


def main_prediction(preds: np.ndarray, n_classes: int) -> np.ndarray:
    """Most common label across repeats: [repeat, n] -> [n]."""
    return np.eye(n_classes)[preds].sum(axis=0).argmax(axis=1)


def bias_variance(data: Dataset, cfg: BiasVarianceConfig, grid: GridConfig = GridConfig()
                  ) -> BiasVarianceResult:
    """Train each model on `n_repeats` bootstrap resamples of the training set."""
    rng = np.random.default_rng(cfg.seed)
    gx, gy, plane = make_grid(data.x_all, grid)
    k, n = data.n_classes, len(data.x_train)
    draws = [rng.integers(0, n, n) for _ in range(cfg.n_repeats)]
    err, bias, var, gvar = [], [], [], []
    for name in BV_MODELS:
        test_p, grid_p = [], []
        for r, rows in enumerate(draws):
            model = _bv_model(name, cfg, cfg.seed + r).fit(data.x_train[rows], data.y_train[rows])
            test_p.append(model.predict(data.x_test))
            grid_p.append(model.predict(plane))
        test_p, grid_p = np.array(test_p), np.array(grid_p)  # [repeat, n_test], [repeat, n_grid]
        main = main_prediction(test_p, k)
        err.append((test_p != data.y_test[None]).mean())
        bias.append((main != data.y_test).mean())
        var.append((test_p != main[None]).mean())
        gvar.append((grid_p != main_prediction(grid_p, k)[None]).mean(axis=0).reshape(grid.resolution, -1))
    return BiasVarianceResult(BV_MODELS, np.array(err), np.array(bias), np.array(var), gx, gy, np.array(gvar))


def oof_rows(stack: StackResult, y_train: np.ndarray, class_names, n_rows: int = 12) -> list[dict]:
    """The first training rows as a table: fold, true class, and each member's P(true class) OOF vs in-sample."""
    rows = []
    for r in range(min(n_rows, len(y_train))):
        row = {"row": r, "held out in fold": int(stack.fold[r]) + 1, "true class": str(class_names[y_train[r]])}
        for m, name in enumerate(stack.names):
            row[f"{name} out-of-fold"] = round(float(stack.oof_proba[m, r, y_train[r]]), 3)
            row[f"{name} in-sample"] = round(float(stack.insample_proba[m, r, y_train[r]]), 3)
        rows.append(row)
    return rows


def accuracy_rows(stack: StackResult) -> list[dict]:
    """Test accuracy per member, then the stack's, rounded to 4 places."""
    rows = [{"model": TITLES[name], "test accuracy": round(float(acc), 4)}
            for name, acc in zip(stack.names, stack.member_test_acc)]
    return rows + [{"model": "Stack (meta-learner)", "test accuracy": round(float(stack.stack_test_acc), 4)}]
