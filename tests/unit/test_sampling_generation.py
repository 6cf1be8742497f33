"""Unit tests of the step loop: parity with model.generate(), replay, samples, logit lens."""
import numpy as np
import pytest
import torch
from transformers import LlamaConfig, LlamaForCausalLM, LogitsProcessorList

from explorer.sampling.generation import RunConfig, decision, encode_prompt, extend, logit_lens, sample_many
from explorer.sampling.pipeline import FrequencyPresencePenalty, SamplingConfig

PROMPT = (5, 17, 3, 42, 8)
SETTINGS = [SamplingConfig(0.0), SamplingConfig(1.0), SamplingConfig(0.7, top_k=10, top_p=0.9),
            SamplingConfig(1.5, min_p=0.05, repetition_penalty=1.3)]


class FakeTok:
    """Just enough tokenizer for a random-init model."""

    eos_token_id = 2  # LlamaConfig's default eos, so both loops stop alike

    def decode(self, ids):
        return "".join(f"<{int(i)}>" for i in ids)


@pytest.fixture(scope="module")
def tiny():
    """A tiny random-init Llama (vocab 64), seeded."""
    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128)
    return LlamaForCausalLM(cfg).eval()


def _generate(model, prompt, cfg, n, seed, procs=None):
    torch.manual_seed(seed)
    ids = torch.tensor([list(prompt)])
    out = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=n,
                         logits_processor=procs, pad_token_id=0, **cfg.generate_kwargs())
    return out[0, len(prompt):].tolist()


@pytest.mark.parametrize("cfg", SETTINGS)
def test_tiny_model_matches_generate(tiny, cfg):
    """Check the step loop yields generate()'s tokens for the same seed and settings."""
    path = extend(tiny, FakeTok(), PROMPT, cfg, RunConfig(12, seed=7))
    assert path.token_ids.tolist() == _generate(tiny, PROMPT, cfg, 12, 7)


def test_extra_penalties_match_generate_with_processor(tiny):
    """Check frequency/presence penalties equal generate() given the same extra processor."""
    cfg = SamplingConfig(0.9, frequency_penalty=0.8, presence_penalty=0.5)
    procs = LogitsProcessorList([FrequencyPresencePenalty(0.8, 0.5, len(PROMPT))])
    path = extend(tiny, FakeTok(), PROMPT, cfg, RunConfig(12, seed=3))
    assert path.token_ids.tolist() == _generate(tiny, PROMPT, cfg, 12, 3, procs)


@pytest.mark.parametrize("cfg", SETTINGS[1:3])
def test_stepping_equals_generating_at_once(tiny, cfg):
    """Check one-token steps (replaying the path each time) give the all-at-once tokens."""
    whole = extend(tiny, FakeTok(), PROMPT, cfg, RunConfig(8, seed=11)).token_ids.tolist()
    path = []
    for _ in range(8):
        path = extend(tiny, FakeTok(), PROMPT, cfg, RunConfig(1, seed=11), forced=path).token_ids.tolist()
    assert path == whole


def test_replay_marks_forced_and_keeps_records(tiny):
    """Check a replayed path is flagged and its per-step records match a fresh run."""
    cfg = SamplingConfig(0.8)
    fresh = extend(tiny, FakeTok(), PROMPT, cfg, RunConfig(5, seed=2))
    replay = extend(tiny, FakeTok(), PROMPT, cfg, RunConfig(0, seed=2), forced=fresh.token_ids)
    assert replay.forced.all() and not fresh.forced.any()
    np.testing.assert_allclose(replay.p_final, fresh.p_final, rtol=1e-4)
    assert (replay.rank_base >= 1).all() and replay.alt_ids.shape == (5, 8)


def test_records_are_consistent(tiny):
    """Check p_final is 1 and effective choices 1 for greedy; entropy >= 0 when sampling."""
    greedy = extend(tiny, FakeTok(), PROMPT, SamplingConfig(0.0), RunConfig(6, seed=0))
    np.testing.assert_allclose(greedy.p_final, 1.0)
    np.testing.assert_allclose(greedy.effective_choices, 1.0, rtol=1e-5)
    sampled = extend(tiny, FakeTok(), PROMPT, SamplingConfig(1.0), RunConfig(6, seed=0))
    assert (sampled.entropy_final > 0).all()
    np.testing.assert_allclose(sampled.p_final, sampled.p_base, rtol=1e-4)  # T=1, no filters


def test_decision_matches_first_step(tiny):
    """Check the full pipeline for the next token agrees with the loop's first record."""
    cfg = SamplingConfig(0.7, top_k=5)
    path = extend(tiny, FakeTok(), PROMPT, cfg, RunConfig(1, seed=0))
    result = decision(tiny, PROMPT, (), cfg)
    token = int(path.token_ids[0])
    assert result.final_probs[token] == pytest.approx(float(path.p_final[0]), rel=1e-4)
    assert int((result.final_probs > 0).sum()) == 5


def test_sample_many_is_seeded_and_greedy_is_constant(tiny):
    """Check N samples repeat with the seed, differ across rows, and greedy rows agree."""
    a = sample_many(tiny, FakeTok(), PROMPT, SamplingConfig(1.0), 16, RunConfig(6, seed=4))
    b = sample_many(tiny, FakeTok(), PROMPT, SamplingConfig(1.0), 16, RunConfig(6, seed=4))
    assert (a.token_ids == b.token_ids).all() and len(a.counts) > 1
    assert sum(c for _, c in a.counts) == 16
    g = sample_many(tiny, FakeTok(), PROMPT, SamplingConfig(0.0), 4, RunConfig(6, seed=4))
    assert len(g.counts) == 1


def test_sample_many_first_row_is_a_valid_draw(tiny):
    """Check a batch of one equals the step loop (same RNG stream)."""
    cfg = SamplingConfig(0.9)
    one = sample_many(tiny, FakeTok(), PROMPT, cfg, 1, RunConfig(6, seed=9))
    assert one.token_ids[0].tolist() == extend(tiny, FakeTok(), PROMPT, cfg, RunConfig(6, seed=9)).token_ids.tolist()


def test_logit_lens_last_layer_is_the_model(tiny):
    """Check the lens' last layer gives the token's true rank in the model's logits."""
    logits = tiny(torch.tensor([list(PROMPT)])).logits[0, -1]
    target = int(logits.argsort(descending=True)[3])
    lens = logit_lens(tiny, FakeTok(), PROMPT, target)
    assert lens.rank[-1] == 4 and len(lens.layers) == 3
    assert lens.first_top_layer is None


def test_run_config_caps():
    """Check max new tokens over the cap and negative seeds are refused."""
    with pytest.raises(ValueError, match="max new tokens"):
        RunConfig(10_000)
    with pytest.raises(ValueError, match="seed"):
        RunConfig(5, seed=-1)


SMOL_SETTINGS = [SamplingConfig(0.0), SamplingConfig(0.0, repetition_penalty=1.3), SamplingConfig(1.0),
                 SamplingConfig(0.7, top_k=40, top_p=0.9), SamplingConfig(1.3, min_p=0.1, repetition_penalty=1.2)]


@pytest.mark.parametrize("cfg", SMOL_SETTINGS)
def test_smollm2_matches_generate(smollm2, cfg):
    """Check on the real SmolLM2 that the lab's loop gives exactly generate()'s tokens."""
    model, tok = smollm2
    prompt = encode_prompt(tok, "Write a one-line poem about the sea.", chat=True)
    path = extend(model, tok, prompt.ids, cfg, RunConfig(10, seed=5))
    torch.manual_seed(5)
    ids = torch.tensor([list(prompt.ids)])
    out = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=10, **cfg.generate_kwargs())
    assert path.token_ids.tolist() == out[0, ids.shape[1]:].tolist()


def test_smollm2_lens_and_truncation(smollm2):
    """Check 'Paris' is the final-layer top token and long prompts keep their last tokens."""
    model, tok = smollm2
    prompt = encode_prompt(tok, "The capital of France is", chat=False)
    paris = tok(" Paris", add_special_tokens=False)["input_ids"][0]
    lens = logit_lens(model, tok, prompt.ids, paris)
    assert lens.rank[-1] == 1 and lens.first_top_layer is not None
    long = encode_prompt(tok, "word " * 3000, chat=False, limit=1024)
    assert len(long.ids) == 1024 and long.truncated == long.total - 1024
