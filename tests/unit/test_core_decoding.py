"""Unit tests for explorer.core.decoding: the seeded batch loop equals generate() and never uses the global RNG."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import torch
from transformers import LlamaConfig, LlamaForCausalLM

from explorer.core.decoding import generator, processors, sample_batch

PROMPT = [5, 17, 3, 42, 8]
EOS = 36  # a token this tiny model samples often, so some rows end early and get padded


@pytest.fixture(scope="module")
def tiny():
    """A tiny random-init Llama (vocab 64), weights drawn from a fixed generator."""
    cfg = LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128)
    model = LlamaForCausalLM(cfg).eval()
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * 0.3)
    return model


def _generate(model, seed, n, steps, **kwargs):
    torch.manual_seed(seed)
    ids = torch.tensor([PROMPT])
    kwargs = {"top_k": 0, "top_p": 1.0, **kwargs}  # generate() defaults top_k to 50; the loop's default is off
    out = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=steps, num_return_sequences=n,
                         pad_token_id=EOS, eos_token_id=EOS, **kwargs)
    return out[:, len(PROMPT):]


@pytest.mark.parametrize("settings", [dict(temperature=1.0), dict(temperature=0.7, top_k=10, top_p=0.9),
                                      dict(temperature=1.3, min_p=0.05, repetition_penalty=1.2)])
def test_sample_batch_equals_generate(tiny, settings):
    """Check N seeded rows (eos padding and early stop included) are generate()'s under torch.manual_seed."""
    procs = processors(**settings, prompt_len=len(PROMPT))
    ours = sample_batch(tiny, PROMPT, 6, 20, procs, generator(11), eos=EOS)
    assert torch.equal(ours, _generate(tiny, 11, 6, 20, do_sample=True, **settings))
    if settings == dict(temperature=1.0):  # some rows ended (and were padded), some ran to the limit
        ended = (ours == EOS).any(1)
        assert ended.any() and not ended.all()


def test_greedy_equals_generate(tiny):
    """Check temperature 0 is argmax decoding, as generate(do_sample=False)."""
    ours = sample_batch(tiny, PROMPT, 1, 12, processors(0.0), generator(0), eos=EOS, greedy=True)
    torch.manual_seed(0)
    ids = torch.tensor([PROMPT])
    ref = tiny.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=12, do_sample=False,
                        pad_token_id=EOS, eos_token_id=EOS)
    assert torch.equal(ours, ref[:, len(PROMPT):])


def test_global_rng_untouched_and_threads_reproduce(tiny):
    """Check the loop leaves the global RNG alone and two threads with two seeds each get their own rows."""
    procs = processors(1.0)
    before = torch.random.get_rng_state()
    alone = [sample_batch(tiny, PROMPT, 4, 16, procs, generator(s), eos=None) for s in (1, 2)]
    assert torch.equal(before, torch.random.get_rng_state()) and not torch.equal(*alone)
    barrier = threading.Barrier(2)

    def run(seed):
        barrier.wait()
        return [sample_batch(tiny, PROMPT, 4, 16, procs, generator(seed), eos=None) for _ in range(5)]

    with ThreadPoolExecutor(2) as pool:
        got = list(pool.map(run, (1, 2)))
    assert all(torch.equal(g, alone[0]) for g in got[0]) and all(torch.equal(g, alone[1]) for g in got[1])


def test_processor_order_follows_generate():
    """Check penalties come first, then temperature, top-k, top-p, min-p; greedy drops the warpers."""
    names = [type(p).__name__ for p in processors(0.5, 5, 0.9, 0.1, 1.2, 0.3, 0.0, prompt_len=3)]
    assert names == ["RepetitionPenaltyLogitsProcessor", "FrequencyPresencePenalty", "TemperatureLogitsWarper",
                     "TopKLogitsWarper", "TopPLogitsWarper", "MinPLogitsWarper"]
    assert [type(p).__name__ for p in processors(0.0, 5, 0.9, repetition_penalty=1.2)] == \
        ["RepetitionPenaltyLogitsProcessor"]
