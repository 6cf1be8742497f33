"""Unit tests for the playground's data: generators, drawn points, CSV parsing, URL state, digits."""
import numpy as np
import pytest

from explorer.playground import datasets as d2
from explorer.playground import digits
from explorer.playground import network as pg
from explorer.playground.state import PRESETS, PlayState, format_point, parse_drawn


@pytest.mark.parametrize("kind", d2.KINDS)
def test_every_generator_is_seeded_split_and_in_canvas(kind):
    """Check each dataset is reproducible, split by the ratio, inside [-6, 6] and correctly labelled."""
    cfg = d2.DataConfig(kind, n_points=200, noise=20, test_ratio=0.25, seed=4)
    a, b = d2.generate(cfg), d2.generate(cfg)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert len(a.x_test) == 50 and len(a.x_train) == 150
    assert np.abs(np.concatenate([a.x_train, a.x_test])).max() <= d2.EXTENT
    if kind in d2.REGRESSION:
        assert a.task == "regression" and a.n_outputs == 1 and a.y_train.dtype == np.float32
    else:
        labels = set(np.concatenate([a.y_train, a.y_test]).tolist())
        assert labels == set(range(a.n_classes)) and a.n_outputs == a.n_classes
    other = d2.generate(d2.DataConfig(kind, n_points=200, noise=20, test_ratio=0.25, seed=5))
    assert not np.array_equal(a.x_train, other.x_train)


def test_xor_and_circle_labels_by_hand():
    """Check noiseless xor labels follow the sign of x1*x2 and circle labels follow the radius."""
    xor = d2.generate(d2.DataConfig("xor", seed=1))
    assert np.array_equal(xor.y_train, (xor.x_train[:, 0] * xor.x_train[:, 1] > 0).astype(int))
    circle = d2.generate(d2.DataConfig("circle", seed=1))
    radius = np.linalg.norm(circle.x_train, axis=1)
    assert radius[circle.y_train == 1].max() <= 2.5 + 1e-5 < 3.5 - 1e-5 <= radius[circle.y_train == 0].min()


def test_multi_class_count_and_noise_spread():
    """Check the multi-class set has the asked number of classes and noise widens the blobs."""
    quiet = d2.generate(d2.DataConfig("multi", n_classes=5, seed=1))
    noisy = d2.generate(d2.DataConfig("multi", n_classes=5, noise=40, seed=1))
    assert quiet.n_classes == 5 and quiet.class_names == ("0", "1", "2", "3", "4")
    spread = lambda d: np.std(d.x_train[d.y_train == 0], axis=0).mean()  # noqa: E731
    assert spread(noisy) > 2 * spread(quiet)


def test_data_config_rejects_bad_values():
    """Check unknown kinds and out-of-range settings raise ValueError."""
    for bad in (dict(kind="nope"), dict(noise=80), dict(n_points=3), dict(test_ratio=0.95), dict(n_classes=9)):
        with pytest.raises(ValueError):
            d2.DataConfig(**bad)


def test_drawn_points_need_two_classes_and_four_points():
    """Check drawn data is refused with a clear message until it has 4 points of 2 classes."""
    with pytest.raises(d2.DataError, match="at least 4"):
        d2.from_points([(0, 0, 0), (1, 1, 1)], 0.0, 1)
    with pytest.raises(d2.DataError, match="same class"):
        d2.from_points([(0, 0, 2)] * 5, 0.0, 1)
    data = d2.from_points([(0, 0, 0), (1, 1, 0), (2, 2, 3), (3, 3, 3)], 0.0, 1)
    assert data.n_classes == 2 and data.class_names == ("0", "3")


def test_csv_classification_with_text_labels_and_header():
    """Check a CSV with a header and text labels becomes classes in sorted order."""
    parsed = d2.parse_csv(b"x1,x2,label\n0,0,cat\n1,1,dog\n2,0,cat\n0,2,dog\n")
    assert parsed.task == "classification" and parsed.class_names == ("cat", "dog")
    assert parsed.y.tolist() == [0, 1, 0, 1] and parsed.x.shape == (4, 2)


def test_csv_numeric_labels_and_regression_and_rescale():
    """Check -1/1 labels are classes, real labels are regression, and big coordinates are scaled."""
    classes = d2.parse_csv("1,1,-1\n2,2,1\n3,3,-1\n4,4,1\n")
    assert classes.class_names == ("-1", "1") and classes.y.tolist() == [0, 1, 0, 1]
    reg = d2.parse_csv("0,0,0.5\n10,0,1.25\n0,-20,2\n1,1,3.5\n")
    assert reg.task == "regression" and np.abs(reg.x).max() == pytest.approx(5.0)
    assert reg.notes and "scaled" in reg.notes[0]


@pytest.mark.parametrize("text,message", [
    ("", "empty"),
    ("x1,x2,label\n1,2\n3,4,1\n5,6,0\n7,8,1\n", "exactly 3"),
    ("1,2,0\nfoo,2,1\n3,4,0\n5,6,1\n", "must be numbers"),
    ("1,2,0\nnan,2,1\n3,4,0\n5,6,1\n", "NaN"),
    ("1,2,0\n2,2,0\n3,4,0\n5,6,0\n", "two classes"),
    ("1,2,0\n2,2,nan\n3,4,0\n5,6,1\n", "NaN"),
    ("1,2,0\n2,2,1\n", "at least 4"),
    ("1,1,a\n2,2,b\n3,3,c\n4,4,d\n5,5,e\n6,6,f\n7,7,g\n", "up to 6"),
])
def test_csv_errors_say_what_is_wrong(text, message):
    """Check malformed, NaN, one-class, tiny and many-label CSVs raise DataError naming the problem."""
    with pytest.raises(d2.DataError, match=message):
        d2.parse_csv(text)


def test_csv_size_limits():
    """Check files over the byte limit, over the row limit, or not UTF-8 are refused."""
    with pytest.raises(d2.DataError, match="limit"):
        d2.parse_csv(b"1,1,0\n" * (d2.CSV_MAX_BYTES // 6 + 10))
    with pytest.raises(d2.DataError, match="rows"):
        d2.parse_csv("".join(f"{i % 5},{i % 3},{i % 2}\n" for i in range(d2.CSV_MAX_ROWS + 1)))
    with pytest.raises(d2.DataError, match="UTF-8"):
        d2.parse_csv(b"\xff\xfe\x00\x01,1,1\n" * 5)


def test_state_url_round_trip_and_clamping():
    """Check the view state survives a URL round trip and clamps or drops junk."""
    state = PlayState(data="spiral", layers=3, n1=8, feats=("x1", "sin x2"), lr=0.003, opt="adam", seed=42)
    assert PlayState.from_query(state.to_query()) == state
    assert state.hidden == (8, 2, 2)
    junk = PlayState.from_query({"layers": "99", "n1": "-3", "lr": "inf", "data": "<script>", "feats": "x1|zz"})
    assert junk.layers == 6 and junk.n1 == 1 and junk.lr == 0.03 and junk.data == "circle"
    assert junk.feats == ("x1",)


def test_drawn_points_round_trip_and_skip_junk():
    """Check drawn points survive their URL form and malformed or out-of-canvas items are skipped."""
    items = (format_point(1.234, -2.0, 1), "9,9,0", "a,b,c", "1,2", "0,0,7", "nan,1,0")
    assert parse_drawn(items) == [(1.2, -2.0, 1)]


@pytest.mark.parametrize("preset", PRESETS, ids=[p.name for p in PRESETS])
def test_every_preset_builds_a_valid_network(preset):
    """Check each preset's values are valid state and build a valid network for its dataset."""
    state = PlayState().replace(**preset.values)
    for key, value in preset.values.items():
        assert getattr(state, key) == value, key
    data = d2.generate(d2.DataConfig(state.data, state.n, state.noise, state.test / 100, state.classes))
    pg.NetConfig(state.feats, state.hidden, state.act, data.n_outputs, data.task, state.init)
    assert len(preset.why) > 40


def test_digits_network_learns_and_activations_agree():
    """Check a small digits net beats 90% test accuracy and one image's activations match its prediction."""
    result = digits.train_digits(digits.DigitsConfig(hidden=24, epochs=8, seed=0))
    assert result.test_acc > 0.9 and result.confusion.sum() == len(result.labels) == 449
    assert result.confusion.trace() == int((result.preds == result.labels).sum())
    act = digits.activations(result, 7)
    assert act.probs.sum() == pytest.approx(1.0) and act.pred == result.preds[7]
    assert act.hidden.min() >= 0 and act.image.max() <= 1.0  # ReLU outputs, pixels scaled to 0..1
    with pytest.raises(ValueError):
        digits.activations(result, 10_000)
