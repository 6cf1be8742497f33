"""Unit tests for explorer.embeddings words, arithmetic and contextual: GloVe lookup, neighbours,
analogies, axes, the points drawn, and contextual vectors from MiniLM and SmolLM2."""
import numpy as np
import pytest

from explorer.core.models import WordVectors
from explorer.embeddings.arithmetic import analogy_points, axis_ends, offset_cosine, place_on_axes, solve_analogy
from explorer.core.encoding import encode
from explorer.embeddings.contextual import (
    contextual_vectors, peak_layer, sense_labels, sense_separation, token_spans,
)
from explorer.embeddings.presets import ANALOGIES, WORD_GROUPS, WORD_SETS
from explorer.embeddings.words import background_rows, lookup, nearest, unit_space, word_neighbours, word_points


@pytest.fixture(scope="module")
def space(glove):
    """GloVe with unit rows, built once for this module."""
    return unit_space(glove)


@pytest.fixture(scope="module")
def brute(glove):
    """GloVe in float64 straight from the file, with row norms, for reference distances."""
    vecs = np.asarray(glove.vectors, dtype=np.float64)
    return vecs, np.linalg.norm(vecs, axis=1)


@pytest.fixture()
def toy():
    """A 4-word space small enough to work out by hand."""
    words = ("east", "north", "west", "northeast")
    vectors = np.array([[1, 0], [0, 2], [-3, 0], [1, 1]], dtype=np.float32)
    return unit_space(WordVectors(words, vectors, {w: i for i, w in enumerate(words)}))


def test_unit_rows_have_length_one(space):
    """Check every normalised GloVe row has L2 norm 1."""
    norms = np.linalg.norm(space.rows(np.arange(0, 400_000, 997)), axis=1)
    assert np.allclose(norms, 1.0, atol=1e-5)


def test_raw_rows_come_back_from_unit_times_norm(space, glove):
    """Check unit * norm gives GloVe's stored rows, and the space keeps no second raw copy."""
    rows = np.arange(0, 400_000, 4_999)
    np.testing.assert_allclose(space.raw(rows), np.asarray(glove.vectors[rows]), rtol=1e-5, atol=1e-6)
    held = space.unit.nbytes + space.norms.nbytes
    assert held < 42e6 and space.unit.flags.c_contiguous and space.index is glove.index


def test_float16_rows_rank_neighbours_like_float32(space, glove):
    """Check the float16 shortlist still yields float32's exact top-10 neighbours and scores for preset words."""
    vecs = np.asarray(glove.vectors, dtype=np.float32)
    unit32 = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    for word in list(WORD_GROUPS)[:12]:
        exact = unit32 @ unit32[glove.index[word]]
        exact[glove.index[word]] = -np.inf
        got = word_neighbours(space, word, k=10)
        assert list(got.rows) == list(np.argsort(-exact, kind="stable")[:10]), word
        np.testing.assert_allclose(got.scores, exact[got.rows], atol=1e-6)


def test_toy_neighbours_by_hand(toy):
    """Check cosine and euclidean neighbours of a hand-made vector."""
    cos = nearest(toy, np.array([1.0, 0.1], np.float32), k=2, metric="cosine")
    assert cos.words == ("east", "northeast")
    euc = nearest(toy, np.array([0.0, 1.9], np.float32), k=2, metric="euclidean")
    assert euc.words == ("north", "northeast")
    assert euc.scores[0] == pytest.approx(0.1, abs=1e-5)  # |(0,2) - (0,1.9)|
    assert euc.scores[1] == pytest.approx(np.hypot(1, 0.9), abs=1e-5)


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
@pytest.mark.parametrize("word", ["frog", "paris", "computer"])
def test_neighbours_match_brute_force(space, brute, metric, word):
    """Check argpartition neighbours equal a full sort of brute-force distances."""
    got = word_neighbours(space, word, k=15, metric=metric)
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
    result = nearest(toy, np.array([1.0, 0.0], np.float32), k=4, exclude=("west",))
    assert result.words == ("east", "northeast", "north")


def test_bad_metric_and_k_raise(toy):
    """Check invalid metric or k raise ValueError."""
    with pytest.raises(ValueError):
        nearest(toy, np.ones(2, np.float32), metric="manhattan")
    with pytest.raises(ValueError):
        nearest(toy, np.ones(2, np.float32), k=0)


def test_king_man_woman_is_queen(space):
    """Check king - man + woman -> queen (about 0.852) once inputs are excluded."""
    result = solve_analogy(space, "King", "man", "woman", k=5)
    assert result.words[0] == "queen"
    assert result.scores[0] == pytest.approx(0.852, abs=0.005)
    assert not {"king", "man", "woman"} & set(result.words)
    assert result.with_inputs[0] == "king"  # why excluding the inputs matters


def test_paris_france_italy_is_rome(space):
    """Check paris - france + italy -> rome."""
    assert solve_analogy(space, "paris", "france", "italy").words[0] == "rome"


def test_analogy_unknown_word_raises(space):
    """Check an unknown analogy word raises KeyError naming it."""
    with pytest.raises(KeyError, match="qwzxv"):
        solve_analogy(space, "king", "qwzxv", "woman")


def test_lookup_reports_missing_duplicates_and_spellings(space):
    """Check lookup lower-cases, de-duplicates and suggests close spellings."""
    found = lookup(space, ["King", " queen ", "king", "qeen", "<b>x</b>", ""])
    assert found.found == ("king", "queen")
    assert found.duplicates == ("king",)
    assert found.missing == ("qeen", "<b>x</b>")
    assert "queen" in found.suggestions["qeen"]


def test_axes_by_hand(toy):
    """Check axis coordinates are cosines with the (to - from) direction."""
    place = place_on_axes(toy, ("north", "northeast"), (("west", "east"),))
    assert place.axes == ("west → east",)
    assert place.coords[:, 0] == pytest.approx([0.0, np.sqrt(0.5)], abs=1e-6)


def test_axes_on_glove_gender(space):
    """Check queen lies further toward 'woman' than king on the man -> woman axis."""
    place = place_on_axes(space, ("king", "queen"), (("man", "woman"),))
    assert place.coords[1, 0] > place.coords[0, 0]


def test_background_rows_are_frequent_alphabetic_words(space):
    """Check background rows skip punctuation and excluded words, in frequency order."""
    rows = background_rows(space, 5, exclude=("of",))
    assert [space.words[r] for r in rows] == ["the", "to", "and", "in", "a"]


RIVER = ["We sat on the bank of the river.", "The boat hit the muddy bank.",
         "I opened an account at the bank.", "The bank approved my loan."]
SENSES = ("river", "river", "money", "money")


def test_contextual_minilm_separates_senses_after_layer_0(minilm, cpu):
    """Check MiniLM's 'bank' senses separate more at the last layer than at layer 0."""
    model, tok = minilm
    ctx = contextual_vectors(model, tok, "bank", RIVER + ["No match here."], device=cpu)
    assert ctx.vectors.shape == (7, 4, 384)
    assert ctx.skipped == ("No match here.",)
    assert ctx.tokens[0] == ("bank",)
    sep = sense_separation(ctx.similarity, SENSES)
    assert sep[-1] > sep[0] + 0.05
    assert np.allclose(np.diagonal(ctx.similarity, axis1=1, axis2=2), 1.0, atol=1e-4)


def test_contextual_decoder_ignores_later_words(smollm2, cpu):
    """Check SmolLM2's 'bank' vector is identical when only words after it differ."""
    model, tok = smollm2
    ctx = contextual_vectors(model, tok, "bank", ["I went to the bank of the river.",
                                               "I went to the bank to get money."], device=cpu)
    assert ctx.vectors.shape[0] == model.config.num_hidden_layers + 1
    assert np.allclose(ctx.vectors[:, 0], ctx.vectors[:, 1], atol=1e-4)


def test_contextual_without_word_raises(minilm, cpu):
    """Check a word absent from every sentence gives a clear ValueError."""
    model, tok = minilm
    with pytest.raises(ValueError, match="no sentence contains"):
        contextual_vectors(model, tok, "zebra", ["A cat sat."], device=cpu)
    with pytest.raises(ValueError):
        contextual_vectors(model, tok, "  ", ["A cat sat."], device=cpu)


def test_contextual_reads_typed_control_tokens_per_mode(minilm, cpu):
    """Check a typed [SEP] is one control token by default and plain pieces with control='text'."""
    model, tok = minilm
    sentence = "The river [SEP] bank was muddy."
    lib_ids, lib_spans = token_spans(tok, sentence)
    text_ids, text_spans = token_spans(tok, sentence, control="text")
    assert lib_ids == encode(tok, sentence) and text_ids == encode(tok, sentence, control="text")
    assert lib_ids.count(tok.sep_token_id) == 2 and text_ids.count(tok.sep_token_id) == 1
    assert [sentence[s:e] for s, e in text_spans[3:6]] == ["[", "SEP", "]"]
    lib = contextual_vectors(model, tok, "bank", [sentence], device=cpu)
    plain = contextual_vectors(model, tok, "bank", [sentence], device=cpu, control="text")
    assert lib.tokens == plain.tokens == (("bank",),)
    assert not np.allclose(lib.vectors[-1], plain.vectors[-1], atol=1e-3)


def test_contextual_truncates_without_reconfiguring_the_tokenizer(minilm, cpu):
    """Check a 300-word sentence is cut to 256 tokens on the ids, the shared tokenizer left as loaded."""
    model, tok = minilm
    sentence = "bank " + "word " * 300
    ids, spans = token_spans(tok, sentence)
    assert ids == encode(tok, sentence, max_length=256) and len(spans) == 256 and spans[-1] == (0, 0)
    assert sentence[slice(*spans[1])] == "bank"
    ctx = contextual_vectors(model, tok, "bank", [sentence], device=cpu)
    assert ctx.vectors.shape == (7, 1, 384)
    assert tok._tokenizer.truncation is None and tok._tokenizer.padding is None


def test_sense_separation_by_hand():
    """Check separation = mean within-sense cosine - mean across-sense cosine."""
    sim = np.array([[[1.0, 0.9, 0.1], [0.9, 1.0, 0.3], [0.1, 0.3, 1.0]]], np.float32)
    sep = sense_separation(sim, ("a", "a", "b"))
    assert sep[0] == pytest.approx(0.9 - 0.2)
    assert np.isnan(sense_separation(sim, ("a", "b", "c"))).all()


def test_presets_are_in_glove_and_coloured(space):
    """Check every preset word and analogy word is in GloVe and every preset word has a colour group."""
    preset_words = {w for words in WORD_SETS.values() for w in words}
    analogy_words = {w for triple in ANALOGIES.values() for w in triple}
    assert all(w in space.index for w in preset_words | analogy_words)
    assert preset_words <= set(WORD_GROUPS)


def test_offset_cosine_by_hand_and_on_glove(toy, space):
    """Check offset parallelism: hand case is exact, king/queen vs man/woman is partial."""
    assert offset_cosine(toy, "west", "east", "west", "east") == pytest.approx(1.0)
    assert offset_cosine(toy, "east", "north", "north", "east") == pytest.approx(-1.0)
    par = offset_cosine(space, "man", "king", "woman", "queen")
    assert 0.2 < par < 0.95


def test_word_points_put_typed_words_first_then_background(toy):
    """Check the Words view's points: typed words named and grouped, background rows grey, raw vectors."""
    points = word_points(toy, ("north", "east"), [3])
    assert points.labels == ("north", "east", "northeast")
    assert points.groups == ("your words", "your words", "background")
    assert points.focus.tolist() == [True, True, False] and points.named == (0, 1)
    np.testing.assert_allclose(points.vectors, [[0, 2], [1, 0], [1, 1]], atol=1e-6)


def test_word_points_use_preset_colour_groups(space):
    """Check a preset word gets its preset group rather than 'your words'."""
    points = word_points(space, ("king", "zebra"))
    assert points.groups[0] == WORD_GROUPS["king"] and points.vectors.shape == (2, 50)


def test_analogy_points_are_unit_rows_with_roles(space):
    """Check the analogy picture's points: a, b, c, answers then the target, every row of length 1."""
    result = solve_analogy(space, "king", "man", "woman", k=3)
    points = analogy_points(space, result)
    assert points.labels == ("king", "man", "woman", *result.words, "a − b + c")
    assert points.roles == ("a", "b", "c", "answer", "other", "other", "target")
    np.testing.assert_allclose(np.linalg.norm(points.unit, axis=1), 1.0, atol=1e-5)
    target = result.target / np.linalg.norm(result.target)
    np.testing.assert_allclose(points.unit[-1], target, atol=1e-6)


def test_peak_layer_and_sense_labels_by_hand():
    """Check the peak layer ignores NaN, -1 when nothing is scored, and unlabelled lines get numbers."""
    assert peak_layer(np.array([0.1, np.nan, 0.4, 0.2])) == 2
    assert peak_layer(np.full(3, np.nan)) == -1

    class Kept:
        sentences = ("b c", "a bank")

    labels = sense_labels(Kept(), ("no word", "a bank", "b c"), ("x", "", "river"))
    assert labels == ("river", "sentence 2")


def test_lookup_suggests_for_the_first_few_unknown_words_only(toy):
    """Check only the first suggest_max unknown words are scanned for spellings, all are still reported."""
    found = lookup(toy, ["nort", "eastt", "wesst", "east"], suggest_max=2)
    assert found.missing == ("nort", "eastt", "wesst") and found.found == ("east",)
    assert set(found.suggestions) == {"nort", "eastt"}
    assert found.suggestions["nort"][0] == "north" and "wesst" not in found.suggestions
    assert lookup(toy, ["nort"], suggest_max=0).suggestions == {}


def test_axis_ends_by_hand(toy):
    """Check the words toward each end of west -> east are ranked by cosine, the poles left out."""
    ends = axis_ends(toy, "west", "east", k=2, vocab=10)
    assert ends.axis == "west → east" and ends.searched == 2
    assert ends.high == ("northeast", "north") and ends.low == ("north", "northeast")
    assert ends.high_scores == pytest.approx([np.sqrt(0.5), 0.0], abs=1e-6)
    with pytest.raises(KeyError):
        axis_ends(toy, "west", "south")
    with pytest.raises(ValueError):
        axis_ends(toy, "west", "east", k=0)


def test_axis_ends_on_glove_are_frequent_words_on_each_side(space):
    """Check small -> big puts words with positive cosine at the 'big' end and negative at the 'small' end."""
    ends = axis_ends(space, "small", "big", k=10)
    assert ends.searched == 50_000 and len(ends.high) == len(ends.low) == 10
    assert (ends.high_scores > 0.3).all() and (ends.low_scores < -0.3).all()
    assert "small" not in ends.low and "big" not in ends.high
    assert all(space.index[w] < 60_000 for w in ends.high + ends.low)
