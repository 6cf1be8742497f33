"""Seeded decoding with the KV cache, every draw from a per-call torch.Generator.

`model.generate()` draws with the *global* torch RNG (`torch.multinomial(probs, 1)`).
On a server every session shares that RNG: two sessions sampling at once
interleave their draws, so "same seed, same result" breaks, and the wrong
result lands in a cache shared by everyone. `sample_batch` does what
generate()'s sampling loop does (processors, softmax, multinomial, pad after
end-of-sequence, stop once every row has ended) but draws from `generator`,
so `sample_batch(..., generator(s))` gives exactly the tokens of
`torch.manual_seed(s); model.generate(...)`, whatever other threads do.

Example:
    >>> procs = LogitsProcessorList([TemperatureLogitsWarper(0.7)])
    >>> new = sample_batch(model, [1, 2, 3], 5, 12, procs, generator(0), eos=2)
    >>> new.shape            # [sample, step], padded with eos after a row ended
    torch.Size([5, 12])
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
from transformers import (
    LogitsProcessor, LogitsProcessorList, MinPLogitsWarper, RepetitionPenaltyLogitsProcessor,
    TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper,
)

# on_step(raw_logits [batch, vocab] float32, tokens [batch]) sees every decision as it is made
StepHook = Callable[[torch.Tensor, torch.Tensor], None]


def generator(seed: int, device: torch.device = torch.device("cpu")) -> torch.Generator:
    """A fresh generator for one call: seeded alike, it draws what torch.manual_seed(seed) would."""
    return torch.Generator(device=device).manual_seed(int(seed))


class FrequencyPresencePenalty(LogitsProcessor):
    """OpenAI-style penalties (not in generate()): logit -= f*count + p*(count>0).

    Counts cover generated tokens only, i.e. input_ids[:, prompt_len:].
    """

    def __init__(self, frequency: float, presence: float, prompt_len: int):
        self.frequency, self.presence, self.prompt_len = frequency, presence, prompt_len

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        generated = input_ids[:, self.prompt_len:]  # [batch, generated]
        counts = torch.zeros_like(scores)  # [batch, vocab]
        counts.scatter_add_(1, generated, torch.ones_like(generated, dtype=scores.dtype))
        return scores - self.frequency * counts - self.presence * (counts > 0).to(scores.dtype)


class GreedyMask(LogitsProcessor):
    """Temperature 0: keep only the argmax (no division by zero)."""

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        keep = torch.zeros_like(scores, dtype=torch.bool)
        keep.scatter_(1, scores.argmax(dim=-1, keepdim=True), True)
        return scores.masked_fill(~keep, -math.inf)


def processors(temperature: float = 1.0, top_k: int = 0, top_p: float = 1.0, min_p: float = 0.0,
               repetition_penalty: float = 1.0, frequency_penalty: float = 0.0, presence_penalty: float = 0.0,
               prompt_len: int = 0) -> LogitsProcessorList:
    """The active processors in generate()'s order (penalties, then T, top-k, top-p, min-p).

    Temperature 0 means greedy: the warpers are skipped, as generate(do_sample=False) does.
    """
    procs: list[LogitsProcessor] = []
    if repetition_penalty != 1.0:
        procs.append(RepetitionPenaltyLogitsProcessor(repetition_penalty))
    if frequency_penalty or presence_penalty:
        procs.append(FrequencyPresencePenalty(frequency_penalty, presence_penalty, prompt_len))
    if temperature == 0.0:
        return LogitsProcessorList(procs)
    if temperature != 1.0:
        procs.append(TemperatureLogitsWarper(float(temperature)))
    if top_k:
        procs.append(TopKLogitsWarper(top_k))
    if top_p < 1.0:
        procs.append(TopPLogitsWarper(float(top_p)))
    if min_p:
        procs.append(MinPLogitsWarper(float(min_p)))
    return LogitsProcessorList(procs)


def choose(probs: torch.Tensor, greedy: bool, gen: torch.Generator | None) -> torch.Tensor:
    """Pick next tokens exactly as generate() does. probs: [batch, vocab] -> [batch]."""
    if greedy:
        return probs.argmax(dim=-1)
    return torch.multinomial(probs, num_samples=1, generator=gen).squeeze(1)


@torch.no_grad()
def sample_batch(model, prompt_ids: Sequence[int], n: int, max_new_tokens: int, procs: LogitsProcessorList,
                 gen: torch.Generator, *, eos: int | None, greedy: bool = False,
                 on_step: StepHook | None = None) -> torch.Tensor:
    """Decode `n` rows from one prompt like generate(num_return_sequences=n); returns [n, step].

    Rows that produced `eos` are padded with `eos` (generate()'s pad_token_id=eos);
    the loop ends when every row has ended or after `max_new_tokens` steps.
    """
    device = gen.device
    ids = torch.tensor([list(prompt_ids)] * n, dtype=torch.long, device=device)  # [n, prompt_len]
    alive = torch.ones(n, dtype=torch.long, device=device)  # [n] 1 until the row emits eos
    cache, step_in = None, ids
    for _ in range(max_new_tokens):
        out = model(step_in, past_key_values=cache, use_cache=True, logits_to_keep=1)
        cache, raw = out.past_key_values, out.logits[:, -1].to(dtype=torch.float32)  # [n, vocab]
        probs = torch.softmax(procs(ids, raw.clone()), dim=-1)
        token = choose(probs, greedy, gen)  # [n]
        if eos is not None:
            token = token * alive + eos * (1 - alive)
        if on_step is not None:
            on_step(raw, token)
        ids, step_in = torch.cat([ids, token[:, None]], 1), token[:, None]
        if eos is not None:
            alive = alive * (token != eos).long()
            if not alive.any():
                break
    return ids[:, len(prompt_ids):]
