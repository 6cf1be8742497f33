"""Unit tests for explorer.sampling.engine_lab on a scripted engine (no server)."""
import math

import numpy as np
import pytest

from explorer.core.engine import Completion, Reply, Token
from explorer.sampling import engine_lab
from explorer.sampling.pipeline import SamplingConfig

TOP = ((" Paris", math.log(0.75)), (" the", math.log(0.05)), (" London", math.log(0.02)))


class Scripted:
    """An Engine that answers every request with the same tokens and records the requests."""

    where = "engine at test"

    def __init__(self, tokens, text=None, finish="length"):
        self.tokens, self.finish, self.requests = tokens, finish, []
        self.text = text if text is not None else "".join(t.piece for t in tokens)

    def run(self, request):
        self.requests.append(request)
        done = [Completion(self.text + (str(i) if request.n > 1 and i % 2 else ""), self.tokens,
                           len(self.tokens), self.finish, 0.5, request.decoding.seed + i) for i in range(request.n)]
        return Reply(tuple(done), 1.0, self.where)


def test_next_distribution_keeps_the_rest_as_one_mass():
    """Check the top tokens' probabilities and the rest add up to 1, and the drawn token is reported."""
    engine = Scripted((Token(" the", math.log(0.05), TOP),))
    dist = engine_lab.next_distribution(engine, "The capital of France is", SamplingConfig(0.7, top_k=5), 3, 20)
    assert dist.pieces == (" Paris", " the", " London") and dist.drawn == " the"
    assert dist.rest == pytest.approx(0.18) and float(dist.probs.sum()) + dist.rest == pytest.approx(1.0)
    dec = engine.requests[0].decoding
    assert (dec.temperature, dec.top_k, dec.max_tokens, dec.logprobs) == (0.7, 5, 1, 20)


def test_end_of_sequence_at_once_gives_an_empty_distribution():
    """Check a reply with no token (the model ended the text) is an empty distribution, not an error."""
    dist = engine_lab.next_distribution(Scripted((), text="", finish="stop"), "x", SamplingConfig(), 0, 20)
    assert dist.pieces == () and dist.rest == 1.0


def test_generate_ranks_and_join():
    """Check each token's rank in the engine's top (0 when outside it) and that join concatenates paths."""
    tokens = (Token(" Paris", math.log(0.75), TOP), Token(" Lyon", math.log(0.01), TOP))
    path = engine_lab.generate(Scripted(tokens), "ctx", SamplingConfig(), 2, 0, 3)
    assert path.text == " Paris Lyon" and path.rank.tolist() == [1, 0]
    np.testing.assert_allclose(path.p_chosen, [0.75, 0.01], rtol=1e-5)
    both = engine_lab.join([path, path])
    assert both.text == path.text * 2 and both.rank.tolist() == [1, 0, 1, 0] and both.n_tokens == 4
    with pytest.raises(ValueError):
        engine_lab.join([])


def test_sample_n_counts_texts():
    """Check N texts are counted, most common first, and the time and tokens are kept."""
    samples = engine_lab.sample_n(Scripted((Token("a", -1.0),)), "ctx", SamplingConfig(), 5, 4, 10)
    assert samples.counts[0] == ("a", 3) and len(samples.texts) == 5
    assert samples.n_tokens == 5 and samples.tokens_per_second == 5.0


def test_step_seed_changes_with_the_text_and_repeats_for_it():
    """Check each step draws with a seed of its own that a link reproduces."""
    assert engine_lab.step_seed(0, "abc") == engine_lab.step_seed(0, "abc")
    assert engine_lab.step_seed(0, "abc") != engine_lab.step_seed(0, "abcd") != engine_lab.step_seed(1, "abcd")
    assert 0 <= engine_lab.step_seed(2**31 - 1, "é" * 100) < 2**31


def test_known_vocabulary_and_settings_mapping():
    """Check SmolLM2's vocabulary is known by name and every lab setting becomes an engine parameter."""
    assert engine_lab.known_vocab("/x/SmolLM2-135M-Instruct.Q4_1.gguf") == 49_152
    assert engine_lab.known_vocab("meta-llama/Llama-3.1-8B") is None
    cfg = SamplingConfig(0.5, 7, 0.8, 0.1, 1.2, 0.3, -0.4)
    dec = engine_lab.decoding(cfg, 9, 4, 20)
    assert (dec.temperature, dec.top_k, dec.top_p, dec.min_p) == (0.5, 7, 0.8, 0.1)
    assert (dec.repetition_penalty, dec.frequency_penalty, dec.presence_penalty) == (1.2, 0.3, -0.4)
    assert (dec.max_tokens, dec.seed, dec.logprobs) == (9, 4, 20)
