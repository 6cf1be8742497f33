"""Unit tests for explorer.ensembles.datasets and explorer.ensembles.state (no streamlit)."""
import numpy as np
import pytest

from explorer.ensembles import datasets
from explorer.ensembles.state import EnsemblesState, over_cap


@pytest.mark.parametrize("source", datasets.SYNTHETIC + datasets.BUNDLED)
def test_every_builtin_dataset_is_two_standardized_features(source):
    """Check each built-in source gives [n, 2] features, standardized on train, and int labels."""
    d = datasets.make_dataset(datasets.DataConfig(source, n_samples=120, seed=0))
    assert d.x_train.shape[1] == d.x_test.shape[1] == 2
    np.testing.assert_allclose(d.x_train.mean(axis=0), 0, atol=1e-9)
    np.testing.assert_allclose(d.x_train.std(axis=0), 1, atol=1e-9)
    assert set(np.unique(d.y_all)) == set(range(d.n_classes))


def test_datasets_are_seeded():
    """Check the same seed gives the same data and another seed different data."""
    a, b = (datasets.make_dataset(datasets.DataConfig("xor", seed=3)) for _ in range(2))
    c = datasets.make_dataset(datasets.DataConfig("xor", seed=4))
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, c.x_train)


def test_two_chosen_features_and_pca_note():
    """Check iris through columns 2 and 3 names them, and PCA reports the variance it keeps."""
    d = datasets.make_dataset(datasets.DataConfig("iris", projection="features", feature_x=2, feature_y=3))
    assert d.axis_names == ("petal length (cm)", "petal width (cm)")
    p = datasets.make_dataset(datasets.DataConfig("wine"))
    assert p.axis_names == ("PC1", "PC2") and "of the variance" in p.note
    with pytest.raises(ValueError, match="out of range"):
        datasets.make_dataset(datasets.DataConfig("iris", projection="features", feature_x=9))


def _csv(rows):
    return ("\n".join(rows) + "\n").encode()


def test_csv_loads_with_last_column_as_label():
    """Check a clean CSV loads: string labels become classes, two numeric columns the axes."""
    rows = ["a,b,kind"] + [f"{i},{(i * 7) % 11},{'cat' if i % 2 else 'dog'}" for i in range(40)]
    d = datasets.load_csv(_csv(rows), datasets.DataConfig("csv"))
    assert d.class_names == ("cat", "dog") and d.axis_names == ("a", "b")
    assert len(d.y_train) + len(d.y_test) == 40


@pytest.mark.parametrize("rows, message", [
    (["a,b,y"] + [f"{i},{i},same" for i in range(30)], "only one class"),
    (["a,b,y"] + [f"{i},x{i},{i % 2}" for i in range(30)], "Non-numeric"),
    (["a,b,y"] + [f"{i},{'' if i == 3 else i},{i % 2}" for i in range(30)], "Missing values"),
    (["a,b,y", "1,2,0", "2,3,1", "3,4,0", "4,5,1"], "Too few rows"),
    (["a,y"] + [f"{i},{i % 2}" for i in range(30)], "at least two"),
    ([""], "empty"),
])
def test_csv_problems_have_clear_messages(rows, message):
    """Check each bad CSV raises ValueError with a message naming the problem."""
    with pytest.raises(ValueError, match=message):
        datasets.load_csv(_csv(rows), datasets.DataConfig("csv"))


def test_csv_size_and_row_caps():
    """Check the stated byte and row caps are enforced."""
    with pytest.raises(ValueError, match="limit"):
        datasets.load_csv(b"a,b,y\n" + b"1,2,0\n" * (datasets.MAX_CSV_BYTES // 6 + 10), datasets.DataConfig("csv"))
    rows = ["a,b,y"] + [f"{i},{i},{i % 2}" for i in range(datasets.MAX_ROWS + 1)]
    with pytest.raises(ValueError, match="rows; the limit"):
        datasets.load_csv(_csv(rows), datasets.DataConfig("csv"))


def test_state_round_trip_and_caps():
    """Check the view state round-trips through the URL and over-cap values are clamped and reported."""
    s = EnsemblesState(view="bagging", bag_n=120, members=("tree", "knn"), w_knn=2.0)
    assert EnsemblesState.from_query(s.to_query()) == s
    assert s.weights() == (1.0, 2.0)
    bad = EnsemblesState.from_query({"bag_n": "9999", "view": "<script>", "members": "tree|evil"})
    assert bad.bag_n == 300 and bad.view == "voting" and bad.members == ("tree",)
    assert over_cap({"bag_n": ["9999"], "llm_n": ["3"]}) == ["bag\\_n\\=9999 is above the cap of 300; using 300."]


def test_points_in_a_link_stop_at_the_slider_cap_and_say_so():
    """Check n above MAX_POINTS (the Points slider's top) is clamped to it and reported."""
    assert EnsemblesState.from_query({"n": "3000"}).n == datasets.MAX_POINTS == 2000
    assert over_cap({"n": ["3000"]}) == ["n\\=3000 is above the cap of 2,000; using 2,000."]
