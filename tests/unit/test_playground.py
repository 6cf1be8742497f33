"""Unit tests for the playground network: learning, gradients, seeding, inspection and export."""
import json
import math

import numpy as np
import pytest
import torch

from explorer.playground import datasets, inspect, network


def _xor(seed=1):
    return datasets.generate(datasets.DataConfig("xor", n_points=300, seed=seed))


def _trainer(data, hidden=(4,), features=("x1", "x2"), **train):
    net = network.NetConfig(features, hidden, "tanh", data.n_outputs, data.task, seed=3)
    return network.Trainer(net, network.TrainConfig(**{"optimizer": "adam", "lr": 0.03, **train}), data)


def test_xor_needs_a_hidden_layer():
    """Check a network with no hidden layer stays near chance on xor while one hidden layer fits it."""
    data = _xor()
    linear, hidden = _trainer(data, hidden=()), _trainer(data, hidden=(4,))
    linear.train(60)
    hidden.train(60)
    assert linear.latest.test_acc < 0.7
    assert linear.latest.train_loss > 0.6  # about ln 2: no better than a coin flip
    assert hidden.latest.train_acc > 0.95 and hidden.latest.test_acc > 0.85


def test_product_feature_solves_xor_without_hidden_layer():
    """Check the x1*x2 feature alone lets a linear model fit xor."""
    model = _trainer(_xor(), hidden=(), features=("x1*x2",))
    model.train(30)
    assert model.latest.test_acc > 0.95


def test_gradients_match_finite_differences():
    """Check autograd gradients (loss + L2 penalty) equal central finite differences on a tiny net."""
    net = network.NetConfig(("x1", "x2", "x1*x2"), (3, 2), "tanh", 2, "classification", seed=5)
    model = network.build_mlp(net).double()
    train = network.TrainConfig(reg="l2", reg_rate=0.01)
    x = torch.tensor(network.transform(np.random.default_rng(0).normal(size=(8, 2)), net.features), dtype=torch.float64)
    y = torch.tensor([0, 1, 1, 0, 1, 0, 0, 1])

    def loss():
        return network.data_loss(model(x), y, "classification") + network.penalty(model, train)

    loss().backward()
    for param in model.parameters():
        numeric = torch.zeros_like(param)
        flat, grad = param.data.view(-1), numeric.view(-1)
        for i in range(flat.numel()):
            keep = flat[i].item()
            flat[i] = keep + 1e-6
            up = loss().item()
            flat[i] = keep - 1e-6
            down = loss().item()
            flat[i] = keep
            grad[i] = (up - down) / 2e-6
        assert torch.allclose(param.grad, numeric, atol=1e-7), (param.grad, numeric)


def test_same_seed_same_weights_and_run():
    """Check the same configs give identical initial weights and identical weights after training."""
    a, b = _trainer(_xor()), _trainer(_xor())
    for wa, wb in zip(a.latest.weights, b.latest.weights):
        np.testing.assert_array_equal(wa, wb)
    a.train(3)
    b.train(3)
    for wa, wb in zip(a.latest.weights, b.latest.weights):
        np.testing.assert_array_equal(wa, wb)
    other = network.Trainer(network.NetConfig(hidden=(4,), seed=4), network.TrainConfig(), _xor())
    assert not np.array_equal(other.history[0].weights[0], a.history[0].weights[0])


@pytest.mark.parametrize("init,bound", [("small", 0.5), ("xavier", math.sqrt(6 / (2 + 4)))])
def test_init_ranges(init, bound):
    """Check uniform inits stay inside their documented bounds."""
    model = network.build_mlp(network.NetConfig(hidden=(4,), init=init))
    assert float(model.layers[0].weight.detach().abs().max()) <= bound + 1e-6


def test_config_validation_messages():
    """Check bad settings raise ValueError with a message that names the fix."""
    with pytest.raises(ValueError, match="at least 1 neuron"):
        network.NetConfig(hidden=(4, 0))
    with pytest.raises(ValueError, match="at least one input feature"):
        network.NetConfig(features=())
    with pytest.raises(ValueError, match="Learning rate"):
        network.TrainConfig(lr=float("nan"))
    with pytest.raises(ValueError, match="Learning rate"):
        network.TrainConfig(lr=1e6)


def test_learning_rate_zero_changes_nothing():
    """Check a learning rate of 0 leaves every weight exactly as initialised."""
    model = _trainer(_xor(), optimizer="sgd", lr=0.0)
    model.train(2)
    for w0, w2 in zip(model.history[0].weights, model.latest.weights):
        np.testing.assert_array_equal(w0, w2)


def test_diverging_run_stops_with_flag():
    """Check a far-too-high learning rate makes the loss non-finite and training stops early."""
    data = datasets.generate(datasets.DataConfig("plane", seed=1))
    net = network.NetConfig(hidden=(), n_outputs=1, task="regression")
    model = network.Trainer(net, network.TrainConfig(lr=0.3), data)
    done = model.train(50)
    assert model.diverged and done < 50
    assert not math.isfinite(model.latest.train_loss)
    assert model.train(5) == 0


def test_history_thinning_keeps_first_and_last(monkeypatch):
    """Check history stays bounded and keeps epoch 0 and the newest epoch."""
    monkeypatch.setattr(network, "MAX_SNAPSHOTS", 10)
    model = _trainer(_xor())
    model.train(25)
    epochs = [s.epoch for s in model.history]
    assert len(epochs) <= 10 and epochs[0] == 0 and epochs[-1] == 25
    assert epochs == sorted(epochs)


def test_restore_rewinds_weights_and_history():
    """Check restoring a snapshot puts its weights back and drops later history."""
    model = _trainer(_xor())
    model.train(5)
    past = model.history[2]
    model.restore(past)
    assert model.epoch == past.epoch and model.latest.epoch == past.epoch
    np.testing.assert_allclose(model.model.layers[0].weight.detach().numpy(), past.weights[0])


def test_change_learning_rate_keeps_weights():
    """Check a new TrainConfig updates the optimizer's rate without resetting weights."""
    model = _trainer(_xor())
    model.train(2)
    before = model.latest.weights[0].copy()
    model.set_train_config(network.TrainConfig(optimizer="adam", lr=0.001))
    assert model.optimizer.param_groups[0]["lr"] == 0.001
    np.testing.assert_array_equal(model.model.layers[0].weight.detach().numpy(), before)


def test_numpy_forward_matches_torch():
    """Check the numpy forward pass used for maps and history equals the PyTorch model."""
    model = _trainer(_xor(), hidden=(5, 3), features=("x1", "x2", "sin x1", "x2^2"))
    model.train(2)
    x = np.random.default_rng(1).uniform(-6, 6, (20, 2))
    _, posts = inspect.forward_np(model.latest, model.net, network.transform(x, model.net.features))
    with torch.no_grad():
        ref = torch.softmax(model.model(torch.from_numpy(network.transform(x, model.net.features))), 1).numpy()
    np.testing.assert_allclose(posts[-1], ref, atol=1e-5)


def test_neuron_maps_shapes_and_probabilities():
    """Check maps cover every input and hidden neuron and outputs are probabilities."""
    model = _trainer(_xor(), hidden=(4, 2))
    maps = inspect.neuron_maps(model.latest, model.net, grid=20)
    assert maps.inputs.shape == (2, 20, 20)
    assert [h.shape for h in maps.hidden] == [(4, 20, 20), (2, 20, 20)]
    np.testing.assert_allclose(maps.output.sum(-1), 1.0, atol=1e-9)
    np.testing.assert_allclose(maps.inputs[0, 0], maps.axis)  # x1 varies along columns


def test_trace_point_by_hand():
    """Check one point's forward pass against a hand computation for a 1-layer net."""
    snap = network.Snapshot(0, 0, 0, 0, 0, (np.array([[2.0, -1.0], [0.5, 0.5]]),), (np.array([0.1, -0.1]),))
    net = network.NetConfig(("x1", "x2"), (), "tanh", 2, "classification")
    trace = inspect.trace_point(snap, net, (1.0, 3.0))
    np.testing.assert_allclose(trace.pre[0], [2 - 3 + 0.1, 0.5 + 1.5 - 0.1])
    e = np.exp([-0.9, 1.9])
    np.testing.assert_allclose(trace.post[0], e / e.sum())


def test_backprop_step_is_sgd_update_and_leaves_model_alone():
    """Check plain SGD's preview update equals -lr * gradient and the live weights are untouched."""
    model = _trainer(_xor(), optimizer="sgd", lr=0.1)
    live_before = model.model.layers[0].weight.detach().numpy().copy()
    step = inspect.backprop_step(model)
    for wb, g, wa in zip(step.weights_before, step.grads, step.weights_after):
        np.testing.assert_allclose(wa - wb, -0.1 * g, atol=1e-6)
    np.testing.assert_array_equal(model.model.layers[0].weight.detach().numpy(), live_before)
    assert step.batch_size == 10 and step.loss_after < step.loss_before
    assert step.loss_change == pytest.approx(step.loss_after - step.loss_before) and step.loss_change < 0
    rows = inspect.edge_table(step, model.net)
    assert len(rows) == sum(w.size for w in step.grads)
    assert {r["from"] for r in rows} >= {"x1", "x2", "h1_1"}
    biggest = inspect.largest_gradient(rows)
    assert abs(biggest["gradient dL/dw"]) == max(abs(r["gradient dL/dw"]) for r in rows)


def test_drawable_skips_a_blown_up_snapshot():
    """Check the live view draws the previous snapshot when the latest weights hold inf or NaN."""
    def snap(epoch, value):
        return network.Snapshot(epoch, 0.1, 0.1, 1.0, 1.0, (np.full((2, 2), value),), (np.zeros(2),))

    fine, blown = snap(1, 0.5), snap(2, np.inf)
    assert inspect.drawable([fine, blown]) is fine
    assert inspect.drawable([snap(0, 0.1), fine]) is fine
    assert inspect.drawable([blown]) is blown  # nothing earlier to fall back on


def test_export_torch_code_reproduces_predictions():
    """Check the exported PyTorch code rebuilds a network that predicts exactly like ours."""
    model = _trainer(_xor(), hidden=(3,), features=("x1", "x2", "x1*x2", "sin x2"))
    model.train(2)
    namespace = {}
    exec(compile(inspect.export_torch(model.latest, model.net), "export.py", "exec"), namespace)  # noqa: S102
    x = np.array([[1.0, 2.0], [-3.0, 0.5], [4.0, -4.0]])
    got = namespace["predict"](torch.tensor(x, dtype=torch.float32)).numpy()
    want = inspect.forward_np(model.latest, model.net, network.transform(x, model.net.features))[1][-1]
    np.testing.assert_allclose(got, want, atol=1e-5)


def test_export_json_is_valid_without_test_set():
    """Check the JSON export parses, has every layer's shapes and writes a missing test loss as null."""
    data = datasets.generate(datasets.DataConfig("circle", test_ratio=0.0, seed=2))
    model = _trainer(data, hidden=(4,))
    doc = json.loads(inspect.export_json(model.latest, model.net, {"lr": 0.03}))
    assert doc["test_loss"] is None
    assert [np.array(l["weight"]).shape for l in doc["layers"]] == [(4, 2), (2, 4)]


def test_l1_zeroes_useless_feature_weights():
    """Check L1 on the circle keeps the squared features and shrinks the rest towards zero."""
    data = datasets.generate(datasets.DataConfig("circle", seed=1))
    net = network.NetConfig(network.FEATURES, (), "tanh", 2, "classification")
    model = network.Trainer(net, network.TrainConfig(lr=0.03, optimizer="adam", reg="l1", reg_rate=0.003), data)
    model.train(40)
    w = np.abs(model.latest.weights[0]).max(axis=0)  # [feature]
    squares = w[[2, 3]].min()
    others = w[[0, 1, 4, 5, 6]].max()
    assert squares > 5 * others


def test_overfitting_note_after_test_loss_rises():
    """Check the overfitting note appears once the test loss rises past its best, and not before."""
    def snap(epoch, test):
        return network.Snapshot(epoch, 0.1, test, 1.0, 1.0, (), ())

    assert network.overfitting([snap(0, 0.9), snap(1, 0.5), snap(2, 0.52)]) is None
    assert network.overfitting([snap(0, 0.9), snap(1, 0.5), snap(2, 0.6)]) == (1, 0.5, 0.6)
    assert network.overfitting([snap(0, float("nan"))] * 5) is None
