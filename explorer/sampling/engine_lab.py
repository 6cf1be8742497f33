"""The Sampling lab on an inference engine: next-token distribution, Step/Generate and Sample N.

An engine (explorer.core.engine) shows less than the local model: only its
top log-probabilities (about 20, up to ~100 on llama.cpp) of the raw model at
temperature 1, keyed by token text, not the full vocabulary and not each
stage of the pipeline. It applies the lab's settings itself when it samples
(temperature, top-k, top-p, min-p, penalties). What it shows is reported as
such: the top tokens and one bar for the rest of the probability mass.

The engine continues *text*: the lab sends the prompt (wrapped in the chat
template here when chat is on) plus the text generated so far. Re-reading that
text may split it into tokens differently from how they were drawn, which the
local model's token-id path avoids.

Example:
    >>> dist = next_distribution(engine, "The capital of France is", SamplingConfig(), seed=0, k=20)
    >>> dist.pieces[0], round(float(dist.probs[0]), 2)
    (' Paris', 0.77)
"""
from __future__ import annotations

import dataclasses
import zlib
from collections import Counter
from dataclasses import dataclass

import numpy as np

from explorer.core.engine import Decoding, Engine, Request, Token
from explorer.sampling.pipeline import SamplingConfig

KNOWN_VOCAB = {"smollm2": 49_152}  # model-name fragment -> vocabulary size, for "top 20 of N tokens"
MAX_ENGINE_TEXT = 4_000  # characters of generated text a path (and a link) may hold


def known_vocab(model_name: str) -> int | None:
    """Vocabulary size of a served model whose family is known by name, else None."""
    name = model_name.lower()
    return next((size for key, size in KNOWN_VOCAB.items() if key in name), None)


def templated(tok, text: str, chat: bool) -> str:
    """The prompt as text: wrapped in the tokenizer's chat template when `chat` (as the local lab does)."""
    if not chat:
        return text
    return tok.apply_chat_template([{"role": "user", "content": text}], add_generation_prompt=True,
                                   tokenize=False)


def step_seed(seed: int, context: str) -> int:
    """A seed for one request that depends on the text so far: each step draws fresh numbers,
    and the same link (seed, prompt, path) draws the same ones again."""
    return (seed * 1_000_003 + zlib.crc32(context.encode("utf-8"))) % 2**31


def decoding(cfg: SamplingConfig, max_tokens: int, seed: int, logprobs: int = 0) -> Decoding:
    """The lab's settings as the engine's sampling parameters."""
    return Decoding(**dataclasses.asdict(cfg), max_tokens=max_tokens, seed=seed, logprobs=logprobs)


@dataclass(frozen=True)
class EngineDistribution:
    """The engine's top next tokens (raw model, T=1) and the mass of all the others."""

    pieces: tuple[str, ...]  # [k] most likely first
    probs: np.ndarray  # [k]
    rest: float  # probability of every token not listed
    drawn: str  # the token the engine sampled with the lab's settings
    where: str


def _probs(top: tuple[tuple[str, float], ...]) -> tuple[tuple[str, ...], np.ndarray]:
    return tuple(p for p, _ in top), np.exp(np.array([lp for _, lp in top], dtype=np.float64))


def next_distribution(engine: Engine, context: str, cfg: SamplingConfig, seed: int, k: int) -> EngineDistribution:
    """One engine request of one token: its top-k log-probabilities and the token it drew."""
    reply = engine.run(Request(context, decoding=decoding(cfg, 1, step_seed(seed, context), k)))
    done = reply.completions[0]
    if not done.tokens:  # the end of sequence came at once: nothing to show but that
        return EngineDistribution((), np.zeros(0), 1.0, "", reply.where)
    pieces, probs = _probs(done.tokens[0].top)
    return EngineDistribution(pieces, probs.astype(np.float32), float(max(0.0, 1.0 - probs.sum())),
                              done.tokens[0].piece, reply.where)


@dataclass(frozen=True)
class EnginePath:
    """Tokens the engine generated, each with its probability and the top alternatives it reported."""

    pieces: tuple[str, ...]  # [step]
    p_chosen: np.ndarray  # [step] raw model probability of the drawn token
    rank: np.ndarray  # [step] 1 = the model's top choice; 0 = outside the reported top
    alt_pieces: tuple[tuple[str, ...], ...]  # [step][alt]
    alt_p: tuple[np.ndarray, ...]  # [step][alt]
    finish: str  # "stop" (end of sequence) or "length"
    seconds: float
    n_tokens: int
    where: str

    @property
    def text(self) -> str:
        return "".join(self.pieces)


def _rank(token: Token) -> int:
    names = [p for p, _ in token.top]
    return names.index(token.piece) + 1 if token.piece in names else 0


def generate(engine: Engine, context: str, cfg: SamplingConfig, n_tokens: int, seed: int, k: int) -> EnginePath:
    """Up to `n_tokens` more tokens after `context`, drawn by the engine with the lab's settings (k >= 1)."""
    reply = engine.run(Request(context, decoding=decoding(cfg, n_tokens, step_seed(seed, context), k)))
    done = reply.completions[0]
    tops = [_probs(t.top) for t in done.tokens]
    return EnginePath(tuple(t.piece for t in done.tokens), np.exp(np.array([t.logprob for t in done.tokens], np.float32)),
                      np.array([_rank(t) for t in done.tokens], np.int64),
                      tuple(p for p, _ in tops), tuple(p.astype(np.float32) for _, p in tops),
                      done.finish, reply.seconds, done.n_tokens, reply.where)


@dataclass(frozen=True)
class EngineSamples:
    """N continuations drawn by the engine, sent as N requests at once."""

    texts: tuple[str, ...]  # [sample]
    counts: tuple[tuple[str, int], ...]  # distinct texts, most common first
    seconds: float  # wall time of all N
    n_tokens: int
    where: str

    @property
    def tokens_per_second(self) -> float:
        return self.n_tokens / self.seconds if self.seconds > 0 else float("nan")


def sample_n(engine: Engine, context: str, cfg: SamplingConfig, n: int, length: int, seed: int) -> EngineSamples:
    """`n` continuations of `length` tokens (seeds seed, seed+1, ...), counted like the local lab."""
    reply = engine.run(Request(context, n=n, decoding=decoding(cfg, length, seed)))
    texts = tuple(c.text.strip() for c in reply.completions)
    return EngineSamples(texts, tuple(Counter(texts).most_common()), reply.seconds, reply.n_tokens, reply.where)


def join(paths: list[EnginePath] | tuple[EnginePath, ...]) -> EnginePath:
    """Several generate() results, one after another, as one path (finish and where of the last)."""
    if not paths:
        raise ValueError("join needs at least one path")
    return EnginePath(tuple(p for path in paths for p in path.pieces),
                      np.concatenate([p.p_chosen for p in paths]), np.concatenate([p.rank for p in paths]),
                      tuple(a for p in paths for a in p.alt_pieces), tuple(a for p in paths for a in p.alt_p),
                      paths[-1].finish, sum(p.seconds for p in paths), sum(p.n_tokens for p in paths),
                      paths[-1].where)
