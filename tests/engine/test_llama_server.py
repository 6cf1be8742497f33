"""The Sampling lab and LLM voting against the real llama.cpp server, compared with the local model."""
import numpy as np
import pytest
import torch

from explorer.core.engine import Decoding, EngineError, Request, settings_from
from explorer.core.local_engine import LocalEngine
from explorer.core.openai_engine import OpenAIEngine
from explorer.ensembles import llm_voting
from explorer.sampling import engine_lab
from explorer.sampling.generation import decision, encode_prompt
from explorer.sampling.pipeline import SamplingConfig

FRANCE = "The capital of France is"
# Greedy prompts for the agreement check (text, chat). Measured on this project's 2-core CPU machine
# (llama-cpp-python 0.3.36, 1 thread), the engine and the local model agree on the first
# 5, 1, 32, 16, 46 and 13 greedy tokens of these six prompts (of up to 64).
AGREEMENT_PROMPTS = [(FRANCE, False), ("Write a one-line poem about the sea.", True), ("Once upon a time", False),
                     ("What is the largest planet in our solar system?", True),
                     ("Explain what a neural network is.", True), ("def fibonacci(n):", False)]
NEAR_TIE = 0.5  # nats between the local model's top two tokens where the engines may pick differently
LOGPROB_TOLERANCE = 0.5  # nats: largest |local - engine| log-probability of a token both chose


def test_next_token_distribution_is_the_models(engine):
    """Check the engine's top next tokens after the France prompt: ' Paris' first, about 77 %."""
    dist = engine_lab.next_distribution(engine, FRANCE, SamplingConfig(), seed=0, k=20)
    assert dist.pieces[:3] == (" Paris", " the", " London")
    assert dist.probs[0] == pytest.approx(0.768, abs=0.02)
    assert len(dist.pieces) >= 20 and 0.0 < dist.rest < 0.2
    assert float(dist.probs.sum()) + dist.rest == pytest.approx(1.0)


def test_step_and_generate_extend_the_text(engine):
    """Check Step gives one token and Generate n more, greedy starting ' Paris', each with its top tokens."""
    step = engine_lab.generate(engine, FRANCE, SamplingConfig(0.0), 1, seed=0, k=5)
    assert step.pieces == (" Paris",) and step.rank.tolist() == [1]
    more = engine_lab.generate(engine, FRANCE + step.text, SamplingConfig(0.8, top_k=40), 8, seed=3, k=5)
    assert 1 <= len(more.pieces) <= 8 and all(len(a) >= 5 for a in more.alt_pieces)
    assert ((more.p_chosen > 0) & (more.p_chosen <= 1)).all() and more.seconds > 0
    again = engine_lab.generate(engine, FRANCE + step.text, SamplingConfig(0.8, top_k=40), 8, seed=3, k=5)
    assert again.pieces == more.pieces  # same seed, same context: the same draw


def test_sample_n_sends_n_seeded_requests(engine):
    """Check Sample N returns N texts, varied at T=1.5 and identical when greedy."""
    varied = engine_lab.sample_n(engine, FRANCE, SamplingConfig(1.5), 6, 6, seed=0)
    assert len(varied.texts) == 6 and len(varied.counts) >= 3 and varied.n_tokens >= 6
    greedy = engine_lab.sample_n(engine, FRANCE, SamplingConfig(0.0), 3, 6, seed=0)
    assert len(greedy.counts) == 1 and greedy.texts[0].startswith("Paris")


def test_llm_voting_on_the_engine(engine):
    """Check LLM voting runs N samples on the engine, answers the capital, and reports time and tokens."""
    cfg = llm_voting.LLMVoteConfig(n_samples=4, temperature=0.3, seed=0)
    run = llm_voting.run_question(engine, llm_voting.BY_KEY["capital"], cfg)
    assert len(run.texts) == 4 and run.greedy_answer == "paris" and run.votes[-1] == "paris"
    assert run.seconds > 0 and run.tokens_per_second > 0 and (run.tokens >= 1).all()
    assert run.where.startswith("engine at 127.0.0.1")


def _first_difference(a, b) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def test_greedy_agrees_with_the_local_model_until_a_near_tie(engine, smollm2):
    """Check greedy text agrees with the local float32 model and differs only where two tokens nearly tie.

    Both run the same weights (the local ones were dequantized from this GGUF), but llama.cpp
    multiplies Q4_1 weights by activations rounded to 8 bits (Q8_1) and sums in another order,
    so its log-probabilities differ from float32 by up to a few tenths of a nat. Greedy paths
    therefore agree until the first step where the top two tokens are that close, and from
    there each continues its own text.
    """
    local = LocalEngine(*smollm2, torch.device("cpu"))
    agreed = []
    for text, chat in AGREEMENT_PROMPTS:
        request = Request(text, chat, Decoding(0.0, max_tokens=64, logprobs=2))
        ours, theirs = local.run(request).completions[0].tokens, engine.run(request).completions[0].tokens
        n = _first_difference([t.piece for t in ours], [t.piece for t in theirs])
        agreed.append(n)
        assert n >= 1, f"first greedy token differs for {text!r}"
        gaps = [abs(a.logprob - b.logprob) for a, b in zip(ours[:n], theirs[:n])]
        assert max(gaps) < LOGPROB_TOLERANCE
        if n < min(len(ours), len(theirs)):
            top = ours[n].top
            assert top[0][1] - top[1][1] < NEAR_TIE, f"{text!r} diverged at a confident step {n}"
    assert sum(agreed) >= 40 and max(agreed) >= 16  # measured: 113 in all, the longest 46


def test_local_and_engine_sampling_use_the_same_settings(engine, smollm2):
    """Check top-k 1 makes both engines greedy: the settings reach llama.cpp's sampler."""
    local = LocalEngine(*smollm2, torch.device("cpu"))
    request = Request(FRANCE, decoding=Decoding(1.0, top_k=1, max_tokens=3, seed=5))
    assert engine.run(request).completions[0].text == local.run(request).completions[0].text == " Paris.\n"


def test_a_model_name_the_server_lacks_is_refused(engine_url):
    """Check EXPLORER_ENGINE_MODEL naming a model the server does not list gives a clear error."""
    bad = OpenAIEngine(settings_from({"EXPLORER_ENGINE_URL": engine_url, "EXPLORER_ENGINE_MODEL": "llama-70b"}))
    with pytest.raises(EngineError, match="does not serve 'llama-70b'.*SmolLM2-135M-Instruct"):
        bad.run(Request(FRANCE))


def test_token_probabilities_agree_with_the_local_model(engine, smollm2):
    """Check the engine's top-5 next tokens and probabilities match the local float32 model's."""
    local = LocalEngine(*smollm2, torch.device("cpu"))
    request = Request(FRANCE, decoding=Decoding(0.0, max_tokens=1, logprobs=5))
    ours, theirs = local.run(request).completions[0].tokens[0], engine.run(request).completions[0].tokens[0]
    assert [p for p, _ in ours.top[:3]] == [p for p, _ in theirs.top[:3]]
    np.testing.assert_allclose([lp for _, lp in ours.top[:3]], [lp for _, lp in theirs.top[:3]], atol=0.3)


def test_engine_reads_typed_control_tokens_as_the_library_does(engine, smollm2):
    """Check llama.cpp's server parses control-token text in a prompt as control tokens (what the lab says on screen).

    The local model gives 'The' 56 % after these ids read as control tokens and 20 % after the
    same characters read as plain text; the engine's probability must match the first.
    """
    model, tok = smollm2
    text = "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n"
    dist = engine_lab.next_distribution(engine, text, SamplingConfig(), seed=0, k=5)
    engine_p = float(dist.probs[dist.pieces.index("The")])
    local = {c: decision(model, encode_prompt(tok, text, chat=False, control=c).ids, (), SamplingConfig())
             for c in ("library", "text")}
    the = tok.convert_tokens_to_ids("The")
    library_p, text_p = (float(local[c].base_probs[the]) for c in ("library", "text"))
    assert abs(np.log(engine_p) - np.log(library_p)) < LOGPROB_TOLERANCE
    assert abs(np.log(engine_p) - np.log(text_p)) > 2 * LOGPROB_TOLERANCE
