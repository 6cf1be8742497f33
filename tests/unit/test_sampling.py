"""Unit tests of the sampling pipeline on hand-made logits."""
import math
import pickle

import numpy as np
import pytest
import torch
from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM

from explorer.sampling.pipeline import (
    FrequencyPresencePenalty, SamplingConfig, processor_list, run_pipeline, top_tokens,
)

PROBS = [0.5, 0.3, 0.15, 0.05]  # hand-made next-token distribution


def _logits(probs=PROBS) -> torch.Tensor:
    return torch.log(torch.tensor(probs, dtype=torch.float32))


def _final(cfg: SamplingConfig, logits=None, ids=(0,)) -> np.ndarray:
    logits = _logits() if logits is None else logits
    return run_pipeline(logits, torch.tensor(ids), cfg).final_probs


def test_stage_names_follow_generate_order():
    """Check the stages come in generate()'s order with the extra penalties flagged."""
    result = run_pipeline(_logits(), torch.tensor([0]), SamplingConfig())
    names = [s.name for s in result.stages]
    assert names == ["model logits", "repetition penalty", "frequency/presence penalty",
                     "temperature", "top-k", "top-p", "min-p"]
    assert [s.in_generate for s in result.stages] == [True, True, False, True, True, True, True]


def test_processor_order_matches_transformers():
    """Check our processor list has the same classes in the same order as _get_logits_processor."""
    model = LlamaForCausalLM(LlamaConfig(vocab_size=32, hidden_size=16, intermediate_size=32,
                                         num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1))
    cfg = SamplingConfig(0.7, 5, 0.9, 0.05, 1.2)
    gen = GenerationConfig(**cfg.generate_kwargs())
    theirs = model._get_logits_processor(gen, input_ids_seq_length=3, device="cpu")
    ours = processor_list(cfg, 3, 32)
    assert [type(p).__name__ for p in theirs] == [type(p).__name__ for p in ours]


def test_default_settings_leave_distribution_unchanged():
    """Check T=1 with every filter off samples from softmax of the raw logits."""
    np.testing.assert_allclose(_final(SamplingConfig()), PROBS, rtol=1e-5)


def test_temperature_worked_by_hand():
    """Check T=2 gives softmax(logits / 2): sqrt of the probabilities, renormalised."""
    expected = np.sqrt(PROBS) / np.sqrt(PROBS).sum()
    np.testing.assert_allclose(_final(SamplingConfig(temperature=2.0)), expected, rtol=1e-5)


def test_temperature_zero_is_argmax_without_division():
    """Check T=0 keeps only the argmax and T->0 converges to the same one-hot."""
    logits = torch.tensor([1.0, 3.0, 2.9, -1.0])
    greedy = _final(SamplingConfig(temperature=0.0), logits)
    assert greedy.tolist() == [0.0, 1.0, 0.0, 0.0]
    np.testing.assert_allclose(_final(SamplingConfig(temperature=0.01), logits), greedy, atol=1e-4)


def test_top_k_keeps_k_largest():
    """Check top-k=2 keeps 0.5 and 0.3, renormalised to 5/8 and 3/8."""
    np.testing.assert_allclose(_final(SamplingConfig(top_k=2)), [0.625, 0.375, 0, 0], rtol=1e-5)


def test_top_k_larger_than_vocab_keeps_all():
    """Check a top-k above the vocabulary size is harmless and says so."""
    result = run_pipeline(_logits(), torch.tensor([0]), SamplingConfig(top_k=10))
    np.testing.assert_allclose(result.final_probs, PROBS, rtol=1e-5)
    assert "larger than" in result.stages[4].detail


def test_top_p_worked_by_hand():
    """Check top-p 0.75 keeps {0.5, 0.3} (mass 0.8) and 0.85 adds 0.15."""
    np.testing.assert_allclose(_final(SamplingConfig(top_p=0.75)), [0.625, 0.375, 0, 0], rtol=1e-5)
    assert (_final(SamplingConfig(top_p=0.85)) > 0).tolist() == [True, True, True, False]


@pytest.mark.parametrize("seed", range(5))
def test_top_p_keeps_smallest_set_reaching_p(seed):
    """Check top-p keeps exactly the smallest most-likely set whose mass is >= p."""
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.ones(6))
    p = float(rng.uniform(0.2, 0.95))
    kept = _final(SamplingConfig(top_p=p), _logits(probs)) > 0
    order = np.argsort(-probs)
    size = int(np.searchsorted(np.cumsum(probs[order]), p - 1e-6) + 1)
    assert set(np.flatnonzero(kept)) == set(order[:size])


def test_top_p_zero_keeps_one_token():
    """Check top-p 0 keeps only the most likely token (transformers keeps at least one)."""
    assert (_final(SamplingConfig(top_p=0.0)) > 0).tolist() == [True, False, False, False]


def test_min_p_threshold():
    """Check min-p 0.2 drops tokens under 0.2 x 0.5 = 0.1 (only the 0.05 one)."""
    kept = _final(SamplingConfig(min_p=0.2)) > 0
    assert kept.tolist() == [True, True, True, False]


def test_repetition_penalty_worked_by_hand():
    """Check seen tokens: positive logits are divided, negative multiplied, others untouched."""
    logits = torch.tensor([2.0, -1.0, 0.5, 1.0])
    result = run_pipeline(logits, torch.tensor([0, 1]), SamplingConfig(repetition_penalty=2.0))
    np.testing.assert_allclose(result.stages[1].scores, [1.0, -2.0, 0.5, 1.0])


def test_frequency_and_presence_penalties_count_generated_tokens_only():
    """Check logit -= f*count + p*(count>0) over generated tokens, ignoring the prompt."""
    proc = FrequencyPresencePenalty(0.5, 1.0, prompt_len=1)
    ids = torch.tensor([[3, 0, 0, 1]])  # prompt [3], generated [0, 0, 1]
    out = proc(ids, torch.zeros(1, 4))
    np.testing.assert_allclose(out[0].numpy(), [-2.0, -1.5, 0.0, 0.0])


def test_pipeline_invariants():
    """Check every stage is a distribution and filters only ever remove tokens."""
    cfg = SamplingConfig(0.8, 3, 0.9, 0.1, 1.3, 0.2, 0.1)
    result = run_pipeline(torch.randn(50, generator=torch.Generator().manual_seed(0)),
                          torch.tensor([1, 2, 3]), cfg, prompt_len=1)
    kept = [s.kept for s in result.stages]
    assert all(a >= b for a, b in zip(kept, kept[1:]))
    for stage in result.stages:
        assert math.isclose(float(stage.probs.sum()), 1.0, rel_tol=1e-5)
    assert result.effective_choices <= 3 + 1e-6


@pytest.mark.parametrize("kwargs", [dict(temperature=-0.1), dict(temperature=math.inf), dict(top_k=-1),
                                    dict(top_p=1.5), dict(min_p=-0.1), dict(repetition_penalty=0.0),
                                    dict(frequency_penalty=3.0)])
def test_config_rejects_bad_values(kwargs):
    """Check impossible settings raise ValueError with the field's name."""
    with pytest.raises(ValueError, match=next(iter(kwargs)).split("_")[0]):
        SamplingConfig(**kwargs)


def test_top_tokens_reports_rest_mass():
    """Check top_tokens' shown mass plus 'everything else' adds up to 1 for base and stage."""
    result = run_pipeline(_logits(), torch.tensor([0]), SamplingConfig(top_k=2))
    top = top_tokens(result, lambda i: f"t{i}", n=2)
    assert top.pieces == ("t0", "t1")
    assert math.isclose(top.p_base.sum() + top.rest_base, 1.0, rel_tol=1e-5)
    assert top.rest_stage == pytest.approx(0.0, abs=1e-6)


def test_result_counts_kept_tokens_and_names_the_top_one():
    """Check n_kept counts the survivors of top-k and top_id is the raw argmax."""
    result = run_pipeline(_logits([0.1, 0.6, 0.2, 0.1]), torch.tensor([0]), SamplingConfig(top_k=2))
    assert result.n_kept == 2 and result.top_id == 1


def test_greedy_copy_keeps_the_penalties():
    """Check as_greedy sets temperature 0 and leaves every other setting alone."""
    cfg = SamplingConfig(0.8, top_k=5, repetition_penalty=1.3, presence_penalty=0.5)
    greedy = cfg.as_greedy()
    assert greedy.greedy and not cfg.greedy
    assert (greedy.top_k, greedy.repetition_penalty, greedy.presence_penalty) == (5, 1.3, 0.5)


def test_alternatives_leave_out_the_picked_token():
    """Check branch alternatives are the first shown ids without the token already chosen."""
    top = top_tokens(run_pipeline(_logits(), torch.tensor([0]), SamplingConfig()), str, n=4)
    assert top.alternatives(exclude=top.ids[0]) == [int(i) for i in top.ids[1:]]
    assert top.alternatives(exclude=99, n=2) == [int(i) for i in top.ids[:2]]


def test_cached_result_stores_each_active_stage_once():
    """Check inactive stages share the previous scores and a full-vocabulary result pickles small.

    Measured on SmolLM2's 49,152 tokens: 2.75 MB per result before (scores and probs for all
    7 stages), 0.2 MB with every stage off and 1.4 MB with every stage on after.
    """
    logits = torch.randn(49_152, generator=torch.Generator().manual_seed(0))
    off = run_pipeline(logits, torch.tensor([1, 2]), SamplingConfig())
    assert all(s.scores is off.stages[0].scores for s in off.stages)
    assert len(pickle.dumps(off)) < 0.25e6
    on = run_pipeline(logits, torch.tensor([1, 2]), SamplingConfig(0.7, 50, 0.9, 0.05, 1.2, 0.5, 0.5), prompt_len=1)
    assert len({id(s.scores) for s in on.stages}) == 7 and len(pickle.dumps(on)) < 1.5e6
    again = pickle.loads(pickle.dumps(on))
    np.testing.assert_array_equal(again.final_probs, on.final_probs)
    assert math.isclose(float(again.base_probs.sum()), 1.0, rel_tol=1e-5)
