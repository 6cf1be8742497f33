"""Unit tests of the Repetition lab's computation: repeated n-grams and the compared settings."""
import pytest

from explorer.sampling.pipeline import SamplingConfig
from explorer.sampling.repetition import (
    FALLBACK_FREQUENCY, FALLBACK_PRESENCE, FALLBACK_REPETITION, comparison_runs, repeated_ngrams, repeated_share,
)


def test_repeated_ngrams_by_hand():
    """Check 'a b c a b c d' marks the second 'a b c' only."""
    assert repeated_ngrams([1, 2, 3, 1, 2, 3, 4], 3).tolist() == [False] * 3 + [True] * 3 + [False]
    assert not repeated_ngrams([1, 2, 3, 4], 3).any()


def test_repeated_share_is_the_marked_fraction():
    """Check the share is marked tokens over all tokens, and 0 for an empty path."""
    assert repeated_share([1, 2, 3, 1, 2, 3, 4], 3) == pytest.approx(3 / 7)
    assert repeated_share([], 3) == 0.0


def test_comparison_runs_use_fallbacks_when_penalties_are_off():
    """Check each greedy run turns on one penalty (fallback value when off) and the last is the user's."""
    base = SamplingConfig(0.9, top_k=20)
    runs = list(comparison_runs(base).values())
    assert [r.temperature for r in runs[:4]] == [0.0] * 4 and runs[4] == base
    assert (runs[0].repetition_penalty, runs[0].frequency_penalty, runs[0].presence_penalty) == (1.0, 0.0, 0.0)
    assert runs[1].repetition_penalty == FALLBACK_REPETITION and runs[1].frequency_penalty == 0.0
    assert runs[2].frequency_penalty == FALLBACK_FREQUENCY and runs[3].presence_penalty == FALLBACK_PRESENCE


def test_comparison_runs_take_the_users_penalties():
    """Check a penalty the user set is used as is and named in its label."""
    runs = comparison_runs(SamplingConfig(repetition_penalty=1.8, frequency_penalty=-1.0))
    labels = list(runs)
    assert "repetition penalty 1.8" in labels[1] and runs[labels[1]].repetition_penalty == 1.8
    assert "frequency penalty -1" in labels[2] and runs[labels[2]].frequency_penalty == -1.0
