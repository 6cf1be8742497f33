"""A small PyTorch MLP trained live on 2-D data, with every number exposed.

Example:
    >>> from explorer.playground import datasets
    >>> data = datasets.generate(datasets.DataConfig("xor", seed=1))
    >>> net = NetConfig(hidden=(4,), n_outputs=2)
    >>> trainer = Trainer(net, TrainConfig(optimizer="adam", lr=0.03), data)
    >>> trainer.train(20); trainer.latest.epoch
    20
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from explorer.playground.datasets import Dataset2D

FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin x1", "sin x2")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
OPTIMIZERS = ("sgd", "momentum", "adam")
INITS = ("xavier", "he", "small")
REGULARIZERS = ("none", "l1", "l2")
MAX_LAYERS, MAX_NEURONS = 6, 8
MAX_SNAPSHOTS = 300  # history is thinned to every other epoch beyond this
_FEATURE_FNS = {
    "x1": lambda x: x[:, 0], "x2": lambda x: x[:, 1],
    "x1^2": lambda x: x[:, 0] ** 2, "x2^2": lambda x: x[:, 1] ** 2,
    "x1*x2": lambda x: x[:, 0] * x[:, 1],
    "sin x1": lambda x: np.sin(x[:, 0]), "sin x2": lambda x: np.sin(x[:, 1]),
}
_NP_ACT = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
           "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "linear": lambda z: z}


def transform(x: np.ndarray, features: tuple[str, ...]) -> np.ndarray:
    """Input features from raw points: [n, 2] -> [n, len(features)] float32."""
    return np.stack([_FEATURE_FNS[f](x) for f in features], axis=1).astype(np.float32)


@dataclass(frozen=True)
class NetConfig:
    """The network: which input features, hidden layer sizes, activation, outputs."""

    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 2)  # neurons per hidden layer; () means no hidden layer
    activation: str = "tanh"
    n_outputs: int = 2  # classes (softmax) for classification, 1 for regression
    task: str = "classification"
    init: str = "xavier"
    seed: int = 1

    def __post_init__(self):
        if not self.features or len(set(self.features)) != len(self.features):
            raise ValueError("Turn on at least one input feature (each at most once).")
        if bad := [f for f in self.features if f not in FEATURES]:
            raise ValueError(f"Unknown features {bad}; choose from {FEATURES}")
        if len(self.hidden) > MAX_LAYERS:
            raise ValueError(f"At most {MAX_LAYERS} hidden layers")
        if any(n < 1 for n in self.hidden):
            raise ValueError("A hidden layer needs at least 1 neuron; remove the layer instead.")
        if any(n > MAX_NEURONS for n in self.hidden):
            raise ValueError(f"At most {MAX_NEURONS} neurons per hidden layer")
        if self.activation not in ACTIVATIONS or self.init not in INITS:
            raise ValueError(f"activation in {ACTIVATIONS}, init in {INITS}")
        if self.task not in ("classification", "regression"):
            raise ValueError("task must be classification or regression")
        if (self.task == "regression") != (self.n_outputs == 1) or self.n_outputs < 1:
            raise ValueError("regression has 1 output; classification has one per class (2 or more)")

    @property
    def sizes(self) -> tuple[int, ...]:
        """Neurons per layer, inputs first: (features, *hidden, outputs)."""
        return (len(self.features), *self.hidden, self.n_outputs)


@dataclass(frozen=True)
class TrainConfig:
    """How to train: learning rate, optimizer, regularization, mini-batch size."""

    lr: float = 0.03
    optimizer: str = "sgd"
    momentum: float = 0.9  # used by "momentum"
    reg: str = "none"
    reg_rate: float = 0.0
    batch_size: int = 10

    def __post_init__(self):
        if not (math.isfinite(self.lr) and 0 <= self.lr <= 100):
            raise ValueError("Learning rate must be between 0 and 100.")
        if self.optimizer not in OPTIMIZERS or self.reg not in REGULARIZERS:
            raise ValueError(f"optimizer in {OPTIMIZERS}, reg in {REGULARIZERS}")
        if not (math.isfinite(self.reg_rate) and 0 <= self.reg_rate <= 10):
            raise ValueError("Regularization rate must be between 0 and 10.")
        if not 1 <= self.batch_size <= 5_000:
            raise ValueError("Batch size must be between 1 and 5000.")


class MLP(nn.Module):
    """Fully connected layers; `activation` after each hidden layer, raw outputs last.

    Built uninitialised (skip_init draws nothing from the global RNG): build_mlp sets every weight.
    """

    def __init__(self, cfg: NetConfig):
        super().__init__()
        self.layers = nn.ModuleList(nn.utils.skip_init(nn.Linear, a, b) for a, b in zip(cfg.sizes[:-1], cfg.sizes[1:]))
        self.act = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
                    "linear": lambda z: z}[cfg.activation]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """[batch, features] -> [batch, outputs] (logits or the regression value)."""
        for layer in self.layers[:-1]:
            x = self.act(layer(x))
        return self.layers[-1](x)


def build_mlp(cfg: NetConfig) -> MLP:
    """An MLP whose initial weights depend only on cfg (seeded)."""
    gen = torch.Generator().manual_seed(cfg.seed)
    model = MLP(cfg)
    with torch.no_grad():
        for layer in model.layers:
            if cfg.init == "xavier":
                nn.init.xavier_uniform_(layer.weight, generator=gen)
            elif cfg.init == "he":
                nn.init.kaiming_normal_(layer.weight, nonlinearity="relu", generator=gen)
            else:  # TF Playground's choice: uniform in [-0.5, 0.5]
                nn.init.uniform_(layer.weight, -0.5, 0.5, generator=gen)
            layer.bias.fill_(0.1 if cfg.init == "small" else 0.0)
    return model


@dataclass(frozen=True)
class Snapshot:
    """The network's weights and losses after `epoch` epochs."""

    epoch: int
    train_loss: float
    test_loss: float  # nan when there is no test set
    train_acc: float  # nan for regression
    test_acc: float
    weights: tuple[np.ndarray, ...]  # per layer [out_neurons, in_neurons]
    biases: tuple[np.ndarray, ...]   # per layer [out_neurons]


def _params(model: MLP) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    ws = tuple(layer.weight.detach().cpu().numpy().copy() for layer in model.layers)
    bs = tuple(layer.bias.detach().cpu().numpy().copy() for layer in model.layers)
    return ws, bs


def data_loss(out: torch.Tensor, y: torch.Tensor, task: str) -> torch.Tensor:
    """Cross-entropy of softmax(out) for classification, mean squared error for regression."""
    if task == "classification":
        return nn.functional.cross_entropy(out, y)
    return nn.functional.mse_loss(out[:, 0], y)


def penalty(model: MLP, train: TrainConfig) -> torch.Tensor:
    """rate * sum|w| (L1) or rate * sum w^2 (L2) over weights (not biases)."""
    if train.reg == "none" or train.reg_rate == 0:
        return torch.zeros(())
    power = 1 if train.reg == "l1" else 2
    total = sum(layer.weight.abs().pow(power).sum() for layer in model.layers)
    return train.reg_rate * total


def _optimizer(model: MLP, train: TrainConfig) -> torch.optim.Optimizer:
    if train.optimizer == "adam":
        return torch.optim.Adam(model.parameters(), lr=train.lr)
    momentum = train.momentum if train.optimizer == "momentum" else 0.0
    return torch.optim.SGD(model.parameters(), lr=train.lr, momentum=momentum)


class Trainer:
    """Live training state for one user: model, optimizer, data, history.

    Mutable on purpose (it lives in the user's session, not a cache). Same
    NetConfig + data + TrainConfig => same weights at every epoch.
    """

    def __init__(self, net: NetConfig, train: TrainConfig, data: Dataset2D,
                 device: torch.device | str = "cpu"):
        if net.n_outputs != data.n_outputs or net.task != data.task:
            raise ValueError("NetConfig outputs/task do not match the dataset")
        self.net, self.data, self.device = net, data, torch.device(device)
        self.model = build_mlp(net).to(self.device)
        self.gen = torch.Generator().manual_seed(net.seed)  # mini-batch order
        self.x_train, self.y_train = self._tensors(data.x_train, data.y_train)
        self.x_test, self.y_test = self._tensors(data.x_test, data.y_test)
        self.train_cfg = train
        self.optimizer = _optimizer(self.model, train)
        self.epoch, self.diverged = 0, False
        self.history: list[Snapshot] = [self._snapshot()]

    def _tensors(self, x: np.ndarray, y: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        feats = torch.from_numpy(transform(x, self.net.features)).to(self.device)
        return feats, torch.from_numpy(y).to(self.device)

    def set_train_config(self, train: TrainConfig) -> None:
        """Apply new training settings without losing weights (new optimizer only if its kind changed)."""
        if train.optimizer != self.train_cfg.optimizer:
            self.optimizer = _optimizer(self.model, train)
        for group in self.optimizer.param_groups:
            group["lr"] = train.lr
        self.train_cfg = train

    @torch.no_grad()
    def _evaluate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
        if len(x) == 0:
            return math.nan, math.nan
        out = self.model(x)
        loss = float(data_loss(out, y, self.net.task))
        if self.net.task != "classification":
            return loss, math.nan
        return loss, float((out.argmax(1) == y).float().mean())

    def _snapshot(self) -> Snapshot:
        train_loss, train_acc = self._evaluate(self.x_train, self.y_train)
        test_loss, test_acc = self._evaluate(self.x_test, self.y_test)
        return Snapshot(self.epoch, train_loss, test_loss, train_acc, test_acc, *_params(self.model))

    def _step(self, idx: torch.Tensor) -> float:
        self.optimizer.zero_grad()
        loss = data_loss(self.model(self.x_train[idx]), self.y_train[idx], self.net.task)
        loss = loss + penalty(self.model, self.train_cfg)
        loss.backward()
        self.optimizer.step()
        return float(loss.detach())

    def train_epoch(self) -> Snapshot:
        """One pass over the training set in seeded mini-batches; returns the new snapshot."""
        order = torch.randperm(len(self.x_train), generator=self.gen).to(self.device)
        for start in range(0, len(order), self.train_cfg.batch_size):
            self._step(order[start:start + self.train_cfg.batch_size])
        self.epoch += 1
        snap = self._snapshot()
        if not math.isfinite(snap.train_loss) or not all(np.isfinite(w).all() for w in snap.weights):
            self.diverged = True
        self._remember(snap)
        return snap

    def _remember(self, snap: Snapshot) -> None:
        self.history.append(snap)
        if len(self.history) > MAX_SNAPSHOTS:  # keep the first, the last and every other one
            self.history = self.history[:1] + self.history[2:-1:2] + self.history[-1:]

    def train(self, epochs: int) -> int:
        """Train up to `epochs` epochs, stopping early if the loss becomes NaN/inf; returns epochs run."""
        done = 0
        while done < epochs and not self.diverged:
            self.train_epoch()
            done += 1
        return done

    @property
    def latest(self) -> Snapshot:
        return self.history[-1]

    def restore(self, snap: Snapshot) -> None:
        """Rewind to a saved snapshot (drops later history; optimizer state starts afresh)."""
        with torch.no_grad():
            for layer, w, b in zip(self.model.layers, snap.weights, snap.biases):
                layer.weight.copy_(torch.from_numpy(w))
                layer.bias.copy_(torch.from_numpy(b))
        self.history = [s for s in self.history if s.epoch <= snap.epoch]
        self.epoch, self.diverged = snap.epoch, False
        self.optimizer = _optimizer(self.model, self.train_cfg)

    def next_batch(self) -> torch.Tensor:
        """Indices of the next mini-batch, without advancing the real batch order."""
        gen = torch.Generator().set_state(self.gen.get_state())
        order = torch.randperm(len(self.x_train), generator=gen)
        return order[: self.train_cfg.batch_size].to(self.device)


def overfitting(history: list[Snapshot], rise: float = 1.1) -> tuple[int, float, float] | None:
    """(best epoch, best test loss, latest test loss) once the test loss has risen `rise`x above its best."""
    tested = [s for s in history if math.isfinite(s.test_loss)]
    if len(tested) < 3:
        return None
    best = min(tested, key=lambda s: s.test_loss)
    latest = tested[-1]
    if latest.epoch > best.epoch and latest.test_loss > rise * best.test_loss:
        return best.epoch, best.test_loss, latest.test_loss
    return None
