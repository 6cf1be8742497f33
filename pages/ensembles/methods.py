"""Ensemble sandbox results: one render function per method (voting, bagging, boosting, stacking, bias/variance)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.core.markdown import escape_md
from explorer.ensembles import figures as figs
from explorer.ensembles.bagging_boosting import BaggingConfig, BoostConfig
from explorer.ensembles.stacking import BiasVarianceConfig, StackConfig, accuracy_rows, oof_rows
from explorer.ensembles.voting import TITLES, GridConfig, MemberConfig, VoteConfig, scoreboard
from pages.ensembles import cache

CLICK_KEY = "ens_regions_chart"
POINT_KEY = "ens_point"


def _members(state) -> MemberConfig:
    return MemberConfig(tuple(state.members), state.lr_c, state.depth, state.k, state.svc_c,
                            state.nb_s, state.seed)


def _md(name: str, max_len: int = 20) -> str:
    """A class name from the data (a CSV's own text) for markdown: shortened, then escaped."""
    return escape_md(name if len(name) <= max_len else name[: max_len - 1] + "…")


def _titles(names) -> list[str]:
    return [TITLES[n] for n in names]


def _take_click(n_points: int) -> None:
    """A click on a point in the regions chart (last run's event) picks the point to inspect."""
    event = st.session_state.get(CLICK_KEY)
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    custom = [p.get("customdata") for p in points if p.get("customdata") is not None]
    if custom:
        idx = custom[0][0] if isinstance(custom[0], list) else custom[0]
        if 0 <= int(idx) < n_points and st.session_state.get("_ens_last_click") != idx:
            st.session_state[POINT_KEY] = int(idx)
            st.session_state["_ens_last_click"] = idx


def render_voting(state, cfg, csv, data) -> None:
    """Members and ensemble side by side, point inspector, disagreement and k-of-n agreement."""
    members = _members(state)
    vote = VoteConfig(state.vote, state.weights(), 1)
    with st.spinner("Fitting members and evaluating the grid..."):
        res = cache.voting(cfg, csv, members, vote, GridConfig(state.grid))
    board = pd.DataFrame(scoreboard(res))
    best = res.best_member
    st.markdown(f"**Ensemble ({state.vote} vote): test accuracy {res.test_acc[-1]:.1%}** vs the best single "
                f"member, {TITLES[res.names[best]]}, at {res.test_acc[best]:.1%} "
                f"({len(data.x_test)} test points, diamonds; circles are training points).")
    st.plotly_chart(figs.regions_figure(res, data, TITLES), key=CLICK_KEY, on_select="rerun",
                    selection_mode="points")
    _inspector(res, data, state)
    left, right = st.columns(2)
    left.plotly_chart(figs.disagreement_figure(res, data))
    left.caption("Red: much of the members' weight votes against the ensemble's label. "
                 "Ensembles help most where members disagree and errors are not shared.")
    k = min(state.agree, len(res.agreement.k))
    right.plotly_chart(figs.agreement_figure(res.agreement, k))
    acc, cov = res.agreement.accuracy[k - 1], res.agreement.coverage[k - 1]
    m1, m2 = right.columns(2)
    m1.metric(f"Accuracy when {k} of {len(res.agreement.k)} agree", f"{acc:.1%}" if cov else "no answers")
    m2.metric("Coverage", f"{cov:.0%}", help="Share of test points where at least k members agree.")
    st.subheader("Scoreboard")
    st.dataframe(board, hide_index=True, width="stretch")
    st.caption("Fit time is this server's wall time; the ensemble's is the sum of its members' (it fits them all).")
    st.download_button("Download scoreboard (CSV)", board.to_csv(index=False), "ensemble_scoreboard.csv",
                       "text/csv", key="ens_download")


def _inspector(res, data, state) -> None:
    n_points = len(data.y_all)
    _take_click(n_points)
    if st.session_state.get(POINT_KEY, 0) >= n_points:
        st.session_state[POINT_KEY] = 0
    idx = st.number_input(f"Inspect point # (0-{n_points - 1}; click a point in the chart above)",
                          0, n_points - 1, int(st.session_state.get(POINT_KEY, 0)), key=POINT_KEY)
    where = "training" if idx < res.n_train else "test"
    truth, final = int(data.y_all[idx]), int(res.point_pred[-1, idx])
    votes = ", ".join(f"{TITLES[n]} → {_md(data.class_names[res.point_pred[i, idx]])}"
                      for i, n in enumerate(res.names[:-1]))
    st.markdown(f"Point **#{idx}** ({where}, true class **{_md(data.class_names[truth])}**): "
                f"{votes}. Combined ({state.vote}): **{_md(data.class_names[final])}** "
                f"({'right' if final == truth else 'wrong'}).")
    if state.vote == "soft":
        st.caption("Soft vote = weighted mean of the bars above it: " + ", ".join(
            f"{_md(c, 12)}: {p:.2f}" for c, p in zip(data.class_names, res.ensemble_proba[idx])))
    st.plotly_chart(figs.point_votes_figure(_titles(res.names[:-1]), res.point_proba[:, idx],
                                            res.ensemble_proba[idx], data.class_names, state.vote))


def render_bagging(state, cfg, csv, data) -> None:
    """Bootstrap samples, OOB error vs n_estimators."""
    bag_cfg = BaggingConfig(state.bag_n, state.bag_depth, 3, state.seed)
    with st.spinner(f"Bagging {state.bag_n} trees..."):
        res = cache.bagging(cfg, csv, bag_cfg, GridConfig(state.grid))
    st.markdown("Each tree trains on a **bootstrap sample**: as many rows as the training set, drawn "
                "with replacement. Bigger markers were drawn more than once; × marks rows this tree never "
                "saw (its *out-of-bag* rows, about 1/e ≈ 37% on average), which give a free error estimate.")
    st.plotly_chart(figs.bootstrap_figure(res, data))
    c = st.columns(4)
    c[0].metric("OOB error (all trees)", f"{res.oob_error[-1]:.1%}")
    oob = res.sklearn_oob_error
    c[1].metric("scikit-learn 1 - oob_score_", "n/a (rows never OOB)" if oob is None else f"{oob:.1%}")
    c[2].metric(f"Test accuracy, {state.bag_n} trees", f"{res.test_acc[-1]:.1%}")
    c[3].metric("Test accuracy, one tree", f"{res.single_test_acc:.1%}")
    st.plotly_chart(figs.oob_figure(res))
    if res.oob_coverage[0] < 1:
        st.caption(f"With few trees some rows are never out-of-bag: after 1 tree the OOB error covers "
                   f"{res.oob_coverage[0]:.0%} of rows, after {state.bag_n} trees {res.oob_coverage[-1]:.0%}.")


def render_boosting(state, cfg, csv, data) -> None:
    """AdaBoost step-through or gradient boosting's staged predictions."""
    ada = state.boost == "adaboost"
    bcfg = BoostConfig(state.boost, state.ada_n if ada else state.gb_n, state.ada_lr if ada else state.gb_lr,
                          state.ada_depth if ada else state.gb_depth, state.seed)
    with st.spinner("Boosting..."):
        res = cache.boosting(cfg, csv, bcfg, GridConfig(state.grid))
    n = len(res.train_acc)
    step = min(state.ada_step, n)
    if ada and n < bcfg.n_estimators:
        st.info(f"AdaBoost stopped after {n} learners: a learner made no weighted error.")
    if ada:
        heaviest, lightest = res.weight_range(step)
        st.markdown(f"Stage {step}: the stump was fit with the weights shown as marker size. Rows the "
                    f"earlier stumps got wrong weigh more: the heaviest row now counts **{heaviest:.1f}×** a "
                    f"uniform row, the lightest {lightest:.2f}×. × marks what this stump gets wrong.")
    else:
        st.markdown(f"Each new tree fits what the ensemble still gets wrong (the gradient of the loss), "
                    f"scaled by the learning rate {bcfg.learning_rate}. Left: one tree; right: {step} trees.")
    st.plotly_chart(figs.boost_step_figure(res, data, step, state.boost))
    st.plotly_chart(figs.staged_figure(res, step))


def render_stacking(state, cfg, csv, data) -> None:
    """Members -> out-of-fold predictions -> logistic-regression meta-learner."""
    members = _members(state)
    with st.spinner(f"{state.cv}-fold out-of-fold predictions for {len(members.members)} members..."):
        res = cache.stacking(cfg, csv, members, StackConfig(state.cv, 1.0, state.seed),
                                  GridConfig(state.grid))
    st.markdown(f"The meta-learner is trained on **out-of-fold** predictions: each training row is predicted "
                f"by members fit on the other {state.cv - 1} folds. In-sample predictions flatter members "
                "that memorize (a deep tree gives its own rows P = 1), so the meta-learner would trust them.")
    st.plotly_chart(figs.oof_figure(res, data, _titles(res.names)))
    with st.expander("The out-of-fold predictions, row by row (P of the true class)"):
        st.dataframe(pd.DataFrame(oof_rows(res, data.y_train, data.class_names)), hide_index=True)
    left, right = st.columns(2)
    left.plotly_chart(figs.meta_weights_figure(res))
    right.plotly_chart(figs.stack_regions_figure(res, data))
    st.dataframe(pd.DataFrame(accuracy_rows(res)), hide_index=True)


def render_biasvar(state, cfg, csv, data) -> None:
    """One deep tree vs bagging vs boosting over resampled training sets."""
    bv_cfg = BiasVarianceConfig(state.bv_reps, 25, state.seed)
    with st.spinner(f"Training 3 models on {state.bv_reps} resampled training sets..."):
        res = cache.biasvar(cfg, csv, bv_cfg, GridConfig(min(state.grid, 60)))
    tree, bag = res.variance[0], res.variance[1]
    parts = "; ".join(f"{n}: bias {b:.1%}, variance {v:.1%}" for n, b, v in zip(res.names, res.bias, res.variance))
    verdict = "cut" if bag < tree else "did not cut"
    st.markdown(f"Each model is retrained on {state.bv_reps} bootstrap resamples. **Variance** = how often "
                f"a retrained model disagrees with its own most common answer; **bias** = how often that most "
                f"common answer is wrong. Here: {parts}. Bagging {verdict} the deep tree's variance "
                f"({tree:.1%} → {bag:.1%}); boosting builds from stumps, which start with high bias.")
    st.plotly_chart(figs.bias_variance_figure(res))
    st.plotly_chart(figs.variance_maps_figure(res, data))
    st.caption("Purple: grid points where retrained models change their answer.")
