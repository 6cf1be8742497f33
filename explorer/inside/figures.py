"""Figures of the Inside-a-transformer page: next token, attention row, logit lens, RoPE, parameters, surprise.

Every figure takes computed dataclasses only; every label built from token
text goes through `safe_label`.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.core.figures import base_layout, safe_label
from explorer.inside.evaluate import Scores
from explorer.inside.lens import Lens
from explorer.inside.params import GROUPS, Architecture
from explorer.inside.rope import RopeCurve
from explorer.inside.walk import Walk

GROUP_COLORS = dict(zip(GROUPS, ("#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756", "#9d9d9d")))


def _labels(tokens: tuple[str, ...], max_len: int = 14) -> list[str]:
    """Unique, escaped 'position token' labels (plotly merges equal category names)."""
    return [f"{i} {safe_label(t, max_len)}" for i, t in enumerate(tokens)]


def next_token_figure(walk: Walk) -> go.Figure:
    """The top next-token probabilities after the followed token."""
    labels = [f"{safe_label(repr(p), 20)}" for p in walk.top_pieces]
    fig = go.Figure(go.Bar(x=walk.top_probs, y=labels, orientation="h", marker_color="#4c78a8",
                           text=[f"{p:.1%}" for p in walk.top_probs], textposition="outside",
                           hovertemplate="%{y}: %{x:.4f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title="probability", range=[0, min(1.0, float(walk.top_probs.max()) * 1.25 + 0.02)])
    return base_layout(fig, "Next token: the top guesses", 300)


def attention_row_figure(walk: Walk) -> go.Figure:
    """How much the followed token attends to each earlier token (this layer and head)."""
    p = walk.position
    fig = go.Figure(go.Bar(x=_labels(walk.tokens[:p + 1]), y=walk.weights_row[:p + 1], marker_color="#f58518",
                           hovertemplate="%{x}: %{y:.4f}<extra></extra>"))
    fig.update_xaxes(type="category", tickangle=-60, title="key (earlier token)")
    fig.update_yaxes(title="attention weight", range=[0, 1])
    return base_layout(fig, f"Layer {walk.layer}, head {walk.head}: where token {p} looks", 320)


def lens_figure(lens: Lens, token: str) -> go.Figure:
    """One row per layer: the vector's length, the final answer's probability, and the top-K guesses.

    Layer 0 (the embedding row) is at the top, the model's real output at the bottom; the
    layers whose block moved the prediction most are marked with ◀.
    """
    marked = set(int(i) for i in lens.biggest_changes())
    rows = [("embedding" if i == 0 else f"layer {i}") + (" ◀" if i in marked else "") for i in range(len(lens.norms))]
    text = [[safe_label(repr(t), 16) for t in row] for row in lens.top_pieces]
    fig = make_subplots(rows=1, cols=3, shared_yaxes=True, column_widths=[0.16, 0.16, 0.68], horizontal_spacing=0.02,
                        subplot_titles=("length ‖h‖", "p(final answer)", f"top {lens.top_ids.shape[1]} guesses"))
    fig.add_trace(go.Bar(x=lens.norms, y=rows, orientation="h", marker_color="#9ecae1", showlegend=False,
                         hovertemplate="%{y}: length %{x:.1f}<extra></extra>"), 1, 1)
    fig.add_trace(go.Scatter(x=lens.final_prob, y=rows, mode="lines+markers", line_color="#e45756",
                             showlegend=False, hovertemplate="%{y}: %{x:.3f}<extra></extra>"), 1, 2)
    fig.add_trace(go.Heatmap(z=lens.top_probs, y=rows, x=[f"#{k + 1}" for k in range(lens.top_ids.shape[1])],
                             text=text, texttemplate="%{text}", textfont_size=11, colorscale="Blues", zmin=0,
                             zmax=1, colorbar=dict(title="p", thickness=10),
                             hovertemplate="%{y}, guess %{x}: %{text} (%{z:.3f})<extra></extra>"), 1, 3)
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(range=[0, 1.05], row=1, col=2)
    title = f"Following token {lens.position} {safe_label(repr(token), 20)} through every layer"
    base_layout(fig, title, 160 + 22 * len(rows))
    return fig.update_layout(margin_t=90)  # room for the title above the subplot titles


def rope_figure(curve: RopeCurve) -> go.Figure:
    """q·k/√d of a real pair at every distance, with and without RoPE, and the pair's real spot."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=curve.distance, y=curve.score, name="q·k/√d with RoPE", line_color="#4c78a8",
                             hovertemplate="distance %{x}: %{y:.3f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=curve.distance, y=curve.self_score, name="the query with itself",
                             line=dict(color="#bbbbbb", width=1),
                             hovertemplate="distance %{x}: %{y:.3f}<extra></extra>"))
    fig.add_hline(y=curve.plain, line_dash="dash", line_color="#54a24b",
                  annotation_text="without RoPE (same at every distance)")
    fig.add_trace(go.Scatter(x=[curve.actual_distance], y=[curve.actual_score], mode="markers",
                             name="the model's own score for this pair", marker=dict(size=11, color="#e45756")))
    fig.update_xaxes(title="distance in tokens (query after key)")
    fig.update_yaxes(title="score q·k/√d")
    fig.update_layout(legend=dict(orientation="h", y=-0.3))
    return base_layout(fig, "What rotary position encoding does to one attention score", 400)


def params_figure(archs: list[Architecture]) -> go.Figure:
    """Each model's parameters stacked by group, in millions."""
    fig = go.Figure()
    names = [safe_label(a.name, 40) for a in archs]
    for group in GROUPS:
        counts = [a.group(group).count / 1e6 for a in archs]
        if any(counts):
            fig.add_trace(go.Bar(y=names, x=counts, name=group, orientation="h", marker_color=GROUP_COLORS[group],
                                 hovertemplate=f"{group}: %{{x:.2f}} M<extra></extra>"))
    fig.update_layout(barmode="stack", legend=dict(orientation="h", y=-0.35))
    fig.update_xaxes(title="parameters (millions)")
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, "Where the parameters are", 140 + 60 * len(archs))


def surprise_figure(scores: Scores, title: str) -> go.Figure:
    """One bar per token: its surprise in bits, coloured by it; hover shows the model's own guess."""
    bits = np.nan_to_num(scores.bits, nan=0.0)
    hover = [f"p = {np.exp(lp):.4f}<br>model's guess: {safe_label(repr(g), 20)}" if np.isfinite(lp)
             else "first token: not scored" for lp, g in zip(scores.logprob, scores.guess)]
    fig = go.Figure(go.Bar(x=_labels(scores.tokens), y=bits, customdata=hover,
                           marker=dict(color=bits, colorscale="YlOrRd", cmin=0, cmax=max(12.0, float(bits.max())),
                                       colorbar=dict(title="bits", thickness=12)),
                           hovertemplate="%{x}: %{y:.2f} bits<br>%{customdata}<extra></extra>"))
    fig.update_xaxes(type="category", tickangle=-60)
    fig.update_yaxes(title="surprise (bits)")
    return base_layout(fig, safe_label(title, 80), 320)
