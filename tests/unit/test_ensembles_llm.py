"""Unit tests for explorer.ensembles.llm_voting: answer extraction, voting, and seeded SmolLM2 sampling."""
import pickle
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch

from explorer.core.engine import Completion, Reply
from explorer.ensembles import llm_voting


@pytest.mark.parametrize("key, reply, expected", [
    ("capital", "The capital of France is Paris.", "paris"),
    ("capital", "Paris", "paris"),
    ("times", "Three times four equals 12.", "12"),  # 3 and 4 come from the question
    ("spider", "A spider has eight legs.", "8"),
    ("add", "2 + 2 = 4", "4"),
    ("minus", "I'm not sure.", ""),
    ("planet", "It is Jupiter!", "jupiter"),
])
def test_extract_answer(key, reply, expected):
    """Check numbers and keywords are pulled out of replies, skipping words copied from the question."""
    assert llm_voting.extract_answer(reply, llm_voting.BY_KEY[key]) == expected


def test_majority_ties_and_abstentions():
    """Check the majority ignores empty answers and breaks ties by first appearance."""
    assert llm_voting.majority(["", "b", "a", "a", "b"]) == "b"
    assert llm_voting.majority(["", ""]) == ""
    assert llm_voting.majority(["x", "", "y", "y"]) == "y"


def _run(q, answers, tokens):
    extracted = tuple(answers)
    votes = tuple(llm_voting.majority(extracted[: n + 1]) for n in range(len(extracted)))
    return llm_voting.QuestionRun(q, extracted, extracted, np.array(tokens),
                                  np.array([a == q.answer for a in extracted]), votes,
                                  np.array([v == q.answer for v in votes]), "", q.answer)


def test_summarize_hand_made():
    """Check vote accuracy vs N, token cost and single-sample accuracy on two made-up runs."""
    q1, q2 = llm_voting.BY_KEY["capital"], llm_voting.BY_KEY["add"]
    runs = [_run(q1, ["lyon", "paris", "paris"], [5, 5, 6]), _run(q2, ["4", "5", "5"], [3, 3, 3])]
    s = llm_voting.summarize(runs)
    np.testing.assert_allclose(s.vote_acc, [0.5, 0.5, 0.5])  # q1: lyon, lyon(tie), paris; q2: 4, 4, 5
    np.testing.assert_allclose(s.tokens, [4, 8, 12.5])
    assert s.single_acc == pytest.approx((2 / 3 + 1 / 3) / 2) and s.greedy_acc == 1.0
    assert [r.sample_acc for r in runs] == pytest.approx([2 / 3, 1 / 3])
    assert (s.n_mostly_right, s.n_mostly_wrong) == (1, 1)
    even = llm_voting.summarize([_run(q1, ["paris", "lyon"], [1, 1])])
    assert (even.n_mostly_right, even.n_mostly_wrong) == (0, 0)  # right exactly half the time: neither


def test_config_validation():
    """Check N above the cap and a zero temperature are refused with ValueError."""
    with pytest.raises(ValueError):
        llm_voting.LLMVoteConfig(n_samples=llm_voting.MAX_SAMPLES + 1)
    with pytest.raises(ValueError):
        llm_voting.LLMVoteConfig(temperature=0.0)


def _generate_reference(model, tok, q, cfg):
    """Replies of model.generate() under the global seed the question's samples use."""
    text = tok.apply_chat_template([{"role": "user", "content": f"{q.text} {llm_voting.INSTRUCTION}"}],
                                   tokenize=False, add_generation_prompt=True)
    ids = tok(text, return_tensors="pt").input_ids
    torch.manual_seed(llm_voting.question_seed(q, cfg))
    out = model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=True, temperature=cfg.temperature,
                         top_k=0, top_p=1.0, num_return_sequences=cfg.n_samples,
                         max_new_tokens=cfg.max_new_tokens, pad_token_id=tok.eos_token_id)
    replies = []
    for row in out[:, ids.shape[1]:].tolist():
        cut = row.index(tok.eos_token_id) + 1 if tok.eos_token_id in row else len(row)
        replies.append(tok.decode(row[:cut], skip_special_tokens=True).strip())
    return replies


def test_sampling_is_seeded_matches_generate_and_leaves_global_rng(smollm2, cpu):
    """Check two runs agree, equal model.generate under the same seed, and do not touch the global RNG."""
    model, tok = smollm2
    q = llm_voting.BY_KEY["capital"]
    cfg = llm_voting.LLMVoteConfig(n_samples=3, temperature=0.8, seed=2, max_new_tokens=6)
    before = torch.random.get_rng_state()
    a = llm_voting.sample_question(model, tok, q, cfg, device=cpu)
    assert torch.equal(before, torch.random.get_rng_state())
    b = llm_voting.sample_question(model, tok, q, cfg, device=cpu)
    assert a.texts == b.texts and len(a.texts) == 3
    assert list(a.texts) == _generate_reference(model, tok, q, cfg)
    assert (a.tokens >= 1).all() and (a.tokens <= 6).all()
    assert a.seconds > 0 and a.greedy_tokens >= 1 and a.where == "this server (PyTorch)"


def test_concurrent_seeded_runs_each_reproduce_their_own_result(smollm2, cpu):
    """Check two threads sampling at once with different seeds each get their single-threaded replies."""
    model, tok = smollm2
    q = llm_voting.BY_KEY["planet"]
    cfgs = [llm_voting.LLMVoteConfig(n_samples=4, temperature=1.2, seed=s, max_new_tokens=8) for s in (1, 2)]
    alone = [llm_voting.sample_question(model, tok, q, c, device=cpu).texts for c in cfgs]
    assert alone[0] != alone[1]
    barrier = threading.Barrier(2)

    def both(cfg):
        barrier.wait()  # start together so the two decoding loops interleave
        return [llm_voting.sample_question(model, tok, q, cfg, device=cpu).texts for _ in range(3)]

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(both, cfgs))
    assert results[0] == [alone[0]] * 3 and results[1] == [alone[1]] * 3


def test_greedy_reply_answers_the_capital(smollm2, cpu):
    """Check SmolLM2's greedy reply to the France question is extracted as 'paris'."""
    model, tok = smollm2
    cfg = llm_voting.LLMVoteConfig(n_samples=1)
    run = llm_voting.sample_question(model, tok, llm_voting.BY_KEY["capital"], cfg, device=cpu)
    assert run.greedy_answer == "paris"


class _LongReplies:
    """An engine whose every reply is as long as 12 tokens of long words can be."""

    where = "fake engine"

    def run(self, request):
        reply = "Antidisestablishmentarianism " * 12
        done = Completion(reply, (), request.decoding.max_tokens, "length", 0.01, request.decoding.seed)
        return Reply((done,) * request.n, 0.01, self.where)


def test_a_cached_run_at_the_caps_stays_small():
    """Check a QuestionRun at the caps (20 replies of 12 long words) pickles under 12 KB: 256 cached runs stay under 3 MB."""
    cfg = llm_voting.LLMVoteConfig(n_samples=llm_voting.MAX_SAMPLES, temperature=1.0)
    run = llm_voting.run_question(_LongReplies(), llm_voting.BY_KEY["capital"], cfg)
    assert len(run.texts) == 20 and len(pickle.dumps(run)) < 12_000
