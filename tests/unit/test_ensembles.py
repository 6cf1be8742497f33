"""Unit tests for explorer.ensembles voting, bagging_boosting and stacking (no streamlit)."""
import numpy as np
import pytest
from sklearn.ensemble import AdaBoostClassifier, StackingClassifier, VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.tree import DecisionTreeClassifier

from explorer.ensembles.bagging_boosting import (
    MAX_ADABOOST, MAX_BAGGING, BaggingConfig, BoostConfig, adaboost_weights, bagging_study, boosting_study,
)
from explorer.ensembles.datasets import DataConfig, make_dataset
from explorer.ensembles.stacking import (
    BiasVarianceConfig, StackConfig, accuracy_rows, bias_variance, main_prediction, oof_rows, stacking_study,
)
from explorer.ensembles.voting import (
    TITLES, GridConfig, MemberConfig, VoteConfig, agreement, build_member, full_proba, hard_vote, scoreboard, soft_vote,
    voting_study,
)

FAST = ("logreg", "tree", "nb")


@pytest.fixture(scope="module")
def moons():
    """A small seeded two-moons split."""
    return make_dataset(DataConfig("moons", n_samples=200, noise=0.3, seed=1))


@pytest.fixture(scope="module")
def blobs():
    """A seeded three-class split."""
    return make_dataset(DataConfig("blobs", n_samples=150, noise=0.4, seed=2))


def test_soft_vote_is_weighted_mean_of_probabilities():
    """Check soft_vote equals sum_m w_m p_m / sum_m w_m on random probabilities."""
    rng = np.random.default_rng(0)
    proba = rng.dirichlet(np.ones(3), size=(4, 10))  # [member, n, class]
    w = np.array([1.0, 2.0, 0.0, 0.5])
    expected = (w[:, None, None] * proba).sum(axis=0) / w.sum()
    np.testing.assert_allclose(soft_vote(proba, w), expected)
    np.testing.assert_allclose(soft_vote(proba, w).sum(axis=1), 1.0)


def test_hard_vote_hand_made_case():
    """Check hard voting on a hand-made case: plain majority, weights flipping it, ties to the lowest class."""
    preds = np.array([[0, 1, 2, 1],
                      [1, 1, 0, 0],
                      [1, 0, 2, 2]])  # [member, sample]
    np.testing.assert_array_equal(hard_vote(preds, np.ones(3), 3), [1, 1, 2, 0])
    np.testing.assert_array_equal(hard_vote(preds, np.array([3.0, 1.0, 1.0]), 3), [0, 1, 2, 1])


def test_voting_study_matches_sklearn_voting_classifier(moons):
    """Check the soft and hard ensembles' test predictions equal scikit-learn's VotingClassifier."""
    members = MemberConfig(FAST, seed=0)
    weights = (1.0, 2.0, 0.5)
    for kind in ("soft", "hard"):
        res = voting_study(moons, members, VoteConfig(kind, weights), GridConfig(20))
        ref = VotingClassifier([(n, build_member(n, members)) for n in FAST], voting=kind,
                               weights=list(weights)).fit(moons.x_train, moons.y_train)
        np.testing.assert_array_equal(res.point_pred[-1, res.n_train:], ref.predict(moons.x_test))
        if kind == "soft":
            np.testing.assert_allclose(res.ensemble_proba[res.n_train:], ref.predict_proba(moons.x_test), atol=1e-10)


def test_voting_study_shapes_and_reproducible(blobs):
    """Check grid shapes, a disagreement map in [0, 1], and identical results for the same seed."""
    members, grid = MemberConfig(seed=3), GridConfig(25)
    a = voting_study(blobs, members, VoteConfig(), grid)
    b = voting_study(blobs, members, VoteConfig(), grid)
    assert a.grid_pred.shape == (6, 25, 25) and a.point_proba.shape == (5, len(blobs.y_all), 3)
    assert a.disagreement.min() >= 0 and a.disagreement.max() <= 1
    np.testing.assert_array_equal(a.grid_pred, b.grid_pred)
    np.testing.assert_allclose(a.point_proba, b.point_proba)
    assert len(scoreboard(a)) == 6 and scoreboard(a)[-1]["model"].startswith("Ensemble")
    assert a.test_acc[a.best_member] == a.test_acc[:-1].max() and a.best_member < 5


def test_agreement_hand_made_case():
    """Check k-of-n coverage and accuracy on three members and four points."""
    preds = np.array([[0, 1, 1, 0], [0, 1, 0, 1], [0, 0, 1, 2]])
    y = np.array([0, 0, 1, 2])
    agree = agreement(preds, y, 3)
    np.testing.assert_allclose(agree.coverage, [1.0, 0.75, 0.25])
    # k=1: labels 0,1,1,0 (tie on the last point goes to class 0) -> right on points 0 and 2
    np.testing.assert_allclose(agree.accuracy, [0.5, 2 / 3, 1.0])


def test_vote_config_rejects_mismatched_and_zero_weights():
    """Check weight validation: wrong count, all zero and negative weights raise ValueError."""
    with pytest.raises(ValueError, match="3 weights for 5 members"):
        VoteConfig("soft", (1.0, 1.0, 1.0)).weight_array(5)
    with pytest.raises(ValueError, match="above zero"):
        VoteConfig("soft", (0.0, 0.0))
    with pytest.raises(ValueError):
        VoteConfig("soft", (1.0, -1.0))
    with pytest.raises(ValueError):
        MemberConfig(("tree", "tree"))


def test_oob_error_equals_sklearn_oob_score(moons):
    """Check our replayed OOB error after all trees equals 1 - BaggingClassifier.oob_score_."""
    res = bagging_study(moons, BaggingConfig(n_estimators=40, seed=4), GridConfig(20))
    assert res.oob_coverage[-1] == 1.0
    assert res.oob_error[-1] == pytest.approx(1 - res.sklearn_oob_score, abs=1e-12)
    assert res.sklearn_oob_error == pytest.approx(1 - res.sklearn_oob_score)
    assert res.oob_error.shape == res.test_acc.shape == (40,)
    few = bagging_study(moons, BaggingConfig(n_estimators=2, seed=4), GridConfig(20))
    assert few.oob_coverage[-1] < 1 and few.sklearn_oob_error is None  # some rows never out-of-bag


def test_bootstrap_counts_are_bootstrap_samples(moons):
    """Check each shown bootstrap sample draws exactly n_train rows and leaves some out-of-bag."""
    res = bagging_study(moons, BaggingConfig(n_estimators=5, n_shown=3, seed=0), GridConfig(20))
    n = len(moons.y_train)
    assert res.sample_counts.shape == (3, n)
    np.testing.assert_array_equal(res.sample_counts.sum(axis=1), [n, n, n])
    assert ((res.sample_counts == 0).mean(axis=1) > 0.2).all()


def test_bagging_cap_is_enforced():
    """Check n_estimators beyond the stated cap raises a ValueError naming the cap."""
    with pytest.raises(ValueError, match=str(MAX_BAGGING)):
        BaggingConfig(n_estimators=MAX_BAGGING + 1)
    with pytest.raises(ValueError, match=str(MAX_ADABOOST)):
        BoostConfig("adaboost", n_estimators=MAX_ADABOOST + 1)


def test_adaboost_replayed_weights_reproduce_sklearn_errors(moons):
    """Check the replayed sample weights give each stump exactly scikit-learn's estimator_errors_."""
    model = AdaBoostClassifier(DecisionTreeClassifier(max_depth=1), n_estimators=15,
                               random_state=0).fit(moons.x_train, moons.y_train)
    weights = adaboost_weights(model, moons.x_train, moons.y_train)
    for m, est in enumerate(model.estimators_):
        wrong = est.predict(moons.x_train) != moons.y_train
        assert weights[m][wrong].sum() / weights[m].sum() == pytest.approx(model.estimator_errors_[m])
    np.testing.assert_allclose(weights[0], 1 / len(moons.y_train))


def test_adaboost_weights_grow_on_mistakes(moons):
    """Check rows the first stump got wrong weigh more at stage 2 than rows it got right."""
    res = boosting_study(moons, BoostConfig("adaboost", 10, 1.0, 1), GridConfig(20))
    wrong = res.learner_pred[0] != moons.y_train
    assert res.sample_weights[1][wrong].min() > res.sample_weights[1][~wrong].max()
    assert res.weight_range(1) == pytest.approx((1.0, 1.0))  # stage 1 is fit with uniform weights
    heaviest, lightest = res.weight_range(2)
    n = len(moons.y_train)
    assert heaviest == pytest.approx(res.sample_weights[1].max() * n) and lightest < 1 < heaviest
    assert res.grid_pred.shape == (len(res.train_acc), 20, 20)


def test_gradient_boosting_staged_accuracy_improves(moons):
    """Check gradient boosting's staged train accuracy ends higher than after one tree."""
    res = boosting_study(moons, BoostConfig("gradient", 60, 0.2, 2), GridConfig(20))
    assert res.train_acc.shape == (60,) and res.train_acc[-1] > res.train_acc[0]


def test_stacking_uses_out_of_fold_predictions(moons):
    """Check each row's stacked feature comes from a member fit without that row's fold."""
    members = MemberConfig(("tree", "nb"), tree_depth=0, seed=0)
    res = stacking_study(moons, members, StackConfig(cv=4, seed=5), GridConfig(20))
    cv = StratifiedKFold(4, shuffle=True, random_state=5)
    tr, te = next(iter(cv.split(moons.x_train, moons.y_train)))
    tree = build_member("tree", members).fit(moons.x_train[tr], moons.y_train[tr])
    np.testing.assert_allclose(res.oof_proba[0, te], full_proba(tree, moons.x_train[te], 2))
    assert (res.fold[te] == 0).all()
    # a fully grown tree is certain on its own rows, not on held-out ones
    rows = np.arange(len(moons.y_train))
    assert res.insample_proba[0, rows, moons.y_train].mean() == 1.0
    assert res.oof_proba[0, rows, moons.y_train].mean() < 0.95
    table = oof_rows(res, moons.y_train, moons.class_names, 3)
    assert table[0]["tree in-sample"] == 1.0 and table[0]["held out in fold"] == res.fold[0] + 1
    accuracy = accuracy_rows(res)
    assert [r["model"] for r in accuracy] == [TITLES["tree"], TITLES["nb"], "Stack (meta-learner)"]
    assert accuracy[-1]["test accuracy"] == round(res.stack_test_acc, 4)


def test_stacking_meta_learner_matches_sklearn(blobs):
    """Check our meta-learner weights equal StackingClassifier's with the same folds (3 classes)."""
    members = MemberConfig(FAST, seed=0)
    res = stacking_study(blobs, members, StackConfig(cv=3, seed=7), GridConfig(20))
    ref = StackingClassifier([(n, build_member(n, members)) for n in FAST],
                             final_estimator=LogisticRegression(C=1.0, max_iter=1000),
                             cv=StratifiedKFold(3, shuffle=True, random_state=7),
                             stack_method="predict_proba").fit(blobs.x_train, blobs.y_train)
    np.testing.assert_allclose(res.meta_coef, ref.final_estimator_.coef_, atol=1e-6)
    assert res.stack_test_acc == pytest.approx((ref.predict(blobs.x_test) == blobs.y_test).mean())
    assert len(res.meta_features) == 9


def test_bias_variance_bagging_lowers_tree_variance(moons):
    """Check bagging's variance is below one deep tree's over the same resamples, all in [0, 1]."""
    res = bias_variance(moons, BiasVarianceConfig(n_repeats=6, n_estimators=10, seed=0), GridConfig(15))
    tree, bag = res.variance[0], res.variance[1]
    assert bag < tree
    assert ((0 <= res.bias) & (res.bias <= 1)).all() and res.grid_variance.shape == (3, 15, 15)


def test_main_prediction_hand_made():
    """Check the most common label across repeats, ties to the lowest class."""
    preds = np.array([[0, 1, 2], [1, 1, 0], [1, 0, 0], [0, 2, 1]])
    np.testing.assert_array_equal(main_prediction(preds, 3), [0, 1, 0])
