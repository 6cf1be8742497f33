"""Unit tests for explorer.ensembles.figures: every builder runs and user text is escaped."""
import json

import numpy as np
import pytest

from explorer.ensembles import figures as figs
from explorer.ensembles.bagging_boosting import BaggingConfig, BoostConfig, bagging_study, boosting_study
from explorer.ensembles.datasets import DataConfig, load_csv
from explorer.ensembles.llm_voting import VoteSummary
from explorer.ensembles.stacking import BiasVarianceConfig, StackConfig, bias_variance, stacking_study
from explorer.ensembles.voting import TITLES, GridConfig, MemberConfig, VoteConfig, voting_study

EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def evil_data():
    """A CSV dataset whose class labels are script tags."""
    rows = ["a,b,y"] + [f"{i % 9},{(i * 5) % 7},{EVIL if i % 2 else '<b>ok</b>'}" for i in range(80)]
    return load_csv(("\n".join(rows) + "\n").encode(), DataConfig("csv"))


def _raw_html_free(fig) -> bool:
    return "<script>" not in json.dumps(fig.to_plotly_json(), default=str) and "<b>ok" not in \
        json.dumps(fig.to_plotly_json(), default=str)


def test_voting_figures_escape_class_names(evil_data):
    """Check regions, disagreement, agreement and vote bars build and carry no raw HTML from the data."""
    res = voting_study(evil_data, MemberConfig(("logreg", "tree", "nb")), VoteConfig(),
                           GridConfig(15))
    built = [figs.regions_figure(res, evil_data, TITLES), figs.disagreement_figure(res, evil_data),
             figs.agreement_figure(res.agreement, 2),
             figs.point_votes_figure(["a", "b", "c"], res.point_proba[:, 0], res.ensemble_proba[0],
                                     evil_data.class_names, "soft")]
    assert all(_raw_html_free(f) for f in built)
    assert len(built[0].data) == 4 * (1 + 2 * 2)  # 4 panels x (heatmap + train/test per class)
    assert "&lt;script&gt;" in json.dumps(built[3].to_plotly_json(), default=str)


def test_method_figures_build(evil_data):
    """Check the bagging, boosting, stacking and bias/variance figures build with escaped labels."""
    grid = GridConfig(12)
    bag = bagging_study(evil_data, BaggingConfig(5, n_shown=2), grid)
    ada = boosting_study(evil_data, BoostConfig("adaboost", 5), grid)
    gb = boosting_study(evil_data, BoostConfig("gradient", 5, 0.1, 2), grid)
    members = MemberConfig(("logreg", "nb"))
    stack = stacking_study(evil_data, members, StackConfig(cv=3), grid)
    bv = bias_variance(evil_data, BiasVarianceConfig(2, 3), grid)
    built = [figs.bootstrap_figure(bag, evil_data), figs.oob_figure(bag),
             figs.boost_step_figure(ada, evil_data, 2, "adaboost"), figs.boost_step_figure(gb, evil_data, 3, "gradient"),
             figs.staged_figure(gb, 3), figs.oof_figure(stack, evil_data, ["LR", "NB"]),
             figs.meta_weights_figure(stack), figs.stack_regions_figure(stack, evil_data),
             figs.bias_variance_figure(bv), figs.variance_maps_figure(bv, evil_data)]
    assert all(_raw_html_free(f) for f in built)


def test_class_colorscale_steps():
    """Check the stepped colorscale spans 0..1 with one flat band per class."""
    scale = figs.class_colorscale(3)
    assert scale[0][0] == 0 and scale[-1][0] == 1 and len(scale) == 6
    assert scale[0][1] == scale[1][1] != scale[2][1]


def test_llm_vote_figure_lines():
    """Check the LLM figure has the vote curve plus single-sample and greedy lines in both panels."""
    summary = VoteSummary(np.arange(1, 4), np.array([0.5, 0.5, 1.0]), np.array([8.0, 16, 24]), 0.6, 1.0,
                             np.array([0.6]))
    fig = figs.llm_vote_figure(summary)
    assert len(fig.data) == 6
    assert list(fig.data[3].x) == [8.0, 16, 24]
