"""The playground's shareable view state: data, network, training settings, seed.

A link with these params rebuilds the same data and the same initial weights;
pressing Play then reproduces the same run (mini-batch order is seeded too).
Uploaded CSV files are not in the link (too big); drawn points are.

    PlayState.from_query({"data": "xor", "layers": "1", "n1": "4"}).data == "xor"
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from explorer.core.state import ViewState, choice, num, words
from explorer.playground.datasets import KINDS, MAX_CLASSES
from explorer.playground.digits import DIGIT_ACTIVATIONS, N_TEST
from explorer.playground.drawing import MAX_DRAWN
from explorer.playground.network import ACTIVATIONS, FEATURES, INITS, MAX_LAYERS, MAX_NEURONS, OPTIMIZERS, REGULARIZERS

DATA_SOURCES = KINDS + ("draw", "csv")
MAX_SEED = 99_999


@dataclass(frozen=True)
class PlayState(ViewState):
    """Every setting of the playground page; field names are the URL keys."""

    mode: str = choice("2d", ("2d", "digits"))
    data: str = choice("circle", DATA_SOURCES)
    noise: int = num(0, lo=0, hi=50)
    n: int = num(500, lo=50, hi=1000)
    test: int = num(30, lo=0, hi=80)
    classes: int = num(3, lo=2, hi=MAX_CLASSES)
    drawn: tuple[str, ...] = words((), max_items=MAX_DRAWN, max_len=40)
    feats: tuple[str, ...] = words(("x1", "x2"), options=FEATURES)
    layers: int = num(2, lo=0, hi=MAX_LAYERS)
    n1: int = num(4, lo=1, hi=MAX_NEURONS)
    n2: int = num(2, lo=1, hi=MAX_NEURONS)
    n3: int = num(2, lo=1, hi=MAX_NEURONS)
    n4: int = num(2, lo=1, hi=MAX_NEURONS)
    n5: int = num(2, lo=1, hi=MAX_NEURONS)
    n6: int = num(2, lo=1, hi=MAX_NEURONS)
    act: str = choice("tanh", ACTIVATIONS)
    init: str = choice("xavier", INITS)
    lr: float = num(0.03, lo=0.0, hi=10.0)
    opt: str = choice("sgd", OPTIMIZERS)
    reg: str = choice("none", REGULARIZERS)
    rate: float = num(0.0, lo=0.0, hi=1.0)
    batch: int = num(10, lo=1, hi=100)
    speed: int = num(2, lo=1, hi=20)
    seed: int = num(1, lo=0, hi=MAX_SEED)
    d_hidden: int = num(32, lo=4, hi=128)
    d_epochs: int = num(20, lo=5, hi=100)
    d_act: str = choice("relu", DIGIT_ACTIVATIONS)
    d_index: int = num(0, lo=0, hi=N_TEST - 1)

    @property
    def hidden(self) -> tuple[int, ...]:
        """Neurons per hidden layer, from `layers` and n1..n6."""
        sizes = (self.n1, self.n2, self.n3, self.n4, self.n5, self.n6)
        return sizes[: self.layers]

    def export_settings(self) -> dict:
        """The 2-D run's settings for the weights export: digits fields and drawn points left out."""
        return {k: v for k, v in dataclasses.asdict(self).items() if not k.startswith("d_") and k != "drawn"}


def next_seed(seed: int) -> int:
    """The seed after `seed`, wrapping to 0 past MAX_SEED (the seed widget's range)."""
    return (int(seed) + 1) % (MAX_SEED + 1)


@dataclass(frozen=True)
class Preset:
    """A ready-made setting with a one-line reason it behaves as it does."""

    name: str
    why: str
    values: dict  # PlayState field -> value; every other field takes its default


PRESETS = (
    Preset("XOR, no hidden layer (fails)", "One linear boundary cannot put opposite corners on the same side: "
           "the loss stalls near 0.69 (a coin flip).",
           {"data": "xor", "layers": 0, "opt": "adam", "lr": 0.03}),
    Preset("XOR with the x1*x2 feature", "x1*x2 is positive in two corners and negative in the other two, "
           "so one weight on it solves XOR with no hidden layer.",
           {"data": "xor", "feats": ("x1*x2",), "layers": 0, "opt": "adam", "lr": 0.03}),
    Preset("XOR with one hidden layer", "Four tanh neurons each draw a line; the output combines them into "
           "the two diagonal regions.",
           {"data": "xor", "layers": 1, "n1": 4, "opt": "adam", "lr": 0.03}),
    Preset("Circle from squared features", "x1^2 + x2^2 is the squared radius, so the circle becomes a straight "
           "line in those features: a linear model is enough.",
           {"data": "circle", "feats": ("x1^2", "x2^2"), "layers": 0, "opt": "adam", "lr": 0.03}),
    Preset("Spiral: can you overfit it?", "A big network on few noisy points learns the noise: watch the test "
           "loss turn up while the train loss keeps falling.",
           {"data": "spiral", "noise": 25, "n": 200, "test": 50, "feats": ("x1", "x2", "sin x1", "sin x2"),
            "layers": 3, "n1": 8, "n2": 8, "n3": 8, "act": "relu", "opt": "adam", "lr": 0.01, "speed": 5}),
    Preset("Three classes (softmax)", "With 3 outputs and softmax, each region goes to the class whose output "
           "is largest; the loss is cross-entropy over 3 classes.",
           {"data": "multi", "classes": 3, "noise": 10, "layers": 1, "n1": 6, "act": "relu", "opt": "adam",
            "lr": 0.03}),
    Preset("Regression: a plane", "The target is (x1 + x2) / 10, a linear function: a network with no hidden "
           "layer and mean squared error fits it exactly.",
           {"data": "plane", "layers": 0, "opt": "sgd", "lr": 0.01}),
    Preset("Learning rate far too high", "On the plane, SGD at rate 0.3 overshoots the minimum by more than it "
           "corrects: the loss explodes (about 1e25, then infinity) and training stops. At 0.1 it converges.",
           {"data": "plane", "layers": 0, "lr": 0.3, "opt": "sgd"}),
    Preset("L1 switches off useless features", "L1 pushes small weights to exactly zero: on the circle the "
           "x1^2, x2^2 edges survive and the rest fade.",
           {"data": "circle", "feats": ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin x1", "sin x2"), "layers": 0,
            "reg": "l1", "rate": 0.003, "opt": "adam", "lr": 0.03, "speed": 5}),
)
