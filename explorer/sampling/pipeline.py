"""The next-token pipeline, built from transformers' own logits processors.

`generate()` (transformers 5.23, `GenerationMixin._get_logits_processor`)
applies: repetition penalty -> any user processors -> temperature -> top-k ->
top-p -> min-p, then softmax and `torch.multinomial`. `run_pipeline` applies
the very same processor objects in that order and keeps every stage's
full-vocabulary distribution, so the lab shows exactly what the library does.
Frequency and presence penalties are NOT part of generate(); here they are an
explicit extra processor (OpenAI-style, counted over generated tokens only),
placed where generate() puts user processors (after repetition penalty).

Example:
    >>> cfg = SamplingConfig(temperature=0.7, top_k=50)
    >>> result = run_pipeline(logits, input_ids, cfg)   # logits: [vocab]
    >>> [s.name for s in result.stages]
    ['model logits', 'repetition penalty', ..., 'min-p']
"""
from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass

import numpy as np
import torch
from transformers import (
    LogitsProcessor, LogitsProcessorList, MinPLogitsWarper, RepetitionPenaltyLogitsProcessor,
    TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper,
)

# The penalty processor and the greedy mask live in core (LLM voting decodes with them too).
from explorer.core.decoding import FrequencyPresencePenalty, GreedyMask
from explorer.core.sampling_settings import SamplingSettings


@dataclass(frozen=True)
class SamplingConfig(SamplingSettings):
    """Decoding settings run through transformers' processors here (fields and bounds: SamplingSettings)."""

    @property
    def greedy(self) -> bool:
        """Temperature 0 means greedy decoding: argmax, no division, no RNG."""
        return self.temperature == 0.0

    def as_greedy(self) -> SamplingConfig:
        """The same settings at temperature 0 (penalties still apply)."""
        return dataclasses.replace(self, temperature=0.0)

    def generate_kwargs(self) -> dict:
        """The equivalent `model.generate()` arguments (penalty processors not included)."""
        if self.greedy:
            return {"do_sample": False, "repetition_penalty": self.repetition_penalty}
        return {"do_sample": True, "temperature": float(self.temperature), "top_k": self.top_k,
                "top_p": float(self.top_p), "min_p": float(self.min_p) or None,
                "repetition_penalty": self.repetition_penalty}


@dataclass(frozen=True)
class StageSpec:
    """One pipeline stage: its processor (None = inactive) and how to label it."""

    name: str
    detail: str
    in_generate: bool
    processor: LogitsProcessor | None


def penalty_specs(cfg: SamplingConfig, prompt_len: int) -> list[StageSpec]:
    """Processors generate() applies in greedy and sampled decoding alike."""
    rep = cfg.repetition_penalty != 1.0
    extra = cfg.frequency_penalty != 0.0 or cfg.presence_penalty != 0.0
    return [
        StageSpec("repetition penalty", f"seen tokens: logit/{cfg.repetition_penalty:g} if >0 else "
                  f"x{cfg.repetition_penalty:g}" if rep else "off (1.0)", True,
                  RepetitionPenaltyLogitsProcessor(cfg.repetition_penalty) if rep else None),
        StageSpec("frequency/presence penalty",
                  f"-{cfg.frequency_penalty:g} x count - {cfg.presence_penalty:g} if seen (not in generate())"
                  if extra else "off (not in generate())", False,
                  FrequencyPresencePenalty(cfg.frequency_penalty, cfg.presence_penalty, prompt_len)
                  if extra else None),
    ]


def warper_specs(cfg: SamplingConfig, vocab: int) -> list[StageSpec]:
    """Processors generate() applies only when sampling (do_sample=True)."""
    if cfg.greedy:
        return [StageSpec("temperature", "0 = greedy: only the argmax survives", True, GreedyMask())]
    k_note = f" (larger than the {vocab:,}-token vocabulary: keeps all)" if cfg.top_k > vocab else ""
    return [
        StageSpec("temperature", f"logits / {cfg.temperature:g}" if cfg.temperature != 1.0 else "off (1.0)",
                  True, TemperatureLogitsWarper(float(cfg.temperature)) if cfg.temperature != 1.0 else None),
        StageSpec("top-k", f"keep the {cfg.top_k:,} most likely{k_note}" if cfg.top_k else "off (0)", True,
                  TopKLogitsWarper(cfg.top_k) if cfg.top_k else None),
        StageSpec("top-p", f"keep the smallest set with mass >= {cfg.top_p:g}" if cfg.top_p < 1 else "off (1.0)",
                  True, TopPLogitsWarper(float(cfg.top_p)) if cfg.top_p < 1.0 else None),
        StageSpec("min-p", f"drop p < {cfg.min_p:g} x p(top)" if cfg.min_p else "off (0)", True,
                  MinPLogitsWarper(float(cfg.min_p)) if cfg.min_p else None),
    ]


def processor_list(cfg: SamplingConfig, prompt_len: int, vocab: int) -> LogitsProcessorList:
    """All active processors in generate()'s order, ready for a decoding loop."""
    specs = penalty_specs(cfg, prompt_len) + warper_specs(cfg, vocab)
    return LogitsProcessorList([s.processor for s in specs if s.processor is not None])


def entropy(probs: np.ndarray) -> float:
    """Shannon entropy in nats of a distribution over the vocabulary."""
    p = probs[probs > 0]
    return float(-(p * np.log(p)).sum())


@dataclass(frozen=True)
class Stage:
    """The distribution after one pipeline stage.

    Only the scores are stored (a cached result holds 49,152 floats per stage,
    not twice that); an inactive stage shares the previous stage's array.
    """

    name: str
    detail: str
    in_generate: bool
    active: bool
    scores: np.ndarray  # [vocab] float32, -inf where filtered out
    kept: int  # tokens still possible

    @functools.cached_property
    def probs(self) -> np.ndarray:
        """[vocab] softmax(scores), computed once per unpickled result."""
        return torch.softmax(torch.from_numpy(self.scores), dim=-1).numpy()


@dataclass(frozen=True)
class PipelineResult:
    """Every stage of one next-token decision, over the full vocabulary."""

    stages: tuple[Stage, ...]
    greedy: bool

    @property
    def base_probs(self) -> np.ndarray:
        """[vocab] softmax of the raw logits (p_base)."""
        return self.stages[0].probs

    @property
    def final_probs(self) -> np.ndarray:
        """[vocab] the renormalised distribution sampled from (p_final)."""
        return self.stages[-1].probs

    @property
    def kept(self) -> np.ndarray:
        """[vocab] bool: tokens that survived every filter."""
        return self.final_probs > 0

    @property
    def n_kept(self) -> int:
        """How many tokens survived every filter."""
        return int(self.kept.sum())

    @property
    def top_id(self) -> int:
        """The raw model's most likely next token (argmax of p_base)."""
        return int(self.base_probs.argmax())

    @property
    def entropy_base(self) -> float:
        return entropy(self.base_probs)

    @property
    def entropy_final(self) -> float:
        return entropy(self.final_probs)

    @property
    def effective_choices(self) -> float:
        """exp(entropy) of the sampled distribution: 1 = no real choice."""
        return math.exp(self.entropy_final)


def _stage(spec_name: str, detail: str, in_gen: bool, active: bool, scores: torch.Tensor) -> Stage:
    row = scores[0].float()
    return Stage(spec_name, detail, in_gen, active, row.cpu().numpy(), int(torch.isfinite(row).sum()))


@torch.no_grad()
def run_pipeline(logits: torch.Tensor, input_ids: torch.Tensor, cfg: SamplingConfig,
                 prompt_len: int | None = None) -> PipelineResult:
    """Apply generate()'s processors one by one, keeping each stage.

    logits: [vocab] raw next-token logits; input_ids: [seq] the context so far
    (prompt + generated); prompt_len: where generated tokens start (default: all prompt).
    """
    ids = input_ids.reshape(1, -1)  # [1, seq]
    scores = logits.reshape(1, -1).float().clone()  # [1, vocab]
    vocab = scores.shape[-1]
    plen = ids.shape[1] if prompt_len is None else prompt_len
    stages = [_stage("model logits", "softmax of the raw logits (p_base)", True, True, scores)]
    for spec in penalty_specs(cfg, plen) + warper_specs(cfg, vocab):
        if spec.processor is None:  # unchanged: share the previous array
            stages.append(dataclasses.replace(stages[-1], name=spec.name, detail=spec.detail,
                                              in_generate=spec.in_generate, active=False))
            continue
        scores = spec.processor(ids, scores.clone())
        stages.append(_stage(spec.name, spec.detail, spec.in_generate, True, scores))
    return PipelineResult(tuple(stages), cfg.greedy)


@dataclass(frozen=True)
class TopTokens:
    """The tokens worth drawing for one decision, plus the mass of everything else."""

    stage: str  # which stage p_stage comes from
    ids: np.ndarray  # [n] by max(p_base, p_stage), descending
    pieces: tuple[str, ...]  # [n] decoded token text
    logits: np.ndarray  # [n] raw model logits
    p_base: np.ndarray  # [n] softmax(raw logits)
    p_stage: np.ndarray  # [n] after the chosen stage (0 = filtered out)
    rest_base: float  # probability of all other tokens
    rest_stage: float

    def alternatives(self, exclude: int, n: int = 8) -> list[int]:
        """Token ids among the first `n` shown, without `exclude` (the token already picked)."""
        return [int(t) for t in self.ids[:n] if int(t) != int(exclude)]


def top_tokens(result: PipelineResult, decode, n: int = 15, stage: int = -1) -> TopTokens:
    """Pick the n most relevant tokens of one stage; `decode(id) -> str`."""
    chosen = result.stages[stage]
    score = np.maximum(result.base_probs, chosen.probs)  # [vocab]
    ids = np.argsort(-score, kind="stable")[:n]
    last = stage in (-1, len(result.stages) - 1)
    return TopTokens("every stage (p_final)" if last else chosen.name, ids, tuple(decode(int(i)) for i in ids),
                     result.stages[0].scores[ids], result.base_probs[ids], chosen.probs[ids],
                     float(max(0.0, 1.0 - result.base_probs[ids].sum())),
                     float(max(0.0, 1.0 - chosen.probs[ids].sum())))
