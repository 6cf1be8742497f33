"""Unit tests for explorer.core.projections and the page's pure helpers (data, state, figures)."""
import numpy as np
import plotly.graph_objects as go
import pytest

from explorer.core import projections
from explorer.embeddings import figures
from explorer.embeddings.presets import coords_csv, parse_csv, parse_labelled, parse_words
from explorer.embeddings.state import EmbeddingsState


@pytest.fixture(scope="module")
def blobs():
    """60 points in 3 well-separated Gaussian blobs in 20-D."""
    rng = np.random.default_rng(0)
    centres = rng.normal(scale=10, size=(3, 20))
    return np.vstack([c + rng.normal(size=(20, 20)) for c in centres]).astype(np.float32)


@pytest.fixture(scope="module")
def warm():
    """The background UMAP warm-up, waited for (it must finish, not hang)."""
    w = projections.UmapWarmup(large=False).start()  # the large-fit stage is measured in bench/
    assert w.wait(timeout=240)
    return w


def test_umap_warmup_finishes(warm):
    """Check the background warm-up ends ready, without error, and reports its time."""
    assert warm.ready and not warm.failed and warm.error is None
    assert warm.elapsed() > 0
    assert warm.large_done.wait(timeout=5)  # nothing more to do without `large`


@pytest.mark.parametrize("method", ["pca", "umap", "tsne"])
@pytest.mark.parametrize("dims", [2, 3])
def test_projection_shapes(blobs, warm, method, dims):
    """Check every method returns [point, dims] coordinates and a trust score."""
    p = projections.project(blobs, projections.ProjectionConfig(method, dims, perplexity=10))
    assert p.coords.shape == (60, dims) and p.method == method
    assert p.shown == p.total == 60 and 0.0 <= p.trust <= 1.0


@pytest.mark.parametrize("method", ["umap", "tsne"])
def test_seed_reproducibility(blobs, warm, method):
    """Check the same seed gives identical coordinates (t-SNE starts from PCA, so only UMAP moves with the seed)."""
    cfg = projections.ProjectionConfig(method, 2, seed=3, perplexity=10)
    a, b = projections.project(blobs, cfg), projections.project(blobs, cfg)
    assert np.array_equal(a.coords, b.coords)
    c = projections.project(blobs, projections.ProjectionConfig(method, 2, seed=4, perplexity=10))
    assert np.allclose(a.coords, c.coords) == (method == "tsne")


@pytest.mark.parametrize("n", [1, 2])
@pytest.mark.parametrize("method", ["pca", "umap", "tsne"])
def test_one_or_two_points_do_not_crash(method, n):
    """Check 1-2 points fall back to PCA with a note and finite coordinates."""
    x = np.arange(n * 5, dtype=np.float32).reshape(n, 5)
    p = projections.project(x, projections.ProjectionConfig(method, 3))
    assert p.coords.shape == (n, 3) and np.isfinite(p.coords).all()
    assert p.method == "pca" and (method == "pca" or "used PCA" in p.notes[0])
    assert p.trust is None


def test_trustworthiness_of_a_plane_is_one():
    """Check PCA of points lying in a 2-D plane inside 10-D scores trust 1.0."""
    rng = np.random.default_rng(1)
    plane = rng.normal(size=(200, 2)) @ rng.normal(size=(2, 10))
    p = projections.project(plane, projections.ProjectionConfig("pca", 2, metric="euclidean"))
    assert p.trust == pytest.approx(1.0)
    assert p.explained.sum() == pytest.approx(1.0, abs=1e-6)


def test_trust_is_lower_for_a_lossy_picture():
    """Check squashing isotropic 50-D noise to 2-D scores well below 1."""
    x = np.random.default_rng(2).normal(size=(300, 50))
    p = projections.project(x, projections.ProjectionConfig("pca", 2, metric="euclidean"))
    assert p.trust < 0.8


def test_sampling_keeps_named_rows_and_says_so(blobs):
    """Check sampling above the cap keeps `keep` rows and notes 'showing N of M'."""
    p = projections.project(blobs, projections.ProjectionConfig("pca", 2, max_points=10), keep=(0, 59))
    assert p.shown == 10 and p.total == 60
    assert {0, 59} <= set(p.rows.tolist())
    assert any("showing 10 of 60" in n for n in p.notes)


def test_sample_rows_is_seeded():
    """Check the same seed samples the same rows and all rows show under the cap."""
    assert np.array_equal(projections.sample_rows(1000, 50, seed=1), projections.sample_rows(1000, 50, seed=1))
    assert not np.array_equal(projections.sample_rows(1000, 50, seed=1), projections.sample_rows(1000, 50, seed=2))
    assert np.array_equal(projections.sample_rows(30, 50), np.arange(30))


@pytest.mark.parametrize("bad", [dict(method="lda"), dict(dims=4), dict(metric="l1"),
                                 dict(n_neighbors=1), dict(min_dist=2.0), dict(perplexity=0.5),
                                 dict(max_points=0)])
def test_config_validation(bad):
    """Check invalid projection settings raise ValueError."""
    with pytest.raises(ValueError):
        projections.ProjectionConfig(**bad)


def test_empty_input_raises():
    """Check projecting nothing raises a clear ValueError."""
    with pytest.raises(ValueError, match="at least one"):
        projections.project(np.zeros((0, 5)), projections.ProjectionConfig())


def test_parse_words_and_labelled_lines():
    """Check typed words split on commas/spaces and `label | sentence` lines parse."""
    assert parse_words("king, queen;man  woman") == ["king", "queen", "man", "woman"]
    assert parse_labelled("a | One.\n\nTwo.\n | \n") == (("One.", "Two."), ("a", ""))


def test_parse_csv_good_file():
    """Check a CSV with text and label columns (BOM, odd case) parses."""
    texts, labels = parse_csv("\ufeffText,Label\nHello there,greet\n,skip\nBye,\n".encode())
    assert texts == ("Hello there", "Bye") and labels == ("greet", "")


@pytest.mark.parametrize("data,message", [
    (b"", "empty"), (b"  \n", "empty"), (b"name,label\nx,y\n", "no 'text' column"),
    (b"text\n\n", "no sentences"), (b"\xff\xfe\x00bad", "UTF-8"),
    (b"text\n" + b"x\n" * 1001, "limit is 1,000"), (b"text\n" + b"x" * 1_000_001, "MB"),
])
def test_parse_csv_bad_files(data, message):
    """Check empty, wrong-column, non-UTF-8 and oversized uploads give clear errors."""
    with pytest.raises(ValueError, match=message):
        parse_csv(data)


def test_coords_csv():
    """Check exported CSV has a header and one row per point."""
    out = coords_csv(("a", "b,c"), np.array([[1.0, 2.0], [3.0, 4.5]]), ("g", "h"))
    assert out.splitlines() == ["label,group,x,y", "a,g,1,2", '"b,c",h,3,4.5']


def test_state_round_trip_and_clamping():
    """Check the view state survives a URL round trip and clamps bad values."""
    state = EmbeddingsState().replace(mode="analogy", a="paris", seed=7, dims=3, method="umap")
    assert EmbeddingsState.from_query(state.to_query()) == state
    bad = EmbeddingsState.from_query({"mode": "zzz", "k": "-5", "layer": "999", "dims": "9"})
    assert (bad.mode, bad.k, bad.layer, bad.dims) == ("words", 1, 30, 3)


def test_figures_escape_labels_and_use_webgl():
    """Check 2-D scatter is WebGL, 3-D is Scatter3d, and HTML in labels is escaped."""
    coords = np.random.default_rng(0).normal(size=(3, 2))
    fig = figures.projection_figure(coords, ["<script>x</script>", "b", "c"], ["g"] * 3,
                                    np.array([True, True, False]))
    assert {type(t) for t in fig.data} == {go.Scattergl}
    assert "&lt;script&gt;x&lt;/script&gt;" in fig.data[1].text
    fig3 = figures.projection_figure(np.zeros((2, 3)), ["a", "b"], ["g", "g"])
    assert isinstance(fig3.data[0], go.Scatter3d) and len(fig3.data) == 1  # no focus given: all named


def test_analogy_figure_draws_parallelogram():
    """Check the analogy figure draws both offset sides and marks a - b + c."""
    coords = np.array([[1, 1], [0, 0], [0, 1], [1, 2], [0.9, 1.9]], float)
    fig = figures.analogy_figure(coords, ["king", "man", "woman", "queen", "a-b+c"],
                                 ["a", "b", "c", "answer", "target"])
    names = [t.name for t in fig.data]
    assert "offset b → a" in names and "same offset c → answer" in names
    assert "a − b + c" in names


def test_pca_default_shows_every_point_above_other_caps():
    """Check PCA is not sampled at 12,000 points while t-SNE is capped and says so."""
    x = np.random.default_rng(3).normal(size=(12_000, 4)).astype(np.float32)
    assert projections.project(x, projections.ProjectionConfig("pca")).shown == 12_000
    rows = projections.sample_rows(12_000, projections.CAPS["tsne"], keep=(5,), seed=0)
    assert len(rows) == projections.CAPS["tsne"] and 5 in rows


def test_long_labels_are_cut_on_chart_but_whole_on_hover():
    """Check sentence labels are shortened on the chart and complete in the hover."""
    sentence = "The cat curled up on the warm windowsill."
    fig = figures.projection_figure(np.zeros((1, 2)), [sentence], ["animals"], np.ones(1, bool),
                                    text_len=18)
    assert len(fig.data[0].text[0]) == 18 and fig.data[0].text[0].endswith("…")
    assert fig.data[0].hovertext[0] == sentence
