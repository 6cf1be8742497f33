"""Attention figures: heatmaps, top-k edges, the layers x heads grid, head tags.

Every label built from token text goes through `safe_label`; figures take
arrays and token tuples only. Weights may arrive as float16 (the page keeps
runs that way); every figure sends float32 or smaller. Large inputs: the
heatmap sends float32 arrays (plotly encodes them as base64), the edge view
sends k points per query.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.core.figures import base_layout, safe_label

SEQ = "Blues"
DIV = "RdBu_r"  # reversed: positive (B looks more) is red
TAG_COLORS = {"previous-token": "#4c78a8", "first-token/sink": "#9d9d9d", "self": "#f58518",
              "broad": "#54a24b", "mixed": "#e0e0e0"}
TAG_SHORT = {"previous-token": "prev", "first-token/sink": "sink", "self": "self",
             "broad": "broad", "mixed": "·"}
THUMB = 24  # thumbnails are pooled to at most THUMB x THUMB cells


def token_labels(tokens: tuple[str, ...], max_len: int = 16) -> list[str]:
    """Unique, escaped axis labels: 'position token' (plotly merges equal categories)."""
    return [f"{i} {safe_label(t, max_len)}" for i, t in enumerate(tokens)]


def heatmap(matrix: np.ndarray, tokens: tuple[str, ...], *, title: str = "", causal: bool = False,
            diverging: bool = False, hidden: np.ndarray | None = None, height: int = 560,
            key_tokens: tuple[str, ...] | None = None) -> go.Figure:
    """A [query_pos, key_pos] heatmap with token labels.

    causal: keys after the query are drawn as grey 'masked' cells (not 0s).
    diverging: a red/blue scale centred at 0, for differences.
    hidden: [key_pos] bool columns that were removed (shown grey).
    key_tokens: the keys' tokens when they differ from the queries' (cross-attention).
    """
    n = matrix.shape[0]
    z = matrix.astype(np.float32, copy=True)
    if causal:
        z[np.triu_indices(n, k=1, m=z.shape[1])] = np.nan
    if hidden is not None:
        z[:, hidden] = np.nan
    labels = token_labels(tokens)
    keys = labels if key_tokens is None else token_labels(key_tokens)
    limit = float(np.nanmax(np.abs(z))) if np.isfinite(z).any() else 1.0
    trace = go.Heatmap(
        z=z, x=keys, y=labels, colorscale=DIV if diverging else SEQ, hoverongaps=False,
        zmid=0 if diverging else None, zmin=-limit if diverging else 0, zmax=limit if diverging else None,
        hovertemplate="query %{y}<br>key %{x}<br>weight %{z:.4f}<extra></extra>",
        colorbar=dict(title="Δ weight" if diverging else "weight", thickness=12),
    )
    fig = go.Figure(trace)
    fig.update_yaxes(autorange="reversed", title="query (the token doing the looking)", type="category",
                     showgrid=False)
    fig.update_xaxes(title="key (the token looked at)", type="category", tickangle=-60, showgrid=False)
    fig.update_layout(plot_bgcolor="#d9d9d9" if (causal or hidden is not None) else "white")
    return base_layout(fig, title, height)


def edges_figure(query: np.ndarray, key: np.ndarray, weight: np.ndarray, tokens: tuple[str, ...],
                 *, title: str = "", height: int = 640) -> go.Figure:
    """Top-k edges of a long input as points: x = key, y = query, colour/size = weight."""
    labels = token_labels(tokens, 20)
    hover = [f"query {labels[q]}<br>key {labels[k]}" for q, k in zip(query.tolist(), key.tolist())]
    size = 3 + 9 * np.sqrt(weight / max(float(weight.max(initial=0)), 1e-9))
    fig = go.Figure(go.Scattergl(
        x=key, y=query, mode="markers", hovertext=hover,
        marker=dict(color=weight, colorscale=SEQ, cmin=0, size=size, colorbar=dict(title="weight")),
        hovertemplate="%{hovertext}<br>weight %{marker.color:.4f}<extra></extra>",
    ))
    n = len(tokens)
    fig.update_yaxes(autorange="reversed", title="query position", range=[n, -1])
    fig.update_xaxes(title="key position", range=[-1, n])
    return base_layout(fig, title, height)


def _pool(matrix: np.ndarray, size: int) -> np.ndarray:
    """Max-pool a [q, k] matrix down to at most size x size (keeps strong cells visible)."""
    for axis in (0, 1):
        n = matrix.shape[axis]
        if n > size:
            edges = np.linspace(0, n, size + 1).astype(int)
            matrix = np.maximum.reduceat(matrix, edges[:-1], axis=axis)
    return matrix


def grid_figure(weights: np.ndarray, tags: np.ndarray | None = None, *,
                selected: tuple[int, int] = (0, 0)) -> go.Figure:
    """All heads as thumbnails in one mosaic: rows = layers, columns = heads.

    weights: [layer, head, q, k] (k may differ from q: cross-attention). Each
    thumbnail is pooled to <= THUMB cells a side; a transparent marker sits on
    each so a click selects (layer, head).
    """
    layers, heads, n, n_keys = weights.shape
    side = min(max(n, n_keys), THUMB)
    cell = side + 1  # one blank row/column between thumbnails
    # uint8 (0-255) instead of float32: a quarter of the bytes, and the grid has no hover values.
    mosaic = np.zeros((layers * cell, heads * cell), dtype=np.uint8)
    for layer in range(layers):
        for head in range(heads):
            thumb = _pool(weights[layer, head], side)  # [<= side, <= side]
            rows, cols = thumb.shape
            mosaic[layer * cell:layer * cell + rows, head * cell:head * cell + cols] = \
                np.round(np.clip(thumb, 0, 1) * 255)
    fig = go.Figure(go.Heatmap(z=mosaic, colorscale=SEQ, showscale=False, hoverinfo="skip", zmin=0, zmax=255))
    fig.add_trace(_grid_markers(layers, heads, cell, side, tags))
    sel_l, sel_h = selected
    fig.add_shape(type="rect", x0=sel_h * cell - 0.8, x1=sel_h * cell + side - 0.2,
                  y0=sel_l * cell - 0.8, y1=sel_l * cell + side - 0.2, line=dict(color="#e45756", width=3))
    fig.update_xaxes(tickvals=[h * cell + side / 2 for h in range(heads)], ticktext=[f"H{h}" for h in range(heads)],
                     side="top", showgrid=False, zeroline=False)
    fig.update_yaxes(tickvals=[l * cell + side / 2 for l in range(layers)], ticktext=[f"L{l}" for l in range(layers)],
                     autorange="reversed", showgrid=False, zeroline=False)
    # hoverdistance -1: a click anywhere on a thumbnail picks its (nearest) marker.
    fig.update_layout(clickmode="event+select", dragmode=False, showlegend=False, hovermode="closest",
                      hoverdistance=-1)
    return base_layout(fig, "", min(1800, 60 + layers * max(40, 900 // max(heads, 1) * side // cell)))


def _grid_markers(layers: int, heads: int, cell: int, side: int, tags: np.ndarray | None) -> go.Scatter:
    xs, ys, text = [], [], []
    for layer in range(layers):
        for head in range(heads):
            xs.append(head * cell + side / 2)
            ys.append(layer * cell + side / 2)
            tag = f"<br>pattern: {tags[layer, head]}" if tags is not None else ""
            text.append(f"layer {layer}, head {head}{tag}<br>click to enlarge")
    return go.Scatter(x=xs, y=ys, mode="markers", hovertext=text, hoverinfo="text",
                      marker=dict(size=max(8, side), color="rgba(0,0,0,0)", symbol="square"),
                      selected=dict(marker=dict(opacity=1)), unselected=dict(marker=dict(opacity=1)))


def tags_figure(tags: np.ndarray, scores: np.ndarray) -> go.Figure:
    """layers x heads map of measured head patterns, with the winning score on hover.

    tags: [layer, head] str; scores: [layer, head, 4] (prev, sink, self, broad).
    """
    names = list(TAG_COLORS)
    codes = np.vectorize(names.index)(tags).astype(float)
    layers, heads = tags.shape
    scale = []
    for i, name in enumerate(names):
        scale += [[i / len(names), TAG_COLORS[name]], [(i + 1) / len(names), TAG_COLORS[name]]]
    hover = [[f"L{l} H{h}: {tags[l, h]}<br>prev {scores[l, h, 0]:.2f} · sink {scores[l, h, 1]:.2f} · "
              f"self {scores[l, h, 2]:.2f} · entropy {scores[l, h, 3]:.2f}" for h in range(heads)]
             for l in range(layers)]
    text = [[TAG_SHORT[tags[l, h]] for h in range(heads)] for l in range(layers)]
    fig = go.Figure(go.Heatmap(z=codes, zmin=-0.5, zmax=len(names) - 0.5, colorscale=scale, showscale=False,
                               text=text, texttemplate="%{text}", hovertext=hover, hoverinfo="text",
                               xgap=2, ygap=2))
    fig.update_xaxes(tickvals=list(range(heads)), ticktext=[f"H{h}" for h in range(heads)], side="top")
    fig.update_yaxes(tickvals=list(range(layers)), ticktext=[f"L{l}" for l in range(layers)], autorange="reversed")
    return base_layout(fig, "", 80 + 22 * layers)


def focus_figure(rows: np.ndarray, tokens: tuple[str, ...], query: int, hidden: np.ndarray | None = None) -> go.Figure:
    """Where one query token looks at each layer: rows is [layer, key_pos] (head mean)."""
    z = rows.astype(np.float32, copy=True)
    if hidden is not None:
        z[:, hidden] = np.nan
    fig = go.Figure(go.Heatmap(
        z=z, x=token_labels(tokens), y=[f"L{l}" for l in range(rows.shape[0])], colorscale=SEQ,
        hoverongaps=False, hovertemplate="%{y} key %{x}<br>weight %{z:.3f}<extra></extra>", zmin=0))
    fig.update_yaxes(autorange="reversed", title="layer")
    fig.update_xaxes(type="category", tickangle=-60, title="key")
    return base_layout(fig, f"Where “{safe_label(tokens[query].strip())}” looks, layer by layer (mean of heads)",
                       170 + 22 * rows.shape[0])


def work_figure(tokens: tuple[str, ...], hand: np.ndarray, model: np.ndarray, query: int,
                key: int = -1, query_token: str | None = None) -> go.Figure:
    """The softmax row computed by hand (bars, the explained key in orange) beside the model's weights.

    tokens: the keys' tokens ([key_pos]); query_token: the query's own token when the queries are
    another sequence (cross-attention), else tokens[query].
    """
    labels = token_labels(tokens)
    colors = ["#f58518" if i == key else "#4c78a8" for i in range(len(tokens))]
    fig = go.Figure([
        go.Bar(x=labels, y=np.asarray(hand, np.float64), name="by hand: softmax(score)", marker_color=colors),
        go.Scatter(x=labels, y=np.asarray(model, np.float64), mode="markers", name="model's attention weights",
                   marker=dict(color="#e45756", size=9, symbol="x")),
    ])
    fig.update_xaxes(type="category", tickangle=-60)
    fig.update_layout(legend=dict(orientation="h", y=1.12), yaxis_title="weight")
    own = tokens[query] if query_token is None else query_token
    return base_layout(fig, f"Query {query} {safe_label(own)}: one softmax row", 360)
