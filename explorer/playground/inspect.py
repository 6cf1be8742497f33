"""Look inside a playground network: neuron maps, one point's forward pass,
one mini-batch of backprop, and exports (JSON, PyTorch code).

All of these read a `Snapshot` (plain numpy weights), so they work the same
for the live network and for any saved epoch in the history.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass

import numpy as np
import torch

from explorer.playground.datasets import EXTENT
from explorer.playground.network import _NP_ACT, NetConfig, Snapshot, Trainer, data_loss, penalty, transform


def forward_np(snap: Snapshot, net: NetConfig, feats: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Numpy forward pass: per layer pre-activations and outputs, each [points, neurons].

    The last layer's output is softmax probabilities (classification) or the value.
    """
    act, pres, posts = _NP_ACT[net.activation], [], []
    h = feats.astype(np.float64)
    for i, (w, b) in enumerate(zip(snap.weights, snap.biases)):
        z = h @ w.T.astype(np.float64) + b
        last = i == len(snap.weights) - 1
        if last and net.task == "classification":
            e = np.exp(z - z.max(axis=1, keepdims=True))
            h = e / e.sum(axis=1, keepdims=True)
        else:
            h = z if last else act(z)
        pres.append(z)
        posts.append(h)
    return pres, posts


@dataclass(frozen=True)
class NeuronMaps:
    """What every neuron outputs over the canvas grid."""

    axis: np.ndarray                # [grid] coordinates along x1 (and x2)
    inputs: np.ndarray              # [feature, grid_x2, grid_x1]
    hidden: tuple[np.ndarray, ...]  # per hidden layer [neuron, grid_x2, grid_x1]
    output: np.ndarray              # [grid_x2, grid_x1, outputs] probabilities or value


def neuron_maps(snap: Snapshot, net: NetConfig, grid: int = 50) -> NeuronMaps:
    """Evaluate the network on a grid x grid lattice over [-6, 6]^2."""
    axis = np.linspace(-EXTENT, EXTENT, grid)
    g1, g2 = np.meshgrid(axis, axis)  # rows follow x2, columns follow x1
    feats = transform(np.stack([g1.ravel(), g2.ravel()], axis=1), net.features)
    _, posts = forward_np(snap, net, feats)
    shape = (grid, grid)
    inputs = feats.T.reshape(-1, *shape)
    hidden = tuple(p.T.reshape(-1, *shape) for p in posts[:-1])
    return NeuronMaps(axis, inputs, hidden, posts[-1].reshape(*shape, -1))


@dataclass(frozen=True)
class PointTrace:
    """One point's forward pass, for hover text with the numbers plugged in."""

    point: np.ndarray                 # [2] raw coordinates x1, x2
    inputs: np.ndarray                # [features]
    pre: tuple[np.ndarray, ...]       # per layer [neurons], w·a + b
    post: tuple[np.ndarray, ...]      # per layer [neurons], after activation / softmax


def trace_point(snap: Snapshot, net: NetConfig, point: tuple[float, float]) -> PointTrace:
    """The forward pass of one point through `snap`."""
    x = np.asarray([point], dtype=np.float64)
    feats = transform(x, net.features)
    pres, posts = forward_np(snap, net, feats)
    return PointTrace(x[0], feats[0].astype(np.float64), tuple(p[0] for p in pres), tuple(p[0] for p in posts))


@dataclass(frozen=True)
class BackpropStep:
    """One mini-batch update: loss, gradient on every weight, weights before and after."""

    batch_size: int
    loss_before: float                   # data loss + penalty on this batch
    loss_after: float                    # the same batch, after the update
    weights_before: tuple[np.ndarray, ...]  # per layer [out, in]
    grads: tuple[np.ndarray, ...]           # per layer [out, in], dLoss/dW
    weights_after: tuple[np.ndarray, ...]   # per layer [out, in]
    bias_before: tuple[np.ndarray, ...]     # per layer [out]
    bias_grads: tuple[np.ndarray, ...]
    bias_after: tuple[np.ndarray, ...]

    @property
    def loss_change(self) -> float:
        """Batch loss after the update minus before (negative = the step helped)."""
        return self.loss_after - self.loss_before


def _batch_loss(model, trainer: Trainer, idx) -> torch.Tensor:
    out = model(trainer.x_train[idx])
    return data_loss(out, trainer.y_train[idx], trainer.net.task) + penalty(model, trainer.train_cfg)


def backprop_step(trainer: Trainer) -> BackpropStep:
    """Preview the next mini-batch update on a copy; the live network is not changed."""
    model = copy.deepcopy(trainer.model)
    opt = type(trainer.optimizer)(model.parameters(), **trainer.optimizer.defaults)
    opt.load_state_dict(trainer.optimizer.state_dict())  # keeps momentum / Adam moments
    idx = trainer.next_batch()
    before = [(l.weight.detach().cpu().numpy().copy(), l.bias.detach().cpu().numpy().copy()) for l in model.layers]
    opt.zero_grad()
    loss = _batch_loss(model, trainer, idx)
    loss.backward()
    grads = [(l.weight.grad.cpu().numpy().copy(), l.bias.grad.cpu().numpy().copy()) for l in model.layers]
    opt.step()
    with torch.no_grad():
        after_loss = float(_batch_loss(model, trainer, idx))
    after = [(l.weight.detach().cpu().numpy().copy(), l.bias.detach().cpu().numpy().copy()) for l in model.layers]
    return BackpropStep(len(idx), float(loss.detach()), after_loss,
                        tuple(w for w, _ in before), tuple(g for g, _ in grads), tuple(w for w, _ in after),
                        tuple(b for _, b in before), tuple(g for _, g in grads), tuple(b for _, b in after))


def node_names(net: NetConfig, class_names: tuple[str, ...] = ()) -> list[list[str]]:
    """Display names per layer: features, h<layer>_<i>, then outputs."""
    names = [list(net.features)]
    names += [[f"h{i + 1}_{j + 1}" for j in range(n)] for i, n in enumerate(net.hidden)]
    if net.task == "regression":
        names.append(["y"])
    else:
        labels = class_names or tuple(str(k) for k in range(net.n_outputs))
        names.append([f"class {c}" for c in labels])
    return names


def edge_table(step: BackpropStep, net: NetConfig, class_names: tuple[str, ...] = ()) -> list[dict]:
    """One row per weight: from, to, weight before, gradient, update, weight after."""
    names, rows = node_names(net, class_names), []
    for layer, (wb, g, wa) in enumerate(zip(step.weights_before, step.grads, step.weights_after)):
        for j in range(wb.shape[0]):
            for i in range(wb.shape[1]):
                rows.append({"from": names[layer][i], "to": names[layer + 1][j], "weight before": float(wb[j, i]),
                             "gradient dL/dw": float(g[j, i]), "update": float(wa[j, i] - wb[j, i]),
                             "weight after": float(wa[j, i])})
    return rows


def largest_gradient(rows: list[dict]) -> dict:
    """The edge_table row with the largest |dL/dw| (the first of equals)."""
    return max(rows, key=lambda r: abs(r["gradient dL/dw"]))


def drawable(history: list[Snapshot]) -> Snapshot:
    """The latest snapshot, or the one before it when the latest weights blew up to inf/NaN."""
    latest = history[-1]
    if len(history) < 2 or all(np.isfinite(w).all() for w in latest.weights):
        return latest
    return history[-2]


def export_json(snap: Snapshot, net: NetConfig, settings: dict) -> str:
    """The network, its weights and the settings that produced them, as JSON."""
    layers = [{"weight": w.round(6).tolist(), "bias": b.round(6).tolist()} for w, b in zip(snap.weights, snap.biases)]
    doc = {"features": list(net.features), "hidden": list(net.hidden), "activation": net.activation,
           "task": net.task, "outputs": net.n_outputs, "epoch": snap.epoch, "train_loss": _finite(snap.train_loss),
           "test_loss": _finite(snap.test_loss), "settings": settings, "layers": layers}
    return json.dumps(doc, indent=1, allow_nan=False, default=str)


def _finite(value: float) -> float | None:
    """JSON has no NaN: a missing loss (no test set) is written as null."""
    return float(value) if np.isfinite(value) else None


_FEATURE_CODE = {"x1": "x[:, 0]", "x2": "x[:, 1]", "x1^2": "x[:, 0] ** 2", "x2^2": "x[:, 1] ** 2",
                 "x1*x2": "x[:, 0] * x[:, 1]", "sin x1": "torch.sin(x[:, 0])", "sin x2": "torch.sin(x[:, 1])"}
_ACT_CODE = {"relu": "nn.ReLU()", "tanh": "nn.Tanh()", "sigmoid": "nn.Sigmoid()", "linear": "nn.Identity()"}


def export_torch(snap: Snapshot, net: NetConfig) -> str:
    """Stand-alone PyTorch code that rebuilds this exact network with its weights."""
    sizes, mods = net.sizes, []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        mods.append(f"nn.Linear({a}, {b})")
        if i < len(sizes) - 2:
            mods.append(_ACT_CODE[net.activation])
    params = [[w.tolist(), b.tolist()] for w, b in zip(snap.weights, snap.biases)]
    feats = ", ".join(_FEATURE_CODE[f] for f in net.features)
    head = "torch.softmax(model(features(x)), dim=1)" if net.task == "classification" else "model(features(x))[:, 0]"
    return f'''"""Network exported from LLM Explorer's neural-net playground (epoch {snap.epoch})."""
import torch
from torch import nn


def features(x):
    """Raw points [n, 2] (x1, x2) -> input features [n, {len(net.features)}]: {", ".join(net.features)}."""
    return torch.stack([{feats}], dim=1)


model = nn.Sequential({", ".join(mods)})
PARAMS = {params!r}
with torch.no_grad():
    for layer, (w, b) in zip([m for m in model if isinstance(m, nn.Linear)], PARAMS):
        layer.weight.copy_(torch.tensor(w))
        layer.bias.copy_(torch.tensor(b))


def predict(x):
    """Points [n, 2] -> {"class probabilities [n, classes]" if net.task == "classification" else "predicted values [n]"}."""
    with torch.no_grad():
        return {head}


if __name__ == "__main__":
    print(predict(torch.tensor([[0.0, 0.0], [2.0, -1.0]])))
'''
