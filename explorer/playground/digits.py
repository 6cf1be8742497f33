"""Handwritten digits: a small network on scikit-learn's bundled 8x8 images.

The 1,797 images ship inside scikit-learn (no download). Each pixel is an ink
level 0..16, scaled here to 0..1, so the 64 input neurons hold numbers
between 0 and 1 as in the study notes.

Every random draw (split, initial weights, mini-batch order) comes from
generators made from the seed for this one call, never the global RNG: many
sessions train at once in one server, and the same seed must give the same
network whatever the others do.

Example:
    >>> result = train_digits(DigitsConfig(hidden=16, epochs=10))
    >>> result.confusion.shape
    (10, 10)
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn

from explorer.playground.network import _NP_ACT

DIGIT_ACTIVATIONS = ("relu", "sigmoid", "tanh")
N_IMAGES = 1_797  # scikit-learn's bundled 8x8 digits
TEST_RATIO = 0.25
N_TEST = int(round(N_IMAGES * TEST_RATIO))  # 449 held-out images: the image picker's range


@dataclass(frozen=True)
class DigitsConfig:
    """One hidden layer of `hidden` neurons, trained with Adam in mini-batches."""

    hidden: int = 32
    activation: str = "relu"
    epochs: int = 30
    lr: float = 0.01
    batch_size: int = 32
    test_ratio: float = TEST_RATIO
    seed: int = 1

    def __post_init__(self):
        if not 1 <= self.hidden <= 256:
            raise ValueError("Hidden neurons must be between 1 and 256.")
        if self.activation not in DIGIT_ACTIVATIONS:
            raise ValueError(f"activation must be one of {DIGIT_ACTIVATIONS}")
        if not 1 <= self.epochs <= 500:
            raise ValueError("Epochs must be between 1 and 500.")
        if not (math.isfinite(self.lr) and 0 < self.lr <= 10):
            raise ValueError("Learning rate must be above 0 and at most 10.")
        if not 1 <= self.batch_size <= 2048 or not 0.05 <= self.test_ratio <= 0.9:
            raise ValueError("batch size 1..2048, test ratio 0.05..0.9")


@dataclass(frozen=True)
class DigitsResult:
    """A trained digits network and how well it does on held-out images."""

    train_acc: float
    test_acc: float
    loss_curve: np.ndarray   # [epoch] mean training loss
    confusion: np.ndarray    # [true digit, predicted digit] counts on the test set
    images: np.ndarray       # [n_test, 8, 8] pixels 0..1
    labels: np.ndarray       # [n_test] true digit
    preds: np.ndarray        # [n_test] predicted digit
    w1: np.ndarray           # [hidden, 64]
    b1: np.ndarray           # [hidden]
    w2: np.ndarray           # [10, hidden]
    b2: np.ndarray           # [10]
    activation: str

    @property
    def n_test(self) -> int:
        """Test images in the confusion matrix."""
        return int(self.confusion.sum())

    @property
    def n_wrong(self) -> int:
        """Test images read as another digit (the off-diagonal of the confusion matrix)."""
        return self.n_test - int(np.trace(self.confusion))


def load_split(test_ratio: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pixels scaled to 0..1 and a seeded train/test split: x [n, 64], y [n]."""
    digits = load_digits()
    x, y = (digits.data / 16.0).astype(np.float32), digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(x))
    n_test = int(round(len(x) * test_ratio))
    test, train = order[:n_test], order[n_test:]
    return x[train], y[train], x[test], y[test]


def _linear(n_in: int, n_out: int, gen: torch.Generator) -> nn.Linear:
    """nn.Linear with PyTorch's default init, drawn from `gen` (skip_init: no global-RNG draw at all)."""
    layer = torch.nn.utils.skip_init(nn.Linear, n_in, n_out)
    bound = 1 / math.sqrt(n_in)
    with torch.no_grad():
        nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=gen)
        nn.init.uniform_(layer.bias, -bound, bound, generator=gen)
    return layer


def _model(cfg: DigitsConfig) -> nn.Sequential:
    """64 -> hidden -> 10. Same draws, in the same order, as torch.manual_seed(seed) + default init,
    so links made before the generator change show the same network."""
    gen = torch.Generator().manual_seed(cfg.seed)
    act = {"relu": nn.ReLU(), "sigmoid": nn.Sigmoid(), "tanh": nn.Tanh()}[cfg.activation]
    return nn.Sequential(_linear(64, cfg.hidden, gen), act, _linear(cfg.hidden, 10, gen))


def _fit(model: nn.Sequential, x: torch.Tensor, y: torch.Tensor, cfg: DigitsConfig,
         progress=None) -> np.ndarray:
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    gen = torch.Generator().manual_seed(cfg.seed)
    curve = []
    for epoch in range(cfg.epochs):
        order, total = torch.randperm(len(x), generator=gen).to(x.device), 0.0
        for start in range(0, len(x), cfg.batch_size):
            idx = order[start:start + cfg.batch_size]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(idx)
        curve.append(total / len(x))
        if progress:
            progress(epoch + 1, cfg.epochs)
    return np.asarray(curve)


def train_digits(cfg: DigitsConfig, device: torch.device | str = "cpu", progress=None) -> DigitsResult:
    """Train on the bundled digits; `progress(epoch, epochs)` is called after each epoch."""
    x_tr, y_tr, x_te, y_te = load_split(cfg.test_ratio, cfg.seed)
    model = _model(cfg).to(device)
    to = lambda a: torch.from_numpy(a).to(device)  # noqa: E731
    curve = _fit(model, to(x_tr), to(y_tr), cfg, progress)
    with torch.no_grad():
        train_pred = model(to(x_tr)).argmax(1).cpu().numpy()
        preds = model(to(x_te)).argmax(1).cpu().numpy()
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (y_te, preds), 1)
    first, last = model[0], model[2]
    params = [t.detach().cpu().numpy().copy() for t in (first.weight, first.bias, last.weight, last.bias)]
    return DigitsResult(float((train_pred == y_tr).mean()), float((preds == y_te).mean()), curve, confusion,
                        x_te.reshape(-1, 8, 8), y_te, preds, *params, cfg.activation)


@dataclass(frozen=True)
class DigitActivations:
    """One test image going through the trained network."""

    image: np.ndarray   # [8, 8] pixels 0..1 (the 64 input activations)
    hidden: np.ndarray  # [hidden] activations after the nonlinearity
    probs: np.ndarray   # [10] softmax probabilities
    label: int
    pred: int

    @property
    def hidden_range(self) -> tuple[float, float]:
        """Lowest and highest hidden activation on this image."""
        return float(self.hidden.min()), float(self.hidden.max())


def activations(result: DigitsResult, index: int) -> DigitActivations:
    """Forward test image `index` through the network's saved weights (numpy)."""
    if not 0 <= index < len(result.labels):
        raise ValueError(f"index must be between 0 and {len(result.labels) - 1}")
    pixels = result.images[index].reshape(64).astype(np.float64)
    hidden = _NP_ACT[result.activation](result.w1 @ pixels + result.b1)
    logits = result.w2 @ hidden + result.b2
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    return DigitActivations(result.images[index], hidden, probs, int(result.labels[index]), int(probs.argmax()))
