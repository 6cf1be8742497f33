"""Figures for the Ensemble sandbox: decision regions, vote curves, boosting steps.

Every builder takes computed results (explorer.ensembles.voting*, explorer.ensembles.llm_voting)
and returns a go.Figure. Class names can come from a user's CSV, so they
pass through safe_label before they reach a label or hover text.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from explorer.core.figures import base_layout, safe_label

PALETTE = qualitative.Plotly  # 10 colors: enough for digits
PANEL_COLS = 3


def class_colorscale(n_classes: int) -> list[list]:
    """A stepped colorscale: integer class c maps to PALETTE[c] for z in [-0.5, n - 0.5]."""
    scale = []
    for c in range(n_classes):
        color = PALETTE[c % len(PALETTE)]
        scale += [[c / n_classes, color], [(c + 1) / n_classes, color]]
    return scale


def _regions(fig, gx, gy, pred, n_classes, row, col, opacity=0.35):
    fig.add_trace(go.Heatmap(x=gx, y=gy, z=pred, zmin=-0.5, zmax=n_classes - 0.5, showscale=False,
                             colorscale=class_colorscale(n_classes), opacity=opacity, hoverinfo="skip"),
                  row=row, col=col)


def _points(fig, data, row, col, *, sizes=None, show_legend=False, test=True, marker_line=None):
    """Train points as circles (optionally sized), test points as diamonds; customdata = point index."""
    names = [safe_label(n, 20) for n in data.class_names]
    ntr = len(data.x_train)
    for c, name in enumerate(names):
        idx = np.flatnonzero(data.y_train == c)
        size = 7 if sizes is None else sizes[idx]
        fig.add_trace(go.Scatter(
            x=data.x_train[idx, 0], y=data.x_train[idx, 1], mode="markers", name=f"train {name}",
            legendgroup=name, showlegend=show_legend, customdata=idx,
            marker=dict(color=PALETTE[c % len(PALETTE)], size=size,
                        line=marker_line or dict(width=0.6, color="white")),
            hovertemplate=f"train #%{{customdata}} class {name}<extra></extra>"), row=row, col=col)
        if test:
            tdx = np.flatnonzero(data.y_test == c)
            fig.add_trace(go.Scatter(
                x=data.x_test[tdx, 0], y=data.x_test[tdx, 1], mode="markers", name=f"test {name}",
                legendgroup=name, showlegend=show_legend, customdata=tdx + ntr,
                marker=dict(color=PALETTE[c % len(PALETTE)], size=8, symbol="diamond",
                            line=dict(width=1, color="black")),
                hovertemplate=f"test #%{{customdata}} class {name}<extra></extra>"), row=row, col=col)


def _panels(n: int, titles: list[str], height_per_row: int = 300):
    rows = (n + PANEL_COLS - 1) // PANEL_COLS
    cols = min(n, PANEL_COLS)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles,
                        horizontal_spacing=0.04, vertical_spacing=0.08 if rows > 1 else 0.1)
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False)
    for i in range(1, rows * cols + 1):  # square panels: keep the data's true shape
        fig.update_yaxes(scaleanchor=f"x{'' if i == 1 else i}", scaleratio=1, row=(i - 1) // cols + 1,
                         col=(i - 1) % cols + 1)
    return fig, rows, height_per_row * rows + 60


def _panel_layout(fig: go.Figure, height: int) -> go.Figure:
    """House layout plus room above the panels for their two-line titles."""
    fig = base_layout(fig, height=height)
    fig.update_layout(margin=dict(t=60))
    return fig


def regions_figure(result, data, titles: dict[str, str]) -> go.Figure:
    """Decision regions of every member and the ensemble, side by side, with the data."""
    labels = [f"{titles.get(n, 'Ensemble')}<br><sup>train {result.train_acc[i]:.0%} · "
              f"test {result.test_acc[i]:.0%}</sup>" for i, n in enumerate(result.names)]
    fig, _, height = _panels(len(result.names), labels)
    for i in range(len(result.names)):
        row, col = i // PANEL_COLS + 1, i % PANEL_COLS + 1
        _regions(fig, result.grid_x, result.grid_y, result.grid_pred[i], data.n_classes, row, col,
                 opacity=0.5 if result.names[i] == "ensemble" else 0.35)
        _points(fig, data, row, col, show_legend=i == 0)
    fig = _panel_layout(fig, height)
    fig.update_layout(legend=dict(orientation="h", y=-0.02), clickmode="event+select")
    return fig


def disagreement_figure(result, data) -> go.Figure:
    """Where members vote against the ensemble: share of member weight, 0 (all agree) to 1."""
    fig = make_subplots(rows=1, cols=1)
    fig.add_trace(go.Heatmap(x=result.grid_x, y=result.grid_y, z=result.disagreement, zmin=0, zmax=1,
                             colorscale="Reds", colorbar=dict(title="against"),
                             hovertemplate="weight voting against the ensemble: %{z:.0%}<extra></extra>"))
    _points(fig, data, 1, 1)
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False, scaleanchor="x", scaleratio=1)
    return base_layout(fig, "Disagreement map", height=420)


def agreement_figure(agree, chosen_k: int) -> go.Figure:
    """Accuracy and coverage when at least k members must give the same label."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=agree.k, y=agree.accuracy, mode="lines+markers", name="accuracy on answered"))
    fig.add_trace(go.Scatter(x=agree.k, y=agree.coverage, mode="lines+markers", name="coverage (answered)"))
    fig.add_vline(x=chosen_k, line_dash="dot", line_color="gray")
    fig.update_xaxes(title="k: members that must agree", dtick=1)
    fig.update_yaxes(title="share of test points", range=[0, 1.05], tickformat=".0%")
    fig.update_layout(legend=dict(orientation="h", y=-0.25))
    return base_layout(fig, "k of n must agree (test set)", height=400)


def point_votes_figure(member_titles: list[str], proba: np.ndarray, ensemble: np.ndarray,
                       class_names, voting: str) -> go.Figure:
    """Each member's class probabilities for one point ([member, class]) and the combined scores."""
    fig = go.Figure()
    names = [safe_label(n, 20) for n in class_names]
    rows = member_titles + [f"Ensemble ({voting})"]
    values = np.vstack([proba, ensemble[None]])  # [model, class]
    for c, name in enumerate(names):
        fig.add_trace(go.Bar(y=rows, x=values[:, c], name=name, orientation="h",
                             marker_color=PALETTE[c % len(PALETTE)],
                             hovertemplate=f"{name}: %{{x:.2f}}<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(range=[0, 1], title="probability (hard vote: weighted vote share)")
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, height=80 + 36 * len(rows))


def bootstrap_figure(bag, data) -> go.Figure:
    """The first few bootstrap samples: marker size = times drawn, x = out-of-bag."""
    n = len(bag.sample_counts)
    titles = [f"tree {i + 1}<br><sup>{(bag.sample_counts[i] == 0).mean():.0%} of rows out-of-bag</sup>"
              for i in range(n)]
    fig, _, height = _panels(n, titles, 320)
    for i in range(n):
        counts = bag.sample_counts[i]
        _regions(fig, bag.grid_x, bag.grid_y, bag.sample_grid_pred[i], data.n_classes, 1, i + 1)
        _points(fig, data, 1, i + 1, sizes=np.where(counts == 0, 0, 4 + 4 * counts), test=False,
                show_legend=False)
        oob = counts == 0
        fig.add_trace(go.Scatter(x=data.x_train[oob, 0], y=data.x_train[oob, 1], mode="markers",
                                 name="out-of-bag", showlegend=i == 0, hoverinfo="skip",
                                 marker=dict(symbol="x-thin", size=7, line=dict(width=1.5, color="black"))),
                      row=1, col=i + 1)
    fig = _panel_layout(fig, height)
    fig.update_layout(legend=dict(orientation="h", y=-0.05))
    return fig


def oob_figure(bag) -> go.Figure:
    """Out-of-bag error and test error as trees are added, against one tree alone."""
    n = np.arange(1, len(bag.oob_error) + 1)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=n, y=bag.oob_error, name="out-of-bag error"))
    fig.add_trace(go.Scatter(x=n, y=1 - bag.test_acc, name="test error"))
    fig.add_hline(y=1 - bag.single_test_acc, line_dash="dot", annotation_text="one tree (test)")
    fig.update_xaxes(title="n_estimators (trees in the bag)")
    fig.update_yaxes(title="error", tickformat=".0%", rangemode="tozero")
    return base_layout(fig, "Error vs number of trees", height=380)


def boost_step_figure(boost, data, step: int, kind: str) -> go.Figure:
    """Stage `step` (1-based): the learner it added (sized by sample weight) and the ensemble so far."""
    i = step - 1
    if kind == "adaboost":
        w = boost.sample_weights[i] * len(boost.sample_weights[i])  # 1 = the uniform weight
        fig, _, _ = _panels(2, [f"learner {step} alone<br><sup>weighted error {boost.stage_errors[i]:.2f}, "
                                f"its say α = {boost.stage_weights[i]:.2f}</sup>",
                                f"ensemble of {step}<br><sup>test accuracy {boost.test_acc[i]:.0%}</sup>"])
        _regions(fig, boost.grid_x, boost.grid_y, boost.grid_learner[i], data.n_classes, 1, 1)
        _points(fig, data, 1, 1, sizes=np.clip(3 + 8 * w, 3, 40), test=False)
        wrong = boost.learner_pred[i] != data.y_train
        fig.add_trace(go.Scatter(x=data.x_train[wrong, 0], y=data.x_train[wrong, 1], mode="markers",
                                 name="misclassified by this stump", hoverinfo="skip",
                                 marker=dict(symbol="x-thin", size=8, line=dict(width=1.5, color="black"))),
                      row=1, col=1)
    else:
        fig, _, _ = _panels(2, [f"after 1 tree<br><sup>test accuracy {boost.test_acc[0]:.0%}</sup>",
                                f"after {step} trees<br><sup>test accuracy {boost.test_acc[i]:.0%}</sup>"])
        _regions(fig, boost.grid_x, boost.grid_y, boost.grid_pred[0], data.n_classes, 1, 1)
        _points(fig, data, 1, 1)
    _regions(fig, boost.grid_x, boost.grid_y, boost.grid_pred[i], data.n_classes, 1, 2, opacity=0.5)
    _points(fig, data, 1, 2)
    fig = _panel_layout(fig, 480)
    fig.update_layout(legend=dict(orientation="h", y=-0.05))
    return fig


def staged_figure(boost, step: int) -> go.Figure:
    """Train and test accuracy after each boosting stage."""
    n = np.arange(1, len(boost.train_acc) + 1)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=n, y=boost.train_acc, name="train accuracy"))
    fig.add_trace(go.Scatter(x=n, y=boost.test_acc, name="test accuracy"))
    fig.add_vline(x=step, line_dash="dot", line_color="gray")
    fig.update_xaxes(title="stage")
    fig.update_yaxes(title="accuracy", tickformat=".0%")
    return base_layout(fig, "Staged predictions", height=340)


def oof_figure(stack, data, member_titles: list[str]) -> go.Figure:
    """Per member: P(true class) on training rows, in-sample vs out-of-fold."""
    fig = go.Figure()
    rows, y = np.arange(len(data.y_train)), data.y_train
    for i, title in enumerate(member_titles):
        fig.add_trace(go.Box(y=stack.insample_proba[i, rows, y], x=[title] * stack.fold.size,
                             name="in-sample (refit on all rows)", legendgroup="in", offsetgroup="in",
                             marker_color="#636EFA", showlegend=i == 0, boxpoints=False))
        fig.add_trace(go.Box(y=stack.oof_proba[i, rows, y], x=[title] * stack.fold.size,
                             name="out-of-fold",
                             legendgroup="oof", offsetgroup="oof", marker_color="#EF553B",
                             showlegend=i == 0, boxpoints=False))
    fig.update_layout(boxmode="group")
    fig.update_yaxes(title="P(true class) on training rows", range=[0, 1.02])
    return base_layout(fig, "How sure each member is on training rows", height=380)


def meta_weights_figure(stack) -> go.Figure:
    """The meta-learner's coefficients per meta feature (one bar group per class row)."""
    fig = go.Figure()
    feats = [safe_label(f, 40) for f in stack.meta_features]
    for r in range(stack.meta_coef.shape[0]):
        fig.add_trace(go.Bar(x=feats, y=stack.meta_coef[r], name=f"row {r}" if len(stack.meta_coef) > 1 else "weight"))
    fig.update_yaxes(title="logistic-regression weight")
    return base_layout(fig, "Meta-learner weights", height=360)


def stack_regions_figure(stack, data) -> go.Figure:
    """The stacked model's decision regions."""
    fig, _, _ = _panels(1, [f"stack: test {stack.stack_test_acc:.0%}"])
    _regions(fig, stack.grid_x, stack.grid_y, stack.grid_pred, data.n_classes, 1, 1, opacity=0.5)
    _points(fig, data, 1, 1, show_legend=True)
    return _panel_layout(fig, 420)


def bias_variance_figure(bv) -> go.Figure:
    """Error, bias and variance (0-1 loss) per model, over resampled training sets."""
    fig = go.Figure()
    for name, values in (("error", bv.error), ("bias", bv.bias), ("variance", bv.variance)):
        fig.add_trace(go.Bar(x=list(bv.names), y=values, name=name, texttemplate="%{y:.1%}"))
    fig.update_yaxes(tickformat=".0%")
    return base_layout(fig, "Test error split into bias and variance", height=360)


def variance_maps_figure(bv, data) -> go.Figure:
    """Where each model changes its mind across resamples (share of repeats off the main vote)."""
    fig, _, height = _panels(len(bv.names), list(bv.names), 300)
    for i in range(len(bv.names)):
        fig.add_trace(go.Heatmap(x=bv.grid_x, y=bv.grid_y, z=bv.grid_variance[i], zmin=0, zmax=0.5,
                                 colorscale="Purples", showscale=i == 0, hoverinfo="skip"), row=1, col=i + 1)
        _points(fig, data, 1, i + 1, test=False, sizes=np.full(len(data.x_train), 4))
    return _panel_layout(fig, height)


def llm_vote_figure(summary) -> go.Figure:
    """Majority-vote accuracy vs N samples and vs tokens spent, with single-sample and greedy lines."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=["accuracy vs samples N", "accuracy vs tokens spent"])
    for col, x in ((1, summary.n), (2, summary.tokens)):
        fig.add_trace(go.Scatter(x=x, y=summary.vote_acc, mode="lines+markers", name="majority vote",
                                 showlegend=col == 1, line_color="#636EFA",
                                 customdata=summary.n, hovertemplate="N=%{customdata}: %{y:.0%}<extra></extra>"),
                      row=1, col=col)
        for y, name, color in ((summary.single_acc, "one sample", "#EF553B"),
                               (summary.greedy_acc, "greedy (T=0)", "#00CC96")):
            fig.add_trace(go.Scatter(x=[x[0], x[-1]], y=[y, y], mode="lines", name=name,
                                     showlegend=col == 1, line=dict(dash="dot", color=color)), row=1, col=col)
    fig.update_yaxes(range=[-0.02, 1.02], tickformat=".0%")
    fig.update_xaxes(title_text="N samples per question", dtick=1, row=1, col=1)
    fig.update_xaxes(title_text="tokens per question", row=1, col=2)
    fig = base_layout(fig, height=400)
    fig.update_layout(margin=dict(t=50), legend=dict(orientation="h", y=-0.25))
    return fig
