"""Unit tests: how the Attention page keeps a run (float16, cell budget, hidden states) and show-the-work from it."""
import numpy as np
import pytest
import torch

from explorer.attention import storage, work_text
from explorer.attention.extract import extract
from explorer.attention.matrices import rollout
from explorer.attention.patterns import head_patterns
from explorer.attention.seq2seq import extract_seq2seq
from explorer.attention.show_work import WorkConfig, show_work
from tests.unit.tiny_families import KEYS, build

CPU = torch.device("cpu")
SENTENCE = "the cat sat on the mat because it was"


def _kept(key: str):
    """A tiny family's run as the page keeps it (compact, with hidden states)."""
    model, tok = build(key)
    if key in ("t5", "bart"):
        s2s = extract_seq2seq(model, tok, "the cat sat on the mat", "the dog ran", device=CPU, keep_hidden=True)
        return model, storage.compact_seq2seq(s2s), ("encoder", "decoder", "cross")
    return model, storage.compact(extract(model, tok, SENTENCE, device=CPU, keep_hidden=True)), ("",)


def test_token_budget_keeps_every_run_under_the_cell_cap():
    """Check SmolLM2 keeps 512 tokens, wider models get fewer, and no budget exceeds MAX_CELLS."""
    assert storage.token_budget(30 * 9, 8192) == 512
    assert storage.token_budget(6 * 12, 512) == 512 and storage.token_budget(6 * 12, 128) == 128
    assert storage.token_budget(28 * 16, 32768) == 397  # Qwen3-0.6B
    for maps in (1, 72, 270, 448, 1024, 3 * 24 * 16):
        n = storage.token_budget(maps)
        assert maps * n * n <= storage.MAX_CELLS and 2 <= n <= 512


def test_attention_maps_reads_families_configs():
    """Check layers x heads from GPT-2, Llama and BERT configs, x3 for T5 and BART."""
    assert storage.attention_maps(build("gpt2")[0].config) == 2 * 4
    assert storage.attention_maps(build("llama")[0].config) == 2 * 4
    assert storage.attention_maps(build("bert")[0].config) == 2 * 4
    assert storage.attention_maps(build("t5")[0].config) == 3 * 2 * 4
    assert storage.attention_maps(build("bart")[0].config) == 3 * 2 * 4


def test_keep_hidden_returns_every_block_input():
    """Check extract(keep_hidden=True) gives [layers + 1, pos, hidden] equal to the model's own hidden states."""
    model, tok = build("llama")
    att = extract(model, tok, SENTENCE, device=CPU, keep_hidden=True)
    assert extract(model, tok, SENTENCE, device=CPU).hidden is None
    ids = torch.tensor([att.token_ids.tolist()])
    with torch.no_grad():
        states = model(input_ids=ids, output_hidden_states=True).hidden_states
    assert att.hidden.shape == (3, len(att.tokens), 32) and att.hidden.dtype == np.float32
    np.testing.assert_allclose(att.hidden, torch.stack(states)[:, 0].numpy(), atol=1e-6)


def test_compact_halves_the_weights_and_freezes_them():
    """Check float16 weights within 2.5e-4 of float32, half the bytes, hidden kept float32, all read-only."""
    model, tok = build("gpt2")
    full = extract(model, tok, SENTENCE, device=CPU, keep_hidden=True)
    kept = storage.compact(full)
    assert kept.weights.dtype == np.float16 and kept.hidden.dtype == np.float32
    assert kept.weights.nbytes * 2 == full.weights.nbytes
    assert np.abs(kept.weights.astype(np.float32) - full.weights).max() <= 2.5e-4
    assert storage.nbytes(kept) == kept.weights.nbytes + kept.hidden.nbytes + kept.token_ids.nbytes + \
        kept.special.nbytes
    for array in (kept.weights, kept.hidden, kept.token_ids, kept.special):
        with pytest.raises(ValueError):
            array[(0,) * array.ndim] = 1


def test_float16_weights_give_the_same_tags_and_rollout():
    """Check head patterns and rollout from float16 weights match float32 (no log(0), no big copies)."""
    model, tok = build("bert")
    full = extract(model, tok, SENTENCE, device=CPU)
    kept = storage.compact(full)
    assert (head_patterns(kept).tags == head_patterns(full).tags).all()
    np.testing.assert_allclose(head_patterns(kept).scores, head_patterns(full).scores, atol=2e-3)
    np.testing.assert_allclose(rollout(kept.weights), rollout(full.weights), atol=1e-3)


@pytest.mark.parametrize("key", KEYS)
def test_held_show_the_work_equals_a_fresh_forward_pass(key):
    """Check, per family and part, the row from kept hidden states equals the forward-pass one, with no forward."""
    model, run, parts = _kept(key)
    for part in parts:
        cell = WorkConfig(1, 2, 3)
        exact = storage.work_for(model, run, part, cell, device=CPU, exact=True)
        original = model.forward
        model.forward = lambda *a, **k: pytest.fail("the held path must not run the model")
        try:
            held = storage.work_for(model, run, part, cell, device=CPU)
        finally:
            model.forward = original
        np.testing.assert_allclose(held.weights, exact.weights, atol=1e-9)
        assert exact.max_abs_error < 1e-5 and held.max_abs_error <= 2.5e-4
        assert held.part == exact.part == {"": "self", "encoder": "self"}.get(part, part)


def test_held_path_needs_the_models_row():
    """Check block_input without model_row (or cross without the encoder output) is refused."""
    model, tok = build("t5")
    with pytest.raises(ValueError, match="model_row"):
        show_work(model, [5, 6, 7], WorkConfig(0, 0, 1), device=CPU, block_input=np.zeros((3, 32), np.float32))
    with pytest.raises(ValueError, match="encoded"):
        show_work(model, [5, 6, 7], WorkConfig(0, 0, 0, "cross"), device=CPU, target_ids=[0],
                  block_input=np.zeros((1, 32), np.float32), model_row=np.ones(3) / 3)


def test_real_smollm2_cell_from_the_kept_run_matches_the_model(smollm2):
    """Check SmolLM2's held row equals the forward-pass row and its float32 weights to 1e-5."""
    model, tok = smollm2
    run = storage.compact(extract(model, tok, "The cat sat on the mat because it was comfortable.", device=CPU,
                                  keep_hidden=True))
    held = storage.work_for(model, run, "", WorkConfig(17, 5, 9), device=CPU)
    exact = storage.work_for(model, run, "", WorkConfig(17, 5, 9), device=CPU, exact=True)
    np.testing.assert_allclose(held.weights, exact.weights, atol=1e-9)
    assert exact.max_abs_error < 1e-5 and held.max_abs_error <= 2.5e-4 and held.kv_head == 1


def _work(key: str, part: str = ""):
    model, run, _ = _kept(key)
    return storage.work_for(model, run, part, WorkConfig(1, 2, 3), device=CPU)


def test_explain_states_each_familys_real_scaling():
    """Check 1/√d for Llama, no scaling for T5, Gemma 2's 1/√12 with its soft-cap, never a wrong √d."""
    assert work_text.scaling(_work("llama")) == "× 1/√8 = 0.3536"
    t5 = work_text.explain(_work("t5", "encoder"), 1, 2, 3, 1, "cat", "the")
    assert "× 1 (no scaling: T5 folds it" in t5 and "√" not in t5.split("score =")[1]
    assert "relative positions" in t5 and "position bias" in t5
    gemma = _work("gemma2")
    assert work_text.scaling(gemma) == "× 1/√12 = 0.2887 (this model's own scaling, not 1/√8)"
    assert work_text.formula(gemma) == "score = 3·tanh(q·k × scale / 3)"
    assert "soft-capped: 3·tanh(" in work_text.explain(gemma, 1, 2, 3, 1, "cat", "the")


def test_explain_positions_windows_and_cross_attention():
    """Check RoPE, ALiBi and the sliding window are named, and cross-attention names decoder and encoder."""
    mistral = work_text.explain(_work("mistral"), 1, 2, 3, 0, "sat", "<s>")
    assert "RoPE" in mistral and "Sliding window of 3" in mistral and "masked" in mistral  # key 0 is 3 back
    assert "ALiBi" in work_text.explain(_work("bloom"), 1, 2, 3, 1, "on", "cat")
    cross = work_text.explain(_work("bart", "cross"), 1, 2, 3, 1, "ran", "cat")
    assert "of the cross-attention" in cross and "decoder token 3" in cross and "encoder token 1" in cross


def test_explain_escapes_tokens():
    """Check a token holding markdown (a link, an image, a backtick, *, #) is shown as its characters."""
    text = work_text.explain(_work("llama"), 1, 2, 3, 1, "[x](http://e)", "![i](http://e/i.png)`*#")
    assert "[x](http://e)" not in text and "![i]" not in text and "\\`\\*\\#" in text


def test_extract_can_stack_weights_straight_into_float16():
    """Check weights_dtype=float16 gives exactly the float32 weights rounded to float16."""
    model, tok = build("qwen2")
    full = extract(model, tok, SENTENCE, device=CPU)
    half = extract(model, tok, SENTENCE, device=CPU, weights_dtype=torch.float16)
    assert full.weights.dtype == np.float32 and half.weights.dtype == np.float16
    np.testing.assert_array_equal(half.weights, full.weights.astype(np.float16))
