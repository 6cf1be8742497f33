"""Unit tests for explorer.embeddings.vectors: GloVe lookup, neighbours, analogies, axes, MiniLM, contextual."""
import numpy as np
import pytest

from explorer.embeddings import vectors as emb
from explorer.core.models import WordVectors


@pytest.fixture(scope="module")
def space(glove):
    """GloVe with unit rows, built once for this module."""
    return emb.unit_space(glove)


@pytest.fixture(scope="module")
def brute(space):
    """GloVe in float64 with row norms, for reference distances."""
    vecs = space.vectors.astype(np.float64)
    return vecs, np.linalg.norm(vecs, axis=1)


@pytest.fixture()
def toy():
    """A 4-word space small enough to work out by hand."""
    words = ("east", "north", "west", "northeast")
    vectors = np.array([[1, 0], [0, 2], [-3, 0], [1, 1]], dtype=np.float32)
    return emb.unit_space(WordVectors(words, vectors, {w: i for i, w in enumerate(words)}))


def test_unit_rows_have_length_one(space):
    """Check every normalised GloVe row has L2 norm 1."""
    norms = np.linalg.norm(space.unit[:: 997], axis=1)
    assert np.allclose(norms, 1.0, atol=1e-5)


def test_toy_neighbours_by_hand(toy):
    """Check cosine and euclidean neighbours of a hand-made vector."""
    cos = emb.nearest(toy, np.array([1.0, 0.1], np.float32), k=2, metric="cosine")
    assert cos.words == ("east", "northeast")
    euc = emb.nearest(toy, np.array([0.0, 1.9], np.float32), k=2, metric="euclidean")
    assert euc.words == ("north", "northeast")
    assert euc.scores[0] == pytest.approx(0.1, abs=1e-5)  # |(0,2) - (0,1.9)|
    assert euc.scores[1] == pytest.approx(np.hypot(1, 0.9), abs=1e-5)


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
@pytest.mark.parametrize("word", ["frog", "paris", "computer"])
def test_neighbours_match_brute_force(space, brute, metric, word):
    """Check argpartition neighbours equal a full sort of brute-force distances."""
    got = emb.word_neighbours(space, word, k=15, metric=metric)
    vecs, norms = brute
    q = vecs[space.index[word]]
    if metric == "cosine":
        dist = 1 - (vecs @ q) / (norms * np.linalg.norm(q))
    else:
        dist = np.linalg.norm(vecs - q, axis=1)
    dist[space.index[word]] = np.inf
    expected = np.argsort(dist, kind="stable")[:15]
    assert list(got.rows) == list(expected)
    want = 1 - dist[expected] if metric == "cosine" else dist[expected]
    assert np.allclose(got.scores, want, atol=1e-4)


def test_k_as_large_as_the_vocabulary(toy):
    """Check asking for every word returns all but the excluded ones, best first."""
    result = emb.nearest(toy, np.array([1.0, 0.0], np.float32), k=4, exclude=("west",))
    assert result.words == ("east", "northeast", "north")


def test_bad_metric_and_k_raise(toy):
    """Check invalid metric or k raise ValueError."""
    with pytest.raises(ValueError):
        emb.nearest(toy, np.ones(2, np.float32), metric="manhattan")
    with pytest.raises(ValueError):
        emb.nearest(toy, np.ones(2, np.float32), k=0)


def test_king_man_woman_is_queen(space):
    """Check king - man + woman -> queen (about 0.852) once inputs are excluded."""
    result = emb.solve_analogy(space, "King", "man", "woman", k=5)
    assert result.words[0] == "queen"
    assert result.scores[0] == pytest.approx(0.852, abs=0.005)
    assert not {"king", "man", "woman"} & set(result.words)
    assert result.with_inputs[0] == "king"  # why excluding the inputs matters


def test_paris_france_italy_is_rome(space):
    """Check paris - france + italy -> rome."""
    assert emb.solve_analogy(space, "paris", "france", "italy").words[0] == "rome"


def test_analogy_unknown_word_raises(space):
    """Check an unknown analogy word raises KeyError naming it."""
    with pytest.raises(KeyError, match="qwzxv"):
        emb.solve_analogy(space, "king", "qwzxv", "woman")


def test_lookup_reports_missing_duplicates_and_spellings(space):
    """Check lookup lower-cases, de-duplicates and suggests close spellings."""
    found = emb.lookup(space, ["King", " queen ", "king", "qeen", "<b>x</b>", ""])
    assert found.found == ("king", "queen")
    assert found.duplicates == ("king",)
    assert found.missing == ("qeen", "<b>x</b>")
    assert "queen" in found.suggestions["qeen"]


def test_axes_by_hand(toy):
    """Check axis coordinates are cosines with the (to - from) direction."""
    place = emb.place_on_axes(toy, ("north", "northeast"), (("west", "east"),))
    assert place.axes == ("west → east",)
    assert place.coords[:, 0] == pytest.approx([0.0, np.sqrt(0.5)], abs=1e-6)


def test_axes_on_glove_gender(space):
    """Check queen lies further toward 'woman' than king on the man -> woman axis."""
    place = emb.place_on_axes(space, ("king", "queen"), (("man", "woman"),))
    assert place.coords[1, 0] > place.coords[0, 0]


def test_background_rows_are_frequent_alphabetic_words(space):
    """Check background rows skip punctuation and excluded words, in frequency order."""
    rows = emb.background_rows(space, 5, exclude=("of",))
    assert [space.words[r] for r in rows] == ["the", "to", "and", "in", "a"]


RIVER = ["We sat on the bank of the river.", "The boat hit the muddy bank.",
         "I opened an account at the bank.", "The bank approved my loan."]
SENSES = ("river", "river", "money", "money")


def test_contextual_minilm_separates_senses_after_layer_0(minilm, cpu):
    """Check MiniLM's 'bank' senses separate more at the last layer than at layer 0."""
    model, tok = minilm
    ctx = emb.contextual(model, tok, "bank", RIVER + ["No match here."], device=cpu)
    assert ctx.vectors.shape == (7, 4, 384)
    assert ctx.skipped == ("No match here.",)
    assert ctx.tokens[0] == ("bank",)
    sep = emb.sense_separation(ctx.similarity, SENSES)
    assert sep[-1] > sep[0] + 0.05
    assert np.allclose(np.diagonal(ctx.similarity, axis1=1, axis2=2), 1.0, atol=1e-4)


def test_contextual_decoder_ignores_later_words(smollm2, cpu):
    """Check SmolLM2's 'bank' vector is identical when only words after it differ."""
    model, tok = smollm2
    ctx = emb.contextual(model, tok, "bank", ["I went to the bank of the river.",
                                               "I went to the bank to get money."], device=cpu)
    assert ctx.vectors.shape[0] == model.config.num_hidden_layers + 1
    assert np.allclose(ctx.vectors[:, 0], ctx.vectors[:, 1], atol=1e-4)


def test_contextual_without_word_raises(minilm, cpu):
    """Check a word absent from every sentence gives a clear ValueError."""
    model, tok = minilm
    with pytest.raises(ValueError, match="no sentence contains"):
        emb.contextual(model, tok, "zebra", ["A cat sat."], device=cpu)
    with pytest.raises(ValueError):
        emb.contextual(model, tok, "  ", ["A cat sat."], device=cpu)


def test_sense_separation_by_hand():
    """Check separation = mean within-sense cosine - mean across-sense cosine."""
    sim = np.array([[[1.0, 0.9, 0.1], [0.9, 1.0, 0.3], [0.1, 0.3, 1.0]]], np.float32)
    sep = emb.sense_separation(sim, ("a", "a", "b"))
    assert sep[0] == pytest.approx(0.9 - 0.2)
    assert np.isnan(emb.sense_separation(sim, ("a", "b", "c"))).all()


def test_presets_are_in_glove_and_coloured(space):
    """Check every preset word and analogy word is in GloVe and every preset word has a colour group."""
    from explorer.embeddings.presets import ANALOGIES, WORD_GROUPS, WORD_SETS

    preset_words = {w for words in WORD_SETS.values() for w in words}
    analogy_words = {w for triple in ANALOGIES.values() for w in triple}
    assert all(w in space.index for w in preset_words | analogy_words)
    assert preset_words <= set(WORD_GROUPS)


def test_offset_cosine_by_hand_and_on_glove(toy, space):
    """Check offset parallelism: hand case is exact, king/queen vs man/woman is partial."""
    assert emb.offset_cosine(toy, "west", "east", "west", "east") == pytest.approx(1.0)
    assert emb.offset_cosine(toy, "east", "north", "north", "east") == pytest.approx(-1.0)
    par = emb.offset_cosine(space, "man", "king", "woman", "queen")
    assert 0.2 < par < 0.95
