"""Unit tests of the step loop: parity with model.generate(), replay, samples, logit lens."""
import numpy as np
import pytest
import torch
from transformers import LlamaConfig, LlamaForCausalLM, LogitsProcessorList

from explorer.sampling import batches
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


def _until_eos(row, eos=2) -> list[int]:
    """A row up to and including its first end-of-sequence (generate() pads after it, sample_many draws on)."""
    row = [int(t) for t in row]
    return row[: row.index(eos) + 1] if eos in row else row


def _generate_n(model, prompt, cfg, n, steps, seed, eos=2):
    torch.manual_seed(seed)
    ids = torch.tensor([list(prompt)])
    out = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=steps, num_return_sequences=n,
                         pad_token_id=eos, **cfg.generate_kwargs())
    return [_until_eos(r, eos) for r in out[:, ids.shape[1]:].tolist()]


@pytest.mark.parametrize("cfg", SETTINGS[1:])
def test_one_batch_of_samples_matches_generate(tiny, cfg):
    """Check N samples within one batch are generate(num_return_sequences=N)'s under the same seed."""
    samples = sample_many(tiny, FakeTok(), PROMPT, cfg, 6, RunConfig(10, seed=3))
    assert not samples.plan.split and not samples.plan.capped
    assert [_until_eos(r) for r in samples.token_ids] == _generate_n(tiny, PROMPT, cfg, 6, 10, 3)


def test_plan_worked_by_hand():
    """Check the batch budget and the work cap: 100 x (1,024 + 30) becomes 7 samples in 3 batches of up to 3."""
    big = batches.plan(100, 1024, 30)
    assert (big.n, big.rows, big.n_batches, big.capped, big.split) == (7, 3, 3, True, True)
    assert big.rows * 1054 <= batches.BATCH_TOKENS and big.tokens <= batches.WORK_TOKENS
    small = batches.plan(20, 40, 8)
    assert (small.n, small.rows, small.n_batches, small.capped, small.split) == (20, 20, 1, False, False)
    assert batches.plan(100, 40, 8).n_batches == 2 and batches.plan(1, 9000, 30).n == 1
    assert batches.batch_seed(7, 0) == 7 and batches.batch_seed(7, 1) != 8
    with pytest.raises(ValueError):
        batches.plan(0, 10, 5)


class _CacheWatch(torch.nn.Module):
    """Wraps a model and records rows x cached tokens after every forward."""

    def __init__(self, model):
        super().__init__()
        self.model, self.config, self.held = model, model.config, []

    def forward(self, ids, **kwargs):
        out = self.model(ids, **kwargs)
        self.held.append(ids.shape[0] * out.past_key_values.get_seq_length())
        return out


def test_split_request_stays_within_the_budget_and_repeats(tiny):
    """Check a request over the batch budget runs in batches that each hold at most `budget` tokens,
    draws the same samples again, and its first batch equals a request of that many rows."""
    cfg, run = SamplingConfig(1.0), RunConfig(6, seed=4)
    watch = _CacheWatch(tiny)
    split = sample_many(watch, FakeTok(), PROMPT, cfg, 10, run, budget=33)  # 3 rows of 5 + 6 tokens
    assert split.plan.rows == 3 and split.plan.n_batches == 4 and split.token_ids.shape == (10, 6)
    assert max(watch.held) <= 33 and watch.held[0] == len(PROMPT)  # the prompt is read once
    again = sample_many(tiny, FakeTok(), PROMPT, cfg, 10, run, budget=33)
    assert (again.token_ids == split.token_ids).all()
    first = sample_many(tiny, FakeTok(), PROMPT, cfg, 3, run)
    assert (first.token_ids == split.token_ids[:3]).all() and len(split.counts) > 1


def test_work_cap_draws_fewer_samples(tiny):
    """Check samples x (prompt + new tokens) above the work cap draws fewer rows and says so in the plan."""
    whole = sample_many(tiny, FakeTok(), PROMPT, SamplingConfig(1.0), 40, RunConfig(5, seed=0))
    capped = sample_many(tiny, FakeTok(), PROMPT, SamplingConfig(1.0), 40, RunConfig(5, seed=0), work=100)
    assert whole.plan.n == 40 and whole.token_ids.shape == (40, 5)
    assert (capped.plan.n, capped.plan.asked, capped.plan.capped) == (10, 40, True)
    assert capped.token_ids.shape == (10, 5) and sum(c for _, c in capped.counts) == 10


def test_smollm2_samples_match_generate(smollm2):
    """Check on the real SmolLM2 that N samples (prompt read once) are generate(num_return_sequences=N)'s."""
    model, tok = smollm2
    prompt = encode_prompt(tok, "Write a one-line poem about the sea.", chat=True)
    cfg = SamplingConfig(0.7, top_k=40, top_p=0.9)
    samples = sample_many(model, tok, prompt.ids, cfg, 8, RunConfig(8, seed=5))
    assert [_until_eos(r, tok.eos_token_id) for r in samples.token_ids] == \
        _generate_n(model, prompt.ids, cfg, 8, 8, 5, tok.eos_token_id)
