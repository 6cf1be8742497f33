"""Figures for the neural-net playground: boundary, neuron maps, network, losses, digits.

Colours follow TF Playground: orange is class 0 / negative, blue is class 1 /
positive; extra classes get their own colours. Class names from a user's CSV
pass through `safe_label` before they reach any label or hover text.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.core.figures import base_layout, safe_label
from explorer.playground.datasets import EXTENT, Dataset2D
from explorer.playground.digits import DigitActivations, DigitsResult
from explorer.playground.inspect import BackpropStep, NeuronMaps, PointTrace, node_names
from explorer.playground.network import NetConfig, Snapshot

CLASS_COLOURS = ("#F59322", "#0877BD", "#2CA02C", "#D62728", "#9467BD", "#8C564B")
DIVERGING = [[0.0, "#F59322"], [0.5, "#FFFFFF"], [1.0, "#0877BD"]]
AXIS = dict(range=[-EXTENT, EXTENT], zeroline=False, showgrid=False, constrain="domain")


def _class_scale(k: int) -> list:
    """A colorscale of k bands, each white -> class colour, for z = class + confidence."""
    scale = []
    for c in range(k):
        scale += [[c / k, "#FFFFFF"], [(c + 1) / k - 1e-6, CLASS_COLOURS[c]]]
    scale[-1][0] = 1.0
    return scale


def _background(maps: NeuronMaps, task: str, names: tuple[str, ...]) -> go.Heatmap:
    out, axis = maps.output, maps.axis
    if task == "regression":
        vmax = max(1e-6, float(np.abs(out).max()))
        return go.Heatmap(x=axis, y=axis, z=out[..., 0], colorscale=DIVERGING, zmid=0, zmin=-vmax, zmax=vmax,
                          showscale=False, hovertemplate="x1=%{x:.2f}, x2=%{y:.2f}<br>prediction %{z:.3f}<extra></extra>")
    k = out.shape[-1]
    cls = out.argmax(-1)
    confidence = (out.max(-1) - 1 / k) / (1 - 1 / k)  # 0 at a tie, 1 when certain
    z = cls + np.clip(confidence, 0, 0.999) * 0.85
    probs = " · ".join(f"P({safe_label(n, 12)})=%{{customdata[{c}]:.2f}}" for c, n in enumerate(names))
    return go.Heatmap(x=axis, y=axis, z=z, zmin=0, zmax=k, colorscale=_class_scale(k), showscale=False,
                      customdata=out.astype(np.float32),
                      hovertemplate=f"x1=%{{x:.2f}}, x2=%{{y:.2f}}<br>{probs}<extra></extra>")


def _points(x: np.ndarray, y: np.ndarray, task: str, names, label: str, hollow: bool) -> list[go.Scatter]:
    line = dict(color="#333333" if hollow else "#FFFFFF", width=1.5 if hollow else 1)
    if task == "regression":
        vmax = max(1e-6, float(np.abs(y).max())) if len(y) else 1.0
        return [go.Scatter(x=x[:, 0], y=x[:, 1], mode="markers", name=label,
                           marker=dict(color=y, colorscale=DIVERGING, cmin=-vmax, cmax=vmax, size=7, line=line),
                           hovertemplate=f"{label}<br>x1=%{{x:.2f}}, x2=%{{y:.2f}}<br>y=%{{marker.color:.3f}}<extra></extra>")]
    traces = []
    for c, name in enumerate(names):
        pts = x[y == c]
        tag = f"{label} · {safe_label(name, 20)}"
        traces.append(go.Scatter(x=pts[:, 0], y=pts[:, 1], mode="markers", name=tag,
                                 marker=dict(color=CLASS_COLOURS[c], size=7, line=line,
                                             symbol="circle-open-dot" if hollow else "circle"),
                                 hovertemplate=f"{tag}<br>x1=%{{x:.2f}}, x2=%{{y:.2f}}<extra></extra>"))
    return traces


def boundary_figure(maps: NeuronMaps, data: Dataset2D, title: str = "", show_test: bool = True,
                    height: int = 440) -> go.Figure:
    """The network's output over the canvas with the train (filled) and test (ringed) points."""
    fig = go.Figure(_background(maps, data.task, data.class_names))
    fig.add_traces(_points(data.x_train, data.y_train, data.task, data.class_names, "train", False))
    if show_test and len(data.x_test):
        fig.add_traces(_points(data.x_test, data.y_test, data.task, data.class_names, "test", True))
    fig.update_xaxes(AXIS, title="x1")
    fig.update_yaxes(AXIS, title="x2", scaleanchor="x")
    fig.update_layout(legend=dict(orientation="h", y=-0.15), showlegend=True)
    return base_layout(fig, title, height)


def loss_figure(history: list[Snapshot], task: str, height: int = 220) -> go.Figure:
    """Train and test loss per saved epoch."""
    epochs = [s.epoch for s in history]
    fig = go.Figure()
    fig.add_scatter(x=epochs, y=[s.train_loss for s in history], name="train loss", line=dict(color="#1F2330"))
    fig.add_scatter(x=epochs, y=[s.test_loss for s in history], name="test loss", line=dict(color="#E4572E", dash="dot"))
    fig.update_xaxes(title="epoch")
    fig.update_yaxes(title="cross-entropy" if task == "classification" else "mean squared error", rangemode="tozero")
    fig.update_layout(legend=dict(orientation="h", y=1.15))
    return base_layout(fig, "", height)


def neuron_maps_figure(maps: NeuronMaps, net: NetConfig, stride: int = 3, gap: int = 3) -> go.Figure:
    """Every input feature and hidden neuron as a small map, one row per layer, in one heatmap."""
    rows = [maps.inputs] + list(maps.hidden)
    names = node_names(net)[:-1]
    tile = maps.inputs[0, ::stride, ::stride].shape[0]
    width = max(len(r) for r in rows)
    z = np.full((len(rows) * (tile + gap), width * (tile + gap)), np.nan)
    raw = np.full(z.shape, np.nan)
    fig, notes = go.Figure(), []
    for r, layer in enumerate(rows):
        for c, m in enumerate(layer):
            small = m[::stride, ::stride]
            top, left = (len(rows) - 1 - r) * (tile + gap), c * (tile + gap)
            z[top:top + tile, left:left + tile] = small / max(1e-9, float(np.abs(small).max()))
            raw[top:top + tile, left:left + tile] = small
            notes.append(dict(x=left + tile / 2, y=top + tile, text=names[r][c], showarrow=False,
                              yanchor="bottom", font=dict(size=11)))
    fig.add_heatmap(z=z.astype(np.float32), customdata=raw.astype(np.float32), colorscale=DIVERGING, zmin=-1,
                    zmax=1, showscale=False, hovertemplate="value %{customdata:.3f}<extra></extra>", hoverongaps=False)
    fig.update_layout(annotations=notes)  # one call: add_annotation per tile is quadratic in plotly
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    return base_layout(fig, "", 70 + 95 * len(rows))


def _fmt(v: float) -> str:
    return f"{v:.3g}" if v >= 0 else f"({v:.3g})"


def _formula(name: str, w: np.ndarray, b: float, in_names: list[str], a_in: np.ndarray, z: float,
             out: float, fn: str) -> str:
    """Hover text: the neuron's formula, then the same with this point's numbers plugged in."""
    symbolic = " + ".join(f"{_fmt(wi)}·{n}" for wi, n in zip(w, in_names)) + f" + {_fmt(b)}"
    numeric = " + ".join(f"{_fmt(wi)}·{_fmt(ai)}" for wi, ai in zip(w, a_in)) + f" + {_fmt(b)}"
    return (f"<b>{name}</b> = {fn}(z)<br>z = {symbolic}<br>at this point: z = {numeric} = {z:.3f}"
            f"<br>{name} = {fn}({z:.3f}) = <b>{out:.3f}</b>")


def _positions(sizes: tuple[int, ...]) -> list[np.ndarray]:
    return [np.linspace((n - 1) / 2, -(n - 1) / 2, n) if n > 1 else np.zeros(1) for n in sizes]  # first on top


def _edge_traces(snap: Snapshot, ys: list[np.ndarray], names, trace: PointTrace) -> list[go.Scatter]:
    """Edges grouped by sign and width bucket (few traces, fast), plus hoverable midpoints."""
    vmax = max(1e-9, max(float(np.abs(w).max()) for w in snap.weights))
    groups: dict[tuple[bool, int], tuple[list, list]] = {}
    mids_x, mids_y, hover, colours = [], [], [], []
    for l, w in enumerate(snap.weights):
        a_in = trace.inputs if l == 0 else trace.post[l - 1]
        for j in range(w.shape[0]):
            for i in range(w.shape[1]):
                key = (w[j, i] >= 0, int(round(5 * min(abs(w[j, i]) / vmax, 1))))
                xs, yy = groups.setdefault(key, ([], []))
                xs += [l, l + 1, None]
                yy += [ys[l][i], ys[l + 1][j], None]
                mids_x.append(l + 0.5)
                mids_y.append((ys[l][i] + ys[l + 1][j]) / 2)
                hover.append(f"weight {names[l][i]} → {names[l + 1][j]} = <b>{w[j, i]:.4f}</b><br>"
                             f"at this point it adds {w[j, i]:.3f} × {a_in[i]:.3f} = {w[j, i] * a_in[i]:.3f}")
                colours.append(CLASS_COLOURS[1] if w[j, i] >= 0 else CLASS_COLOURS[0])
    traces = [go.Scatter(x=xs, y=yy, mode="lines", hoverinfo="skip", showlegend=False,
                         line=dict(color=CLASS_COLOURS[1] if pos else CLASS_COLOURS[0], width=0.6 + 1.3 * b),
                         opacity=0.35 + 0.12 * b)
              for (pos, b), (xs, yy) in sorted(groups.items())]
    traces.append(go.Scatter(x=mids_x, y=mids_y, mode="markers", marker=dict(size=7, color=colours, opacity=0.25),
                             hovertext=hover, hoverinfo="text", showlegend=False))
    return traces


def network_figure(snap: Snapshot, net: NetConfig, trace: PointTrace, class_names: tuple[str, ...] = (),
                   height: int = 420) -> go.Figure:
    """Neurons as dots coloured by their value at the traced point; edges by weight sign and size."""
    names = [[safe_label(n, 16) for n in layer] for layer in node_names(net, class_names)]
    ys = _positions(net.sizes)
    fig = go.Figure(_edge_traces(snap, ys, names, trace))
    point = f"(x1={trace.point[0]:.2f}, x2={trace.point[1]:.2f})"
    xs, yy, labels, hovers, values = [], [], [], [], []
    for l, layer in enumerate(names):
        if l == 0:
            vals = trace.inputs
            hover = [f"<b>{n}</b> at {point} = <b>{v:.3f}</b>" for n, v in zip(layer, vals)]
        else:
            vals, last = trace.post[l - 1], l == len(names) - 1
            fn = ("softmax" if net.task == "classification" else "identity") if last else net.activation
            a_in = trace.inputs if l == 1 else trace.post[l - 2]
            hover = [_formula(n, snap.weights[l - 1][j], float(snap.biases[l - 1][j]), names[l - 1], a_in,
                              float(trace.pre[l - 1][j]), float(vals[j]), fn) for j, n in enumerate(layer)]
        xs += [l] * len(layer)
        yy += list(ys[l])
        labels += layer
        hovers += hover
        values += [float(v) for v in vals]
    fig.add_scatter(x=xs, y=yy, mode="markers+text", text=labels, textposition="top center", hovertext=hovers,
                    hoverinfo="text", showlegend=False,
                    marker=dict(size=22, color=values, colorscale=DIVERGING, cmid=0, line=dict(color="#555", width=1)))
    fig.update_xaxes(visible=False, range=[-0.4, len(names) - 0.6])
    fig.update_yaxes(visible=False)
    fig.update_layout(hoverlabel=dict(align="left"))
    return base_layout(fig, f"Values at {point}", height)


def backprop_figure(step: BackpropStep, net: NetConfig, class_names: tuple[str, ...] = ()) -> go.Figure:
    """Gradient dL/dw on every weight, one heatmap per layer (rows: to-neuron, cols: from-neuron)."""
    names = [[safe_label(n, 16) for n in layer] for layer in node_names(net, class_names)]
    fig = make_subplots(rows=1, cols=len(step.grads), horizontal_spacing=0.06,
                        subplot_titles=[f"into hidden layer {l + 1}" if l < len(step.grads) - 1 else "into the outputs"
                                        for l in range(len(step.grads))])
    gmax = max(1e-12, max(float(np.abs(g).max()) for g in step.grads))
    for l, g in enumerate(step.grads):
        fig.add_heatmap(z=g, x=names[l], y=names[l + 1], zmin=-gmax, zmax=gmax, colorscale=DIVERGING, row=1, col=l + 1,
                        showscale=l == 0, texttemplate="%{z:.2g}", textfont=dict(size=9),
                        hovertemplate="dL/dw(%{x} → %{y}) = %{z:.4g}<extra></extra>")
    return base_layout(fig, "", 300)


def draw_figure(points: list[tuple[float, float, int]], grid: int = 49, height: int = 430) -> go.Figure:
    """A canvas of invisible clickable grid points (trace 0) under the points drawn so far."""
    axis = np.linspace(-EXTENT + 0.25, EXTENT - 0.25, grid)
    g1, g2 = np.meshgrid(axis, axis)
    invisible = dict(marker=dict(opacity=0))
    fig = go.Figure(go.Scatter(x=g1.ravel(), y=g2.ravel(), mode="markers", name="canvas",
                               marker=dict(size=9, color="#000", opacity=0), selected=invisible,
                               unselected=invisible, hovertemplate="add at x1=%{x:.1f}, x2=%{y:.1f}<extra></extra>",
                               showlegend=False))
    arr = np.asarray(points, dtype=float).reshape(-1, 3)
    for c in sorted({int(v) for v in arr[:, 2]}):
        pts = arr[arr[:, 2] == c]
        fig.add_scatter(x=pts[:, 0], y=pts[:, 1], mode="markers", name=f"class {c}", hoverinfo="skip",
                        marker=dict(color=CLASS_COLOURS[c], size=9, line=dict(color="#fff", width=1)))
    fig.update_xaxes(AXIS, title="x1", fixedrange=True)
    fig.update_yaxes(AXIS, title="x2", scaleanchor="x", fixedrange=True)
    # pan (on fixed axes) leaves a plain click free to select one grid point; box/lasso are in the toolbar
    fig.update_layout(dragmode="pan", clickmode="event+select", legend=dict(orientation="h", y=-0.15),
                      plot_bgcolor="#F7F7FA")
    return base_layout(fig, "", height)


def confusion_figure(result: DigitsResult) -> go.Figure:
    """Test-set confusion matrix: rows are the true digit, columns the network's answer."""
    digits = [str(d) for d in range(10)]
    fig = go.Figure(go.Heatmap(z=result.confusion, x=digits, y=digits, colorscale="Blues", showscale=False,
                               texttemplate="%{z}", hovertemplate="true %{y}, predicted %{x}: %{z} images<extra></extra>"))
    fig.update_xaxes(title="predicted digit", side="top", type="category")
    fig.update_yaxes(title="true digit", autorange="reversed", type="category", scaleanchor="x")
    return base_layout(fig, "", 400)


def digit_figure(act: DigitActivations) -> go.Figure:
    """The image, its hidden activations, and the output probabilities, side by side."""
    fig = make_subplots(rows=1, cols=3, column_widths=[0.25, 0.45, 0.3], horizontal_spacing=0.07,
                        subplot_titles=["input (8x8 pixels)", f"{len(act.hidden)} hidden activations",
                                        "output probabilities"])
    fig.add_heatmap(z=act.image, colorscale="Greys", zmin=0, zmax=1, showscale=False, row=1, col=1,
                    hovertemplate="row %{y}, col %{x}: %{z:.2f}<extra></extra>")
    order = np.arange(len(act.hidden))
    fig.add_bar(x=order, y=act.hidden, row=1, col=2, marker_color=np.where(act.hidden >= 0, "#0877BD", "#F59322"),
                hovertemplate="neuron %{x}: %{y:.3f}<extra></extra>", showlegend=False)
    fig.add_bar(x=list(range(10)), y=act.probs, row=1, col=3, showlegend=False,
                marker_color=["#4F46E5" if d == act.pred else "#B8BCD0" for d in range(10)],
                hovertemplate="P(%{x}) = %{y:.3f}<extra></extra>")
    fig.update_yaxes(autorange="reversed", scaleanchor="x", row=1, col=1, showticklabels=False)
    fig.update_xaxes(showticklabels=False, row=1, col=1)
    fig.update_xaxes(title="hidden neuron", row=1, col=2)
    fig.update_xaxes(title="digit", dtick=1, row=1, col=3)
    fig.update_yaxes(range=[0, 1], row=1, col=3)
    return base_layout(fig, "", 300)


def neuron_weights_figure(w1: np.ndarray, hidden: np.ndarray, top: int = 6) -> go.Figure:
    """The input weights (as 8x8 pictures) of the hidden neurons most active for this digit."""
    picks = np.argsort(-hidden)[:top]
    fig = make_subplots(rows=1, cols=len(picks), horizontal_spacing=0.02,
                        subplot_titles=[f"#{j}: {hidden[j]:.2f}" for j in picks])
    vmax = float(np.abs(w1[picks]).max()) or 1.0
    for c, j in enumerate(picks):
        fig.add_heatmap(z=w1[j].reshape(8, 8), colorscale=DIVERGING, zmin=-vmax, zmax=vmax, showscale=False,
                        row=1, col=c + 1, hovertemplate=f"neuron {j}: weight %{{z:.3f}}<extra></extra>")
        fig.update_yaxes(autorange="reversed", scaleanchor=f"x{c + 1 if c else ''}", showticklabels=False,
                         row=1, col=c + 1)
        fig.update_xaxes(showticklabels=False, row=1, col=c + 1)
    return base_layout(fig, "", 190)
