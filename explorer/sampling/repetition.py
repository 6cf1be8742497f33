"""Repetition: which tokens repeat an earlier n-gram, and the runs the Repetition lab compares.

Example:
    >>> repeated_ngrams([1, 2, 3, 1, 2, 3, 4], 3).tolist()
    [False, False, False, True, True, True, False]
    >>> list(comparison_runs(SamplingConfig()))[0]
    'greedy, no penalty'
"""
from __future__ import annotations

import dataclasses

import numpy as np

from explorer.sampling.pipeline import SamplingConfig

# Penalties the comparison uses when the user's own setting is off: strong
# enough to change a looping greedy text within a few tokens.
FALLBACK_REPETITION = 1.3
FALLBACK_FREQUENCY = 0.5
FALLBACK_PRESENCE = 0.5


def repeated_ngrams(ids, n: int = 3) -> np.ndarray:
    """[len] bool: tokens inside an n-gram that already occurred earlier in `ids`."""
    ids = [int(i) for i in ids]
    mark = np.zeros(len(ids), dtype=bool)
    seen: set[tuple[int, ...]] = set()
    for i in range(len(ids) - n + 1):
        gram = tuple(ids[i:i + n])
        if gram in seen:
            mark[i:i + n] = True
        seen.add(gram)
    return mark


def repeated_share(ids, n: int = 3) -> float:
    """Share of tokens inside a repeated n-gram (0.0 for no tokens)."""
    mark = repeated_ngrams(ids, n)
    return float(mark.mean()) if mark.size else 0.0


def comparison_runs(base: SamplingConfig) -> dict[str, SamplingConfig]:
    """Label -> settings: greedy alone, greedy with each penalty, and `base` itself.

    Each penalty takes the user's value, or its FALLBACK_* when the user left it off.
    """
    rep = base.repetition_penalty if base.repetition_penalty != 1.0 else FALLBACK_REPETITION
    freq = base.frequency_penalty or FALLBACK_FREQUENCY
    pres = base.presence_penalty or FALLBACK_PRESENCE
    greedy = dataclasses.replace(base, temperature=0.0, repetition_penalty=1.0, frequency_penalty=0.0,
                                 presence_penalty=0.0)
    return {
        "greedy, no penalty": greedy,
        f"greedy + repetition penalty {rep:g} (in generate())": dataclasses.replace(greedy, repetition_penalty=rep),
        f"greedy + frequency penalty {freq:g} (not in generate())": dataclasses.replace(greedy, frequency_penalty=freq),
        f"greedy + presence penalty {pres:g} (not in generate())": dataclasses.replace(greedy, presence_penalty=pres),
        f"sampling, your settings (T={base.temperature:g})": base,
    }
