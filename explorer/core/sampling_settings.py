"""The seven decoding settings, validated once, for the local pipeline and for an inference engine.

explorer.sampling.pipeline.SamplingConfig runs them through transformers'
processors on this server; explorer.core.engine.Decoding sends them to an engine.

Example:
    >>> SamplingSettings(temperature=0.7, top_k=50).top_p
    1.0
"""
from __future__ import annotations

import math
from dataclasses import dataclass

MAX_TEMPERATURE = 100.0


@dataclass(frozen=True)
class SamplingSettings:
    """temperature 0 = greedy; top_k 0, top_p 1, min_p 0 = off; penalties 1 / 0 = off."""

    temperature: float = 1.0
    top_k: int = 0
    top_p: float = 1.0
    min_p: float = 0.0
    repetition_penalty: float = 1.0
    frequency_penalty: float = 0.0  # OpenAI-style, over generated tokens (not part of generate())
    presence_penalty: float = 0.0  # likewise

    def __post_init__(self) -> None:
        if not math.isfinite(self.temperature) or not 0.0 <= self.temperature <= MAX_TEMPERATURE:
            raise ValueError(f"temperature must be between 0 and {MAX_TEMPERATURE:g}, got {self.temperature}")
        if self.top_k < 0:
            raise ValueError(f"top_k must be 0 (off) or a positive count, got {self.top_k}")
        if not 0.0 <= self.top_p <= 1.0:
            raise ValueError(f"top_p must be between 0 and 1, got {self.top_p}")
        if not 0.0 <= self.min_p <= 1.0:
            raise ValueError(f"min_p must be between 0 and 1, got {self.min_p}")
        if not 0.0 < self.repetition_penalty <= 10.0:
            raise ValueError(f"repetition_penalty must be in (0, 10], got {self.repetition_penalty}")
        for name in ("frequency_penalty", "presence_penalty"):
            if not -2.0 <= getattr(self, name) <= 2.0:
                raise ValueError(f"{name} must be between -2 and 2, got {getattr(self, name)}")
