"""Figures for the Search and answer page: the chunk map, the scores, the recall sweep.

Renderers take computed data only; every label goes through safe_label
because chunk headings come from user files.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.core.figures import base_layout, safe_label
from explorer.rag.index import KIND_TITLES, Sweep

ROLE_STYLE = {  # role -> (legend name, colour, size, symbol)
    "chunk": ("other chunks", "rgba(120,120,140,0.45)", 7, "circle"),
    "random": ("random chunks", "#F59E0B", 11, "diamond"),
    "retrieved": ("retrieved chunks", "#2563EB", 12, "circle"),
    "question": ("the question", "#DC2626", 18, "star"),
}
KIND_COLOURS = {"flat": "#111827", "ivf": "#2563EB", "hnsw": "#059669"}


def map_figure(coords: np.ndarray, names: list[str], roles: list[str], title: str = "") -> go.Figure:
    """Chunks and the question in 2-D; coords [point, 2], names and roles [point].

    roles are "chunk", "retrieved", "random" or "question"; a chunk both
    retrieved and random is drawn as retrieved.
    """
    fig = go.Figure()
    for role, (legend, colour, size, symbol) in ROLE_STYLE.items():
        idx = [i for i, r in enumerate(roles) if r == role]
        if not idx:
            continue
        hover = [safe_label(names[i], 120) for i in idx]
        fig.add_trace(go.Scatter(
            x=coords[idx, 0], y=coords[idx, 1], mode="markers", name=legend, hovertext=hover,
            hoverinfo="text", marker=dict(color=colour, size=size, symbol=symbol,
                                          line=dict(width=1, color="white"))))
    base_layout(fig, title, height=460)
    fig.update_layout(legend=dict(orientation="h", y=-0.12), hoverlabel=dict(namelength=-1))
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig


def scores_figure(retrieved: np.ndarray, random: np.ndarray, names_retrieved: list[str],
                  names_random: list[str]) -> go.Figure:
    """Cosine of each retrieved [k] and random [k] chunk with the question, as bars."""
    fig = go.Figure()
    for scores, names, legend, colour in ((retrieved, names_retrieved, "retrieved", "#2563EB"),
                                          (random, names_random, "random", "#F59E0B")):
        labels = [f"{legend} {i + 1}" for i in range(len(scores))]
        fig.add_trace(go.Bar(x=np.asarray(scores), y=labels, orientation="h", name=legend,
                             marker_color=colour, hovertext=[safe_label(n, 80) for n in names],
                             hoverinfo="text+x"))
    base_layout(fig, "", height=120 + 28 * (len(retrieved) + len(random)))
    fig.update_layout(showlegend=False, xaxis_title="cosine similarity with the question",
                      xaxis_range=[min(0.0, float(np.min(random, initial=0))) - 0.05, 1.0])
    fig.update_yaxes(autorange="reversed")
    return fig


def sweep_figure(sweeps: list[Sweep], k: int) -> go.Figure:
    """Recall@k against time per query as each approximate index searches harder."""
    fig = go.Figure()
    for sw in sweeps:
        labels = [safe_label(f"{sw.knob}={v}") for v in sw.values]
        fig.add_trace(go.Scatter(x=sw.ms_per_query * 1000, y=sw.recall, mode="lines+markers+text",
                                 text=[str(v) for v in sw.values], textposition="top center",
                                 textfont=dict(size=10),
                                 hovertext=labels, hoverinfo="text+x+y", name=KIND_TITLES[sw.kind],
                                 line=dict(color=KIND_COLOURS[sw.kind])))
    if sweeps:
        fig.add_trace(go.Scatter(x=[sweeps[0].exact_ms * 1000], y=[1.0], mode="markers+text",
                                 text=["exact"], textposition="bottom center",
                                 name=KIND_TITLES["flat"],
                                 marker=dict(color=KIND_COLOURS["flat"], size=12, symbol="square")))
    base_layout(fig, "", height=380)
    fig.update_layout(xaxis_title="microseconds per query (median)", yaxis_title=f"recall@{k}",
                      yaxis_range=[0, 1.08], legend=dict(orientation="h", y=-0.2))
    return fig
