"""Figures for the Embedding space page: projection scatter (WebGL / 3-D),
analogy parallelogram, semantic axes, neighbour bars, layer similarity."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative

from explorer.core.figures import base_layout, safe_label

PALETTE = qualitative.Plotly
BACKGROUND = "rgba(120,120,140,0.35)"
MAX_TEXT_LABELS = 300  # beyond this, names only on hover (text would be unreadable)


def _trace(coords: np.ndarray, names, *, text: bool, color: str, size: float,
           name: str, symbol: str = "circle", short=None) -> go.BaseTraceType:
    """One marker trace: Scatter3d for 3-D, Scattergl (WebGL) for 2-D.

    `names` go in the hover; `short` (default: names) are drawn next to points.
    """
    mode = "markers+text" if text else "markers"
    marker = dict(color=color, size=size, symbol=symbol)
    shown = names if short is None else short
    common = dict(mode=mode, text=shown if text else None, hovertext=names, hoverinfo="text",
                  name=name, marker=marker, textposition="top center")
    if coords.shape[1] == 3:
        marker.pop("symbol")  # 3-D has its own, smaller symbol set
        return go.Scatter3d(x=coords[:, 0], y=coords[:, 1], z=coords[:, 2], **common)
    return go.Scattergl(x=coords[:, 0], y=coords[:, 1], **common)


def projection_figure(coords: np.ndarray, labels: list[str], groups: list[str],
                      focus: np.ndarray | None = None, title: str = "", text_len: int = 60) -> go.Figure:
    """Points [point, dims] coloured by group; `focus` [point] bool marks named points (None: all).

    Unfocused points (background words) are small and grey, named on hover only.
    Drawn names are cut to `text_len` characters; the hover shows up to 200.
    """
    if focus is None:
        focus = np.ones(len(labels), dtype=bool)
    names = np.array([safe_label(t, 200) for t in labels], dtype=object)  # arrays: fast validation
    short = names if text_len >= 200 else np.array([safe_label(t, text_len) for t in labels],
                                                   dtype=object)
    fig = go.Figure()
    back = ~focus
    if back.any():
        idx = np.flatnonzero(back)
        fig.add_trace(_trace(coords[idx], names[idx], text=False,
                             color=BACKGROUND, size=3 if coords.shape[1] == 2 else 2,
                             name=f"background ({len(idx):,})"))
    fg = np.flatnonzero(focus)
    show_text = len(fg) <= MAX_TEXT_LABELS
    for g_i, group in enumerate(dict.fromkeys(groups[i] for i in fg)):
        idx = [i for i in fg if groups[i] == group]
        fig.add_trace(_trace(coords[idx], names[idx], text=show_text, short=short[idx],
                             color=PALETTE[g_i % len(PALETTE)], size=9 if coords.shape[1] == 2 else 5,
                             name=safe_label(group or "points", 30)))
    return _finish(fig, coords.shape[1], title)


def _finish(fig: go.Figure, dims: int, title: str) -> go.Figure:
    base_layout(fig, title, height=560)
    fig.update_layout(legend=dict(orientation="h", y=-0.08), hoverlabel=dict(namelength=-1))
    if dims == 2:
        fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig


def analogy_figure(coords: np.ndarray, labels: list[str], roles: list[str]) -> go.Figure:
    """The parallelogram b -> a and c -> answer, plus where a - b + c landed.

    coords [point, dims]; roles name each point: "a", "b", "c", "answer",
    "target" (the computed vector) or "other" (runner-up answers).
    """
    at = {r: i for i, r in enumerate(roles) if r != "other"}
    fig = go.Figure()
    names = [safe_label(t, 60) for t in labels]
    dims = coords.shape[1]
    for (p, q), dash, name in [(("b", "a"), "solid", "offset b → a"),
                               (("c", "answer"), "solid", "same offset c → answer"),
                               (("b", "c"), "dot", "b → c"), (("a", "answer"), "dot", "a → answer")]:
        if p in at and q in at:
            seg = coords[[at[p], at[q]]]
            line = dict(color="#4F46E5" if dash == "solid" else "#9CA3AF", width=3, dash=dash)
            xyz = dict(x=seg[:, 0], y=seg[:, 1], **({"z": seg[:, 2]} if dims == 3 else {}))
            cls = go.Scatter3d if dims == 3 else go.Scatter
            fig.add_trace(cls(mode="lines", line=line, name=name, hoverinfo="skip", **xyz))
    style = {"a": "#2563EB", "b": "#2563EB", "c": "#059669", "answer": "#DC2626",
             "target": "#F59E0B", "other": "#9CA3AF"}
    for role in ("a", "b", "c", "answer", "target", "other"):
        idx = [i for i, r in enumerate(roles) if r == role]
        if idx:
            sym = "star" if role == "target" and dims == 2 else "circle"
            fig.add_trace(_trace(coords[idx], [names[i] for i in idx], text=True,
                                 color=style[role], size=14 if dims == 2 else 6,
                                 name=role if role != "target" else "a − b + c", symbol=sym))
    return _finish(fig, dims, "")


def axes_figure(coords: np.ndarray, words: list[str], axis_names: list[str]) -> go.Figure:
    """Words on one or two semantic axes; coords [word, axis] are cosines."""
    names = [safe_label(w, 60) for w in words]
    y = coords[:, 1] if coords.shape[1] > 1 else np.zeros(len(words))
    fig = go.Figure(go.Scatter(x=coords[:, 0], y=y, mode="markers+text", text=names,
                               textposition="top center", hovertext=names,
                               marker=dict(size=10, color="#4F46E5")))
    base_layout(fig, "", height=520)
    fig.add_vline(x=0, line_color="#D1D5DB")
    fig.update_xaxes(title=safe_label(axis_names[0], 80) + "  (cosine)", zeroline=False)
    if coords.shape[1] > 1:
        fig.add_hline(y=0, line_color="#D1D5DB")
        fig.update_yaxes(title=safe_label(axis_names[1], 80) + "  (cosine)", zeroline=False)
    else:
        fig.update_yaxes(visible=False)
        fig.update_layout(height=260)
    return fig


def neighbours_figure(words: list[str], scores: np.ndarray, metric: str) -> go.Figure:
    """Horizontal bars, nearest at the top; cosine similarity or euclidean distance."""
    names = [safe_label(w, 40) for w in words]
    fig = go.Figure(go.Bar(x=scores, y=names, orientation="h", marker_color="#4F46E5",
                           text=[f"{s:.3f}" for s in scores], textposition="auto"))
    base_layout(fig, "", height=max(260, 26 * len(words) + 60))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="cosine similarity (higher = closer)" if metric == "cosine"
                     else "euclidean distance (lower = closer)")
    return fig


def similarity_figure(sim: np.ndarray, labels: list[str]) -> go.Figure:
    """Cosine between occurrences at one layer: [sentence, sentence] heatmap."""
    names = [f"{i + 1}. {safe_label(t, 24)}" for i, t in enumerate(labels)]
    fig = go.Figure(go.Heatmap(z=sim, x=names, y=names, zmin=min(0.0, float(sim.min())), zmax=1,
                               colorscale="Viridis", text=[[f"{v:.2f}" for v in row] for row in sim],
                               texttemplate="%{text}", textfont=dict(size=12),
                               hovertemplate="%{y} vs %{x}: %{z:.3f}<extra></extra>"))
    base_layout(fig, "", height=420)
    fig.update_yaxes(autorange="reversed")
    return fig


def separation_figure(separation: np.ndarray, layer: int) -> go.Figure:
    """Per layer [layer]: within-sense minus across-sense mean cosine, chosen layer marked."""
    layers = np.arange(len(separation))
    fig = go.Figure(go.Scatter(x=layers, y=separation, mode="lines+markers", name="separation",
                               line=dict(color="#4F46E5")))
    if 0 <= layer < len(separation):
        fig.add_trace(go.Scatter(x=[layer], y=[separation[layer]], mode="markers", name="this layer",
                                 marker=dict(size=14, color="#DC2626")))
    base_layout(fig, "", height=300)
    fig.update_xaxes(title="layer (0 = input embedding + position)", dtick=1 if len(layers) < 12 else 5)
    fig.update_yaxes(title="same-sense − other-sense cosine")
    fig.update_layout(showlegend=False)
    return fig
