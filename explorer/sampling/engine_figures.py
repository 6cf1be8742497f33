"""Sampling lab figures for an engine: its top next tokens with the rest as one bar, and its token strip.

Every token text passes through `safe_label` before it reaches a label or hover text.
"""
from __future__ import annotations

import plotly.graph_objects as go

from explorer.core.figures import base_layout, safe_label
from explorer.sampling.engine_lab import EngineDistribution, EnginePath
from explorer.sampling.figures import BASE, FINAL, LABEL_CHARS, LINE_CHARS, PROB_SCALE, _layout_pieces, show_piece


def top_bars(dist: EngineDistribution, vocab: int | None) -> go.Figure:
    """The engine's top tokens (raw model, T=1) and one grey bar for every other token together."""
    others = f"the other {vocab - len(dist.pieces):,} tokens" if vocab else "every other token"
    labels = [f"{i + 1}. {safe_label(repr(p)[1:-1] or '∅', 24)}" for i, p in enumerate(dist.pieces)] + [others]
    values = [float(p) for p in dist.probs] + [dist.rest]
    colors = [FINAL] * len(dist.pieces) + [BASE]
    fig = go.Figure(go.Bar(y=labels, x=values, orientation="h", marker_color=colors,
                           text=[f"{p:.1%}" for p in values], textposition="outside",
                           hovertemplate="%{y}<br>p %{x:.4%}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickformat=".0%", range=[0, min(1.0, max(values, default=0.0) * 1.25 + 0.02)])
    return base_layout(fig, height=70 + 26 * len(labels))


def _hover(path: EnginePath, i: int) -> str:
    rank = f"rank {path.rank[i]}" if path.rank[i] else f"outside the top {len(path.alt_pieces[i])}"
    head = (f"<b>{safe_label(repr(path.pieces[i]))}</b> step {i + 1}<br>"
            f"p (raw model) {path.p_chosen[i]:.1%} · {rank}<br>the engine's top alternatives:")
    alts = [f"{safe_label(repr(p), 20)} {q:.1%}" for p, q in zip(path.alt_pieces[i][:8], path.alt_p[i][:8])]
    return "<br>".join([head, *alts])


def engine_strip(path: EnginePath, line_chars: int = LINE_CHARS) -> go.Figure:
    """Tokens the engine drew, coloured by the raw model's probability of each; hover shows alternatives."""
    xs, lines, widths = _layout_pieces(path.pieces, line_chars)
    fig = go.Figure(go.Bar(
        base=xs, x=widths, y=lines, orientation="h",
        marker=dict(color=path.p_chosen, colorscale=PROB_SCALE, cmin=0, cmax=1, line=dict(color="white", width=1)),
        text=[safe_label(show_piece(p), LABEL_CHARS) for p in path.pieces], textposition="inside",
        insidetextanchor="middle", textangle=0, constraintext="none", textfont=dict(color="#111", size=14),
        hovertext=[_hover(path, i) for i in range(len(path.pieces))], hoverinfo="text"))
    n_lines = max(lines) + 1 if lines else 1
    fig.update_yaxes(autorange="reversed", visible=False, range=[n_lines - 0.5, -0.5])
    fig.update_xaxes(visible=False, range=[0, line_chars + 1])
    fig.update_layout(bargap=0.12, uniformtext=dict(minsize=11, mode="show"), dragmode=False)
    return base_layout(fig, height=30 + 38 * n_lines)
