"""Ensemble sandbox: decision-region recompute time, each method's default run, LLM voting per question."""
from __future__ import annotations

import statistics
import time

import torch

from bench._harness import Result, median_seconds
from explorer.core import models
from explorer.core.device import configure_threads
from explorer.ensembles.bagging_boosting import BaggingConfig, BoostConfig, bagging_study, boosting_study
from explorer.ensembles.datasets import DataConfig, make_dataset
from explorer.ensembles.llm_voting import BY_KEY, DEFAULT_KEYS, LLMVoteConfig, sample_question
from explorer.ensembles.stacking import BiasVarianceConfig, StackConfig, bias_variance, stacking_study
from explorer.ensembles.voting import GridConfig, MemberConfig, VoteConfig, voting_study


def _methods() -> list[Result]:
    data = make_dataset(DataConfig())  # moons, 300 points, the page's default
    grid = GridConfig()
    out = [Result(f"voting: 5 members + ensemble, regions on {grid.resolution}x{grid.resolution} grid",
                  median_seconds(lambda: voting_study(data, MemberConfig(), VoteConfig(), grid), 3),
                  "s", "moons 300 pts, fit + predict, median of 3")]
    big = GridConfig(200)
    out.append(Result("voting: same at 200x200 grid (the slider's max)",
                      median_seconds(lambda: voting_study(data, MemberConfig(), VoteConfig(), big), 3),
                      "s", "median of 3"))
    digits = make_dataset(DataConfig("digits"))
    out.append(Result("voting: digits (1,257 train pts, 10 classes), 80x80",
                      median_seconds(lambda: voting_study(digits, MemberConfig(), VoteConfig(), grid), 3),
                      "s", "median of 3"))
    for name, fn in [
        ("bagging: 50 trees + OOB curve", lambda: bagging_study(data, BaggingConfig(), grid)),
        ("AdaBoost: 50 stumps, staged grids", lambda: boosting_study(data, BoostConfig(), grid)),
        ("gradient boosting: 100 trees, staged grids",
         lambda: boosting_study(data, BoostConfig("gradient", 100, 0.1, 3), grid)),
        ("stacking: 5 members, 5-fold OOF", lambda: stacking_study(data, MemberConfig(), StackConfig(), grid)),
        ("bias/variance: 3 models x 10 resamples", lambda: bias_variance(data, BiasVarianceConfig(),
                                                                             GridConfig(60))),
    ]:
        out.append(Result(name, median_seconds(fn, 3, warmup=0), "s", "default settings, median of 3"))
    return out


def _llm() -> list[Result]:
    threads = configure_threads()
    model, tok = models.load_causal_lm(torch.device("cpu")).obj
    cfg = LLMVoteConfig(n_samples=5, temperature=0.7, seed=0)
    times, tokens = [], []
    for key in DEFAULT_KEYS:
        start = time.perf_counter()
        run = sample_question(model, tok, BY_KEY[key], cfg, device=torch.device("cpu"))
        times.append(time.perf_counter() - start)
        tokens.append(int(run.tokens.sum()))
    return [Result("LLM voting: one question, N=5 samples + greedy", statistics.median(times), "s",
                   f"SmolLM2 CPU, {threads} thread(s), median of {len(times)} questions, "
                   f"{statistics.median(tokens):.0f} sampled tokens/question"),
            Result("LLM voting: default page run (3 questions, N=5)", sum(times), "s", "sum")]


def run() -> list[Result]:
    """Time each ensemble view's compute at the page defaults, and LLM voting per question."""
    return _methods() + _llm()
