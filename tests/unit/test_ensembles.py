"""Unit tests for explorer.ensembles.voting, ensemble_methods and ensemble_stacking (no streamlit)."""
import numpy as np
import pytest
from sklearn.ensemble import AdaBoostClassifier, StackingClassifier, VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.tree import DecisionTreeClassifier

from explorer.ensembles import bagging_boosting as em
from explorer.ensembles import stacking as es
from explorer.ensembles import voting as ens
from explorer.ensembles.datasets import DataConfig, make_dataset

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
    np.testing.assert_allclose(ens.soft_vote(proba, w), expected)
    np.testing.assert_allclose(ens.soft_vote(proba, w).sum(axis=1), 1.0)


def test_hard_vote_hand_made_case():
    """Check hard voting on a hand-made case: plain majority, weights flipping it, ties to the lowest class."""
    preds = np.array([[0, 1, 2, 1],
                      [1, 1, 0, 0],
                      [1, 0, 2, 2]])  # [member, sample]
    np.testing.assert_array_equal(ens.hard_vote(preds, np.ones(3), 3), [1, 1, 2, 0])
    np.testing.assert_array_equal(ens.hard_vote(preds, np.array([3.0, 1.0, 1.0]), 3), [0, 1, 2, 1])


def test_voting_study_matches_sklearn_voting_classifier(moons):
    """Check the soft and hard ensembles' test predictions equal scikit-learn's VotingClassifier."""
    members = ens.MemberConfig(FAST, seed=0)
    weights = (1.0, 2.0, 0.5)
    for voting in ("soft", "hard"):
        res = ens.voting_study(moons, members, ens.VoteConfig(voting, weights), ens.GridConfig(20))
        ref = VotingClassifier([(n, ens.build_member(n, members)) for n in FAST], voting=voting,
                               weights=list(weights)).fit(moons.x_train, moons.y_train)
        np.testing.assert_array_equal(res.point_pred[-1, res.n_train:], ref.predict(moons.x_test))
        if voting == "soft":
            np.testing.assert_allclose(res.ensemble_proba[res.n_train:], ref.predict_proba(moons.x_test), atol=1e-10)


def test_voting_study_shapes_and_reproducible(blobs):
    """Check grid shapes, a disagreement map in [0, 1], and identical results for the same seed."""
    members, grid = ens.MemberConfig(seed=3), ens.GridConfig(25)
    a = ens.voting_study(blobs, members, ens.VoteConfig(), grid)
    b = ens.voting_study(blobs, members, ens.VoteConfig(), grid)
    assert a.grid_pred.shape == (6, 25, 25) and a.point_proba.shape == (5, len(blobs.y_all), 3)
    assert a.disagreement.min() >= 0 and a.disagreement.max() <= 1
    np.testing.assert_array_equal(a.grid_pred, b.grid_pred)
    np.testing.assert_allclose(a.point_proba, b.point_proba)
    assert len(ens.scoreboard(a)) == 6 and ens.scoreboard(a)[-1]["model"].startswith("Ensemble")


def test_agreement_hand_made_case():
    """Check k-of-n coverage and accuracy on three members and four points."""
    preds = np.array([[0, 1, 1, 0], [0, 1, 0, 1], [0, 0, 1, 2]])
    y = np.array([0, 0, 1, 2])
    agree = ens.agreement(preds, y, 3)
    np.testing.assert_allclose(agree.coverage, [1.0, 0.75, 0.25])
    # k=1: labels 0,1,1,0 (tie on the last point goes to class 0) -> right on points 0 and 2
    np.testing.assert_allclose(agree.accuracy, [0.5, 2 / 3, 1.0])


def test_vote_config_rejects_mismatched_and_zero_weights():
    """Check weight validation: wrong count, all zero and negative weights raise ValueError."""
    with pytest.raises(ValueError, match="3 weights for 5 members"):
        ens.VoteConfig("soft", (1.0, 1.0, 1.0)).weight_array(5)
    with pytest.raises(ValueError, match="above zero"):
        ens.VoteConfig("soft", (0.0, 0.0))
    with pytest.raises(ValueError):
        ens.VoteConfig("soft", (1.0, -1.0))
    with pytest.raises(ValueError):
        ens.MemberConfig(("tree", "tree"))


def test_oob_error_equals_sklearn_oob_score(moons):
    """Check our replayed OOB error after all trees equals 1 - BaggingClassifier.oob_score_."""
    res = em.bagging_study(moons, em.BaggingConfig(n_estimators=40, seed=4), ens.GridConfig(20))
    assert res.oob_coverage[-1] == 1.0
    assert res.oob_error[-1] == pytest.approx(1 - res.sklearn_oob_score, abs=1e-12)
    assert res.oob_error.shape == res.test_acc.shape == (40,)


def test_bootstrap_counts_are_bootstrap_samples(moons):
    """Check each shown bootstrap sample draws exactly n_train rows and leaves some out-of-bag."""
    res = em.bagging_study(moons, em.BaggingConfig(n_estimators=5, n_shown=3, seed=0), ens.GridConfig(20))
    n = len(moons.y_train)
    assert res.sample_counts.shape == (3, n)
    np.testing.assert_array_equal(res.sample_counts.sum(axis=1), [n, n, n])
    assert ((res.sample_counts == 0).mean(axis=1) > 0.2).all()


def test_bagging_cap_is_enforced():
    """Check n_estimators beyond the stated cap raises a ValueError naming the cap."""
    with pytest.raises(ValueError, match=str(em.MAX_BAGGING)):
        em.BaggingConfig(n_estimators=em.MAX_BAGGING + 1)
    with pytest.raises(ValueError, match=str(em.MAX_ADABOOST)):
        em.BoostConfig("adaboost", n_estimators=em.MAX_ADABOOST + 1)


def test_adaboost_replayed_weights_reproduce_sklearn_errors(moons):
    """Check the replayed sample weights give each stump exactly scikit-learn's estimator_errors_."""
    model = AdaBoostClassifier(DecisionTreeClassifier(max_depth=1), n_estimators=15,
                               random_state=0).fit(moons.x_train, moons.y_train)
    weights = em.adaboost_weights(model, moons.x_train, moons.y_train)
    for m, est in enumerate(model.estimators_):
        wrong = est.predict(moons.x_train) != moons.y_train
        assert weights[m][wrong].sum() / weights[m].sum() == pytest.approx(model.estimator_errors_[m])
    np.testing.assert_allclose(weights[0], 1 / len(moons.y_train))


def test_adaboost_weights_grow_on_mistakes(moons):
    """Check rows the first stump got wrong weigh more at stage 2 than rows it got right."""
    res = em.boosting_study(moons, em.BoostConfig("adaboost", 10, 1.0, 1), ens.GridConfig(20))
    wrong = res.learner_pred[0] != moons.y_train
    assert res.sample_weights[1][wrong].min() > res.sample_weights[1][~wrong].max()
    assert res.grid_pred.shape == (len(res.train_acc), 20, 20)


def test_gradient_boosting_staged_accuracy_improves(moons):
    """Check gradient boosting's staged train accuracy ends higher than after one tree."""
    res = em.boosting_study(moons, em.BoostConfig("gradient", 60, 0.2, 2), ens.GridConfig(20))
    assert res.train_acc.shape == (60,) and res.train_acc[-1] > res.train_acc[0]


def test_stacking_uses_out_of_fold_predictions(moons):
    """Check each row's stacked feature comes from a member fit without that row's fold."""
    members = ens.MemberConfig(("tree", "nb"), tree_depth=0, seed=0)
    res = es.stacking_study(moons, members, es.StackConfig(cv=4, seed=5), ens.GridConfig(20))
    cv = StratifiedKFold(4, shuffle=True, random_state=5)
    tr, te = next(iter(cv.split(moons.x_train, moons.y_train)))
    tree = ens.build_member("tree", members).fit(moons.x_train[tr], moons.y_train[tr])
    np.testing.assert_allclose(res.oof_proba[0, te], ens.full_proba(tree, moons.x_train[te], 2))
    assert (res.fold[te] == 0).all()
    # a fully grown tree is certain on its own rows, not on held-out ones
    rows = np.arange(len(moons.y_train))
    assert res.insample_proba[0, rows, moons.y_train].mean() == 1.0
    assert res.oof_proba[0, rows, moons.y_train].mean() < 0.95
    table = es.oof_rows(res, moons.y_train, moons.class_names, 3)
    assert table[0]["tree in-sample"] == 1.0 and table[0]["held out in fold"] == res.fold[0] + 1


def test_stacking_meta_learner_matches_sklearn(blobs):
    """Check our meta-learner weights equal StackingClassifier's with the same folds (3 classes)."""
    members = ens.MemberConfig(FAST, seed=0)
    res = es.stacking_study(blobs, members, es.StackConfig(cv=3, seed=7), ens.GridConfig(20))
    ref = StackingClassifier([(n, ens.build_member(n, members)) for n in FAST],
                             final_estimator=LogisticRegression(C=1.0, max_iter=1000),
                             cv=StratifiedKFold(3, shuffle=True, random_state=7),
                             stack_method="predict_proba").fit(blobs.x_train, blobs.y_train)
    np.testing.assert_allclose(res.meta_coef, ref.final_estimator_.coef_, atol=1e-6)
    assert res.stack_test_acc == pytest.approx((ref.predict(blobs.x_test) == blobs.y_test).mean())
    assert len(res.meta_features) == 9


def test_bias_variance_bagging_lowers_tree_variance(moons):
    """Check bagging's variance is below one deep tree's over the same resamples, all in [0, 1]."""
    res = es.bias_variance(moons, es.BiasVarianceConfig(n_repeats=6, n_estimators=10, seed=0), ens.GridConfig(15))
    tree, bag = res.variance[0], res.variance[1]
    assert bag < tree
    assert ((0 <= res.bias) & (res.bias <= 1)).all() and res.grid_variance.shape == (3, 15, 15)


def test_main_prediction_hand_made():
    """Check the most common label across repeats, ties to the lowest class."""
    preds = np.array([[0, 1, 2], [1, 1, 0], [1, 0, 0], [0, 2, 1]])
    np.testing.assert_array_equal(es.main_prediction(preds, 3), [0, 1, 0])
