"""Unit tests for the playground figures: escaping, formulas with numbers, layout of the maps."""
import numpy as np

from explorer.playground import datasets, digits, inspect, network
from explorer.playground import figures as figs

EVIL = "<img src=x onerror=alert(1)>"


def _csv_trainer():
    parsed = datasets.parse_csv("\n".join(f"{i % 5},{i % 3},{EVIL if i % 2 else 'ok'}" for i in range(20)))
    data = datasets.split(parsed.x, parsed.y, parsed.task, 0.25, 1, parsed.class_names)
    net = network.NetConfig(hidden=(3,), n_outputs=2)
    return network.Trainer(net, network.TrainConfig(), data)


def test_csv_class_names_are_escaped_everywhere():
    """Check a script-like class name reaches legends and hovers only HTML-escaped."""
    model = _csv_trainer()
    maps = inspect.neuron_maps(model.latest, model.net, grid=10)
    trace = inspect.trace_point(model.latest, model.net, (0.0, 0.0))
    for fig in (figs.boundary_figure(maps, model.data),
                figs.network_figure(model.latest, model.net, trace, model.data.class_names),
                figs.backprop_figure(inspect.backprop_step(model), model.net, model.data.class_names)):
        text = fig.to_json()
        assert "<img" not in text and "&lt;img" in text


def test_network_hover_shows_formula_with_numbers():
    """Check a hidden neuron's hover has its formula, this point's numbers and the result."""
    snap = network.Snapshot(0, 0, 0, 0, 0, (np.array([[2.0, -1.0]]), np.array([[1.0], [-1.0]])),
                       (np.array([0.5]), np.array([0.0, 0.0])))
    net = network.NetConfig(hidden=(1,), activation="relu", n_outputs=2)
    trace = inspect.trace_point(snap, net, (1.0, 3.0))
    fig = figs.network_figure(snap, net, trace)
    hovers = [h for t in fig.data for h in (t.hovertext or ()) if "h1_1" in str(h) and "relu" in str(h)]
    assert hovers and "2·x1 + (-1)·x2 + 0.5" in hovers[0]
    assert "2·1 + (-1)·3 + 0.5 = -0.500" in hovers[0] and "relu(-0.500) = <b>0.000</b>" in hovers[0]


def test_neuron_maps_figure_tiles_every_neuron():
    """Check the maps figure labels every input and hidden neuron once."""
    net = network.NetConfig(("x1", "x2", "x1*x2"), (4, 2), "tanh", 2, "classification")
    data = datasets.generate(datasets.DataConfig("xor", n_points=50))
    snap = network.Trainer(net, network.TrainConfig(), data).latest
    fig = figs.neuron_maps_figure(inspect.neuron_maps(snap, net, grid=20), net)
    labels = sorted(a.text for a in fig.layout.annotations)
    assert labels == sorted(["x1", "x2", "x1*x2", "h1_1", "h1_2", "h1_3", "h1_4", "h2_1", "h2_2"])


def test_regression_and_digit_figures_build():
    """Check the regression boundary and the digits figures build with the expected traces."""
    data = datasets.generate(datasets.DataConfig("gaussian", n_points=60))
    net = network.NetConfig(hidden=(), n_outputs=1, task="regression")
    snap = network.Trainer(net, network.TrainConfig(), data).latest
    fig = figs.boundary_figure(inspect.neuron_maps(snap, net, grid=10), data)
    assert fig.data[0].type == "heatmap" and fig.data[0].zmid == 0
    result = digits.train_digits(digits.DigitsConfig(hidden=8, epochs=1))
    assert figs.confusion_figure(result).data[0].z.sum() == 449
    act = digits.activations(result, 0)
    assert len(figs.digit_figure(act).data) == 3
    assert len(figs.neuron_weights_figure(result.w1, act.hidden, top=4).data) == 4
