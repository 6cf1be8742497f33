"""Unit tests for explorer.attention extract, matrices, patterns, show_work, focus and compare."""
import numpy as np
import pytest
import torch

from explorer.attention.compare import compare
from explorer.attention.extract import Attention, ExtractConfig, extract
from explorer.attention.focus import find_token, focus, pick_cell
from explorer.attention.matrices import aggregate_heads, hide_columns, rollout, to_csv, top_k_edges
from explorer.attention.patterns import head_patterns
from explorer.attention.show_work import WorkConfig, show_work
from tests.unit.tiny_families import build

CPU = torch.device("cpu")
CAT = "The cat sat on the mat because it was comfortable."


@pytest.fixture(scope="module")
def tiny_bert():
    """A random 2-layer, 4-head BERT with eager attention and a [CLS] ... [SEP] word tokenizer."""
    return build("bert")


@pytest.fixture(scope="module")
def tiny_llama():
    """A random 2-layer Llama with grouped-query attention (4 query heads / 2 KV heads), BOS <s>."""
    return build("llama")


def test_tiny_encoder_rows_sum_to_one_and_counts_match(tiny_bert):
    """Check a tiny BERT gives [2 layers, 4 heads, n, n] rows that sum to 1 and is not causal."""
    model, tok = tiny_bert
    att = extract(model, tok, "the cat sat on the mat", device=CPU)
    assert att.weights.shape == (2, 4, 8, 8)
    assert not att.causal and att.special[[0, -1]].all()
    np.testing.assert_allclose(att.weights.sum(-1), 1.0, atol=1e-5)


def test_tiny_decoder_is_causal_with_gqa(tiny_llama):
    """Check a tiny Llama's upper triangle is exactly 0, rows sum to 1, and KV heads are reported."""
    model, tok = tiny_llama
    att = extract(model, tok, "the cat sat on the mat", device=CPU)
    assert att.causal and att.kv_heads == 2 and att.weights.shape == (2, 4, 7, 7)
    upper = att.weights[..., np.triu_indices(7, k=1)[0], np.triu_indices(7, k=1)[1]]
    assert np.all(upper == 0.0)
    np.testing.assert_allclose(att.weights.sum(-1), 1.0, atol=1e-5)


def test_real_models_rows_sum_and_shapes(minilm, smollm2):
    """Check real MiniLM (6x12) and SmolLM2 (30x9, causal) attentions on the notes' sentence."""
    enc = extract(*minilm, CAT, device=CPU)
    dec = extract(*smollm2, CAT, device=CPU)
    assert enc.shape == (6, 12, 13) and enc.tokens[0] == "[CLS]" and not enc.causal
    assert dec.shape[:2] == (30, 9) and dec.causal and dec.kv_heads == 3
    for att in (enc, dec):
        np.testing.assert_allclose(att.weights.sum(-1), 1.0, atol=1e-4)
    n = dec.shape[2]
    assert np.abs(dec.weights[..., np.triu_indices(n, 1)[0], np.triu_indices(n, 1)[1]]).max() == 0.0


def test_extract_truncates_and_rejects_empty(minilm):
    """Check long text is cut to max_tokens with the full count kept, and blank text raises."""
    att = extract(*minilm, "word " * 40, device=CPU, config=ExtractConfig(max_tokens=16))
    assert len(att.tokens) == 16 and att.n_input_tokens == 42 and att.truncated
    assert att.tokens[0] == "[CLS]" and att.tokens[-1] == "[SEP]"  # the cut keeps the closing special
    with pytest.raises(ValueError, match="empty"):
        extract(*minilm, "   \n", device=CPU)
    with pytest.raises(ValueError):
        ExtractConfig(max_tokens=1)


def test_extract_pairs_and_typed_controls_leave_the_tokenizer_alone(minilm):
    """Check a cut pair keeps [CLS] a [SEP] b [SEP], control='text' spells a typed [SEP], tokenizer untouched."""
    model, tok = minilm
    att = extract(model, tok, "word " * 30, "the cat sat", device=CPU, config=ExtractConfig(max_tokens=16))
    assert len(att.tokens) == 16 and att.n_input_tokens == 36
    assert att.tokens[0] == "[CLS]" and att.tokens.count("[SEP]") == 2 and att.tokens[-1] == "[SEP]"
    assert att.tokens[-4:-1] == ("the", "cat", "sat")  # longest first: only the long segment was cut
    typed = "the cat [SEP] sat"
    assert extract(model, tok, typed, device=CPU).tokens.count("[SEP]") == 2
    plain = extract(model, tok, typed, device=CPU, control="text")
    assert plain.tokens.count("[SEP]") == 1 and plain.tokens[3:6] == ("[", "sep", "]")
    assert tok._tokenizer.truncation is None and tok._tokenizer.padding is None


def test_mask_encoder_uses_mask_token_and_decoder_blocks_key(tiny_bert, tiny_llama):
    """Check masking swaps in [MASK] for an encoder and zeroes the key column in a decoder."""
    enc = extract(*tiny_bert, "the cat sat", device=CPU, config=ExtractConfig(mask_position=2))
    assert enc.token_ids[2] == tiny_bert[1].mask_token_id and "[MASK]" in enc.masked
    dec = extract(*tiny_llama, "the cat sat on", device=CPU, config=ExtractConfig(mask_position=1))
    assert np.allclose(dec.weights[:, :, 2:, 1], 0.0) and "attention_mask" in dec.masked


def test_rollout_matches_hand_computed_two_layers():
    """Check rollout of a 2-layer, 1-head case equals (0.5A2+0.5I)(0.5A1+0.5I) worked by hand."""
    a1 = np.array([[1.0, 0.0], [0.5, 0.5]])
    a2 = np.array([[0.0, 1.0], [0.0, 1.0]])
    w = np.stack([a1, a2])[:, None]  # [layer=2, head=1, 2, 2]
    # layer 1: 0.5*a1 + 0.5*I = [[1, 0], [.25, .75]]; layer 2: [[.5, .5], [0, 1]]
    expected_2 = np.array([[0.5, 0.5], [0.0, 1.0]]) @ np.array([[1.0, 0.0], [0.25, 0.75]])
    out = rollout(w)
    np.testing.assert_allclose(out[0], [[1.0, 0.0], [0.25, 0.75]], atol=1e-6)
    np.testing.assert_allclose(out[1], expected_2, atol=1e-6)
    np.testing.assert_allclose(out[1], [[0.625, 0.375], [0.25, 0.75]], atol=1e-6)


def test_hide_columns_and_aggregates():
    """Check hidden columns are zero with rows renormalised, and mean/max over heads."""
    w = np.array([[[[0.5, 0.25, 0.25], [0.2, 0.8, 0.0], [1.0, 0.0, 0.0]]],
                  [[[0.1, 0.1, 0.8], [0.0, 1.0, 0.0], [0.5, 0.5, 0.0]]]], dtype=np.float32)
    heads = np.transpose(w, (1, 0, 2, 3))  # [layer=1, head=2, 3, 3]
    hidden = hide_columns(heads[0, 0], np.array([True, False, False]))
    np.testing.assert_allclose(hidden, [[0, 0.5, 0.5], [0, 1, 0], [0, 0, 0]], atol=1e-6)
    np.testing.assert_allclose(aggregate_heads(heads, "mean")[0, 0], [0.3, 0.175, 0.525], atol=1e-6)
    np.testing.assert_allclose(aggregate_heads(heads, "max")[0, 0], [0.5, 0.25, 0.8], atol=1e-6)
    with pytest.raises(ValueError):
        aggregate_heads(heads, "median")


def _pattern_att(matrix: np.ndarray, causal: bool = True) -> Attention:
    n = matrix.shape[-1]
    return Attention(tuple("abcdefgh"[:n]), np.arange(n), matrix[None, None].astype(np.float32),
                       np.zeros(n, bool), causal, n, 1)


def test_head_patterns_tag_synthetic_heads():
    """Check previous-token, sink, self and broad heads are each tagged as built."""
    n = 6
    prev = np.eye(n, k=-1)
    prev[0, 0] = 1
    sink = np.zeros((n, n))
    sink[:, 0] = 1
    tril = np.tril(np.ones((n, n)))
    broad = tril / tril.sum(1, keepdims=True)
    cases = {"previous-token": prev, "first-token/sink": sink, "self": np.eye(n), "broad": broad}
    for name, matrix in cases.items():
        assert head_patterns(_pattern_att(matrix)).tags[0, 0] == name


def test_top_k_edges_keep_strongest():
    """Check top-k keeps k entries per row, the right ones, and reports the mass kept."""
    m = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]], dtype=np.float32)
    e = top_k_edges(m, 1)
    assert sorted(zip(e.query.tolist(), e.key.tolist())) == [(0, 0), (1, 2)]
    assert e.kept_mass == pytest.approx(0.75) and e.cells == 6


@pytest.mark.parametrize("layer,head", [(0, 0), (1, 3)])
def test_show_work_reproduces_tiny_llama(tiny_llama, layer, head):
    """Check q.k/sqrt(d) + causal softmax with RoPE and GQA equals the tiny Llama's weights."""
    model, _ = tiny_llama
    work = show_work(model, [5, 6, 7, 8, 9], WorkConfig(layer, head, 3), device=CPU, causal=True)
    assert work.rope and work.kv_head == head // 2
    assert work.max_abs_error < 1e-5 and work.weights[4] == 0.0


def _hook_count(model) -> int:
    """Forward and pre-forward hooks on every module (transformers keeps its own output recorders)."""
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in model.modules())


def test_show_work_reproduces_real_models_without_hooks(minilm, smollm2):
    """Check the hand softmax matches real MiniLM and SmolLM2 (post-RoPE) weights and adds no hook."""
    for (model, tok), cfg in ((minilm, WorkConfig(3, 7, 8)), (smollm2, WorkConfig(12, 8, 7))):
        ids = tok(CAT)["input_ids"]
        before = _hook_count(model)
        work = show_work(model, ids, cfg, device=CPU)
        assert work.max_abs_error < 1e-5
        assert work.weights.sum() == pytest.approx(1.0)
        assert _hook_count(model) == before and not any(m._forward_pre_hooks for m in model.modules())
    assert work.kv_head == 2 and work.rope


def test_focus_and_csv_on_real_minilm(minilm):
    """Check the 'it' -> 'mat' summary ranks mat among non-special keys and CSV has n+1 rows."""
    att = extract(*minilm, CAT, device=CPU)
    it, mat = find_token(att, "it"), find_token(att, "mat")
    f = focus(att, it, mat)
    assert (it, mat) == (8, 6) and 1 <= f.target_rank <= 10
    assert all(t not in ("[CLS]", "[SEP]") for t, _ in f.ranked)
    rows = to_csv(att.weights[0, 0], att.tokens).strip().splitlines()
    assert len(rows) == 14 and rows[0].startswith("query \\ key,0:[CLS]")


def test_show_work_with_cached_row_matches_extracted_row(smollm2):
    """Check show-the-work given the page's cached row still reproduces SmolLM2's weights."""
    model, tok = smollm2
    att = extract(model, tok, CAT, device=CPU)
    row = att.weights[4, 2, 9]
    work = show_work(model, att.token_ids.tolist(), WorkConfig(4, 2, 9), device=CPU, causal=True,
                     model_row=row)
    assert work.max_abs_error < 1e-5 and work.kv_head == 0


def test_focus_in_a_decoder_ranks_only_visible_keys(tiny_llama):
    """Check a decoder's summary never lists a future key (their weight is masked to 0)."""
    att = extract(*tiny_llama, "the cat sat on the mat", device=CPU)
    f = focus(att, 3, target=5)
    assert len(f.ranked) == 2 and f.target_rank == 0  # keys 1, 2 only (0 is the sink, 3 itself)


def _two_heads() -> Attention:
    """[CLS] a b [SEP] with 1 layer x 2 heads, rows worked by hand (encoder)."""
    h0 = np.array([[1, 0, 0, 0], [0.5, 0.5, 0, 0], [0, 0.25, 0.75, 0], [0.1, 0.2, 0.3, 0.4]])
    h1 = np.array([[0, 0, 0, 1], [0, 0, 1, 0], [0, 1, 0, 0], [0.4, 0.3, 0.2, 0.1]])
    weights = np.stack([h0, h1])[None].astype(np.float32)  # [layer=1, head=2, 4, 4]
    return Attention(("[CLS]", "a", "b", "[SEP]"), np.arange(4), weights,
                     np.array([True, False, False, True]), False, 4, 2)


def test_focus_per_layer_is_the_head_mean_by_hand():
    """Check the per-layer row is the mean over heads and sinks are left out of the ranking."""
    f = focus(_two_heads(), query=1, target=2)
    np.testing.assert_allclose(f.per_layer, [[0.25, 0.25, 0.5, 0.0]], atol=1e-6)
    assert [t for t, _ in f.ranked] == ["b"] and f.target_rank == 1
    assert f.best_head == (0, 1) and f.best_head_weight == pytest.approx(1.0)


def test_pick_cell_defaults_to_last_plain_token_and_row_argmax():
    """Check with no preset and no choice the query is the last non-special token and the key its argmax."""
    att = _two_heads()
    cell = pick_cell(att, "a b", layer=0, head=0)
    assert (cell.query, cell.key, cell.target, cell.claim) == (2, 2, -1, "")
    assert pick_cell(att, "a b", layer=0, head=1).key == 1  # head 1's row for 'b' is all on 'a'
    chosen = pick_cell(att, "a b", layer=0, head=0, query=1, key=3)
    assert (chosen.query, chosen.key) == (1, 3)
    assert pick_cell(att, "a b", layer=0, head=0, query=99).query == 2  # out of range: automatic


def test_pick_cell_answers_the_notes_question_on_real_minilm(minilm):
    """Check the 'it -> mat' preset picks 'it' as query and 'mat' as key and target, unless chosen by hand."""
    att = extract(*minilm, CAT, device=CPU)
    cell = pick_cell(att, CAT, layer=0, head=0)
    assert (cell.query, cell.key, cell.target) == (8, 6, 6) and "refers to" in cell.claim
    by_hand = pick_cell(att, CAT, layer=0, head=0, query=2)
    assert by_hand.query == 2 and by_hand.key == 6 and by_hand.target == -1


def test_compare_difference_statistics_by_hand():
    """Check B - A, its largest cell and the mean share moved per row (half the L1 distance)."""
    a = _pattern_att(np.array([[1.0, 0.0], [0.5, 0.5]]), causal=False)
    b = _pattern_att(np.array([[0.6, 0.4], [0.5, 0.5]]), causal=False)
    cmp = compare(a, b, "head", layer=0, head=0)
    np.testing.assert_allclose(cmp.diff, [[-0.4, 0.4], [0.0, 0.0]], atol=1e-6)
    assert cmp.same_length and cmp.largest == pytest.approx(0.4)
    assert cmp.moved == pytest.approx((0.4 + 0.0) / 2)  # row 0 moved 0.4 of its weight, row 1 none
    assert compare(a, b, "rollout", 0, 0).largest == pytest.approx(0.4)  # rollout is compared per head


def test_compare_different_lengths_has_no_difference():
    """Check runs of different lengths keep both matrices but give no B - A."""
    a = _pattern_att(np.eye(2), causal=False)
    b = _pattern_att(np.eye(3), causal=False)
    cmp = compare(a, b, "mean of heads", layer=0, head=0)
    assert not cmp.same_length and cmp.diff is None and cmp.b.shape == (3, 3)
