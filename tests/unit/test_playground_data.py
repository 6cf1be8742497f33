"""Unit tests for the playground's data: generators, drawn points, CSV parsing, URL state, digits."""
import numpy as np
import pytest

from explorer.playground import datasets, digits, network
from explorer.playground.drawing import MAX_DRAWN, SPRAY, add_points, class_counts, format_point, parse_drawn, spray
from explorer.playground.state import MAX_SEED, PRESETS, PlayState, next_seed


@pytest.mark.parametrize("kind", datasets.KINDS)
def test_every_generator_is_seeded_split_and_in_canvas(kind):
    """Check each dataset is reproducible, split by the ratio, inside [-6, 6] and correctly labelled."""
    cfg = datasets.DataConfig(kind, n_points=200, noise=20, test_ratio=0.25, seed=4)
    a, b = datasets.generate(cfg), datasets.generate(cfg)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert len(a.x_test) == 50 and len(a.x_train) == 150
    assert np.abs(np.concatenate([a.x_train, a.x_test])).max() <= datasets.EXTENT
    if kind in datasets.REGRESSION:
        assert a.task == "regression" and a.n_outputs == 1 and a.y_train.dtype == np.float32
    else:
        labels = set(np.concatenate([a.y_train, a.y_test]).tolist())
        assert labels == set(range(a.n_classes)) and a.n_outputs == a.n_classes
    other = datasets.generate(datasets.DataConfig(kind, n_points=200, noise=20, test_ratio=0.25, seed=5))
    assert not np.array_equal(a.x_train, other.x_train)


def test_xor_and_circle_labels_by_hand():
    """Check noiseless xor labels follow the sign of x1*x2 and circle labels follow the radius."""
    xor = datasets.generate(datasets.DataConfig("xor", seed=1))
    assert np.array_equal(xor.y_train, (xor.x_train[:, 0] * xor.x_train[:, 1] > 0).astype(int))
    circle = datasets.generate(datasets.DataConfig("circle", seed=1))
    radius = np.linalg.norm(circle.x_train, axis=1)
    assert radius[circle.y_train == 1].max() <= 2.5 + 1e-5 < 3.5 - 1e-5 <= radius[circle.y_train == 0].min()


def test_multi_class_count_and_noise_spread():
    """Check the multi-class set has the asked number of classes and noise widens the blobs."""
    quiet = datasets.generate(datasets.DataConfig("multi", n_classes=5, seed=1))
    noisy = datasets.generate(datasets.DataConfig("multi", n_classes=5, noise=40, seed=1))
    assert quiet.n_classes == 5 and quiet.class_names == ("0", "1", "2", "3", "4")
    spread = lambda d: np.std(d.x_train[d.y_train == 0], axis=0).mean()  # noqa: E731
    assert spread(noisy) > 2 * spread(quiet)


def test_data_config_rejects_bad_values():
    """Check unknown kinds and out-of-range settings raise ValueError."""
    for bad in (dict(kind="nope"), dict(noise=80), dict(n_points=3), dict(test_ratio=0.95), dict(n_classes=9)):
        with pytest.raises(ValueError):
            datasets.DataConfig(**bad)


def test_drawn_points_need_two_classes_and_four_points():
    """Check drawn data is refused with a clear message until it has 4 points of 2 classes."""
    with pytest.raises(datasets.DataError, match="at least 4"):
        datasets.from_points([(0, 0, 0), (1, 1, 1)], 0.0, 1)
    with pytest.raises(datasets.DataError, match="same class"):
        datasets.from_points([(0, 0, 2)] * 5, 0.0, 1)
    data = datasets.from_points([(0, 0, 0), (1, 1, 0), (2, 2, 3), (3, 3, 3)], 0.0, 1)
    assert data.n_classes == 2 and data.class_names == ("0", "3")


def test_csv_classification_with_text_labels_and_header():
    """Check a CSV with a header and text labels becomes classes in sorted order."""
    parsed = datasets.parse_csv(b"x1,x2,label\n0,0,cat\n1,1,dog\n2,0,cat\n0,2,dog\n")
    assert parsed.task == "classification" and parsed.class_names == ("cat", "dog")
    assert parsed.y.tolist() == [0, 1, 0, 1] and parsed.x.shape == (4, 2)


def test_csv_numeric_labels_and_regression_and_rescale():
    """Check -1/1 labels are classes, real labels are regression, and big coordinates are scaled."""
    classes = datasets.parse_csv("1,1,-1\n2,2,1\n3,3,-1\n4,4,1\n")
    assert classes.class_names == ("-1", "1") and classes.y.tolist() == [0, 1, 0, 1]
    reg = datasets.parse_csv("0,0,0.5\n10,0,1.25\n0,-20,2\n1,1,3.5\n")
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
    with pytest.raises(datasets.DataError, match=message):
        datasets.parse_csv(text)


def test_csv_size_limits():
    """Check files over the byte limit, over the row limit, or not UTF-8 are refused."""
    with pytest.raises(datasets.DataError, match="limit"):
        datasets.parse_csv(b"1,1,0\n" * (datasets.CSV_MAX_BYTES // 6 + 10))
    with pytest.raises(datasets.DataError, match="rows"):
        datasets.parse_csv("".join(f"{i % 5},{i % 3},{i % 2}\n" for i in range(datasets.CSV_MAX_ROWS + 1)))
    with pytest.raises(datasets.DataError, match="UTF-8"):
        datasets.parse_csv(b"\xff\xfe\x00\x01,1,1\n" * 5)


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


def test_spray_keeps_every_click_and_samples_big_boxes_by_seed():
    """Check a few picked points are all kept and a big box sprays SPRAY distinct, sorted, seeded indices."""
    assert spray(3, seed=0).tolist() == [0, 1, 2]
    sample = spray(200, seed=4)
    assert len(sample) == SPRAY == len(set(sample.tolist())) and sample.tolist() == sorted(sample.tolist())
    assert sample.tolist() == spray(200, seed=4).tolist() != spray(200, seed=5).tolist()
    assert sample.max() < 200


def test_add_points_appends_in_the_brush_class_and_caps_the_total():
    """Check new points take the brush class, a box adds SPRAY of them, and the oldest drop past MAX_DRAWN."""
    assert add_points(["0.0,0.0,0"], [(1.26, -2.0)], brush=2) == ["0.0,0.0,0", "1.3,-2.0,2"]
    box = [(i / 100, 0.0) for i in range(100)]
    added = add_points([], box, brush=1)
    assert len(added) == SPRAY and all(item.endswith(",1") for item in added)
    full = add_points([format_point(0, 0, 0)] * MAX_DRAWN, [(5.0, 5.0)], brush=3)
    assert len(full) == MAX_DRAWN and full[-1] == "5.0,5.0,3"


def test_class_counts_per_class():
    """Check counts run from class 0 to the highest class drawn, and are empty with no points."""
    assert class_counts([(0, 0, 2), (1, 1, 2), (2, 2, 0)]).tolist() == [1, 0, 2]
    assert class_counts([]).tolist() == []


def test_next_seed_moves_on_and_wraps():
    """Check the new-data button's seed goes up by one and wraps to 0 past the widget's maximum."""
    assert next_seed(1) == 2 and next_seed(MAX_SEED) == 0
    assert PlayState.from_query({"seed": str(next_seed(MAX_SEED - 1))}).seed == MAX_SEED


def test_export_settings_leave_out_digits_and_drawn_points():
    """Check the weights export carries the 2-D settings only."""
    settings = PlayState(data="draw", drawn=("1.0,1.0,0",), d_hidden=64, seed=7).export_settings()
    assert settings["data"] == "draw" and settings["seed"] == 7
    assert "drawn" not in settings and not any(k.startswith("d_") for k in settings)


def test_example_csv_is_seeded_xor_that_parses():
    """Check the example CSV is the same every call, parses, and labels XOR quadrants by hand."""
    text = datasets.example_csv()
    assert text == datasets.example_csv() != datasets.example_csv(seed=1)
    rows = [line.split(",") for line in text.splitlines()[1:]]
    assert len(rows) == 60
    off_axis = [r for r in rows if float(r[0]) and float(r[1])]  # a value printed as 0.00 hides its sign
    assert len(off_axis) > 50 and all(int(r[2]) == int(float(r[0]) * float(r[1]) > 0) for r in off_axis)
    parsed = datasets.parse_csv(text)
    assert parsed.task == "classification" and len(parsed.x) == 60


def test_dataset_knows_whether_it_has_a_test_set():
    """Check a test share of 0 leaves no test set and 30% leaves one."""
    assert not datasets.generate(datasets.DataConfig("xor", test_ratio=0.0)).has_test
    assert datasets.generate(datasets.DataConfig("xor", test_ratio=0.3)).has_test


@pytest.mark.parametrize("preset", PRESETS, ids=[p.name for p in PRESETS])
def test_every_preset_builds_a_valid_network(preset):
    """Check each preset's values are valid state and build a valid network for its dataset."""
    state = PlayState().replace(**preset.values)
    for key, value in preset.values.items():
        assert getattr(state, key) == value, key
    data = datasets.generate(datasets.DataConfig(state.data, state.n, state.noise, state.test / 100, state.classes))
    network.NetConfig(state.feats, state.hidden, state.act, data.n_outputs, data.task, state.init)
    assert len(preset.why) > 40


def test_digits_network_learns_and_activations_agree():
    """Check a small digits net beats 90% test accuracy and one image's activations match its prediction."""
    result = digits.train_digits(digits.DigitsConfig(hidden=24, epochs=8, seed=0))
    assert result.test_acc > 0.9 and result.confusion.sum() == len(result.labels) == 449
    assert result.confusion.trace() == int((result.preds == result.labels).sum())
    act = digits.activations(result, 7)
    assert act.probs.sum() == pytest.approx(1.0) and act.pred == result.preds[7]
    assert act.hidden.min() >= 0 and act.image.max() <= 1.0  # ReLU outputs, pixels scaled to 0..1
    assert act.hidden_range == (act.hidden.min(), act.hidden.max())
    assert result.n_test == 449 and result.n_wrong == int((result.preds != result.labels).sum())
    with pytest.raises(ValueError):
        digits.activations(result, 10_000)
