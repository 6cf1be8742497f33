"""Ensemble sandbox: decision-region recompute time, each method's default run, LLM voting per question."""
from __future__ import annotations

import statistics
import time

import torch

from bench._harness import Result, median_seconds
from explorer.core import device as devices
from explorer.ensembles import bagging_boosting as em
from explorer.ensembles import stacking as es
from explorer.ensembles import voting as ens
from explorer.ensembles import llm_voting as lv
from explorer.core import models
from explorer.ensembles.datasets import DataConfig, make_dataset


def _methods() -> list[Result]:
    data = make_dataset(DataConfig())  # moons, 300 points, the page's default
    grid = ens.GridConfig()
    out = [Result(f"voting: 5 members + ensemble, regions on {grid.resolution}x{grid.resolution} grid",
                  median_seconds(lambda: ens.voting_study(data, ens.MemberConfig(), ens.VoteConfig(), grid), 3),
                  "s", "moons 300 pts, fit + predict, median of 3")]
    big = ens.GridConfig(200)
    out.append(Result("voting: same at 200x200 grid (the slider's max)",
                      median_seconds(lambda: ens.voting_study(data, ens.MemberConfig(), ens.VoteConfig(), big), 3),
                      "s", "median of 3"))
    digits = make_dataset(DataConfig("digits"))
    out.append(Result("voting: digits (1,257 train pts, 10 classes), 80x80",
                      median_seconds(lambda: ens.voting_study(digits, ens.MemberConfig(), ens.VoteConfig(), grid), 3),
                      "s", "median of 3"))
    for name, fn in [
        ("bagging: 50 trees + OOB curve", lambda: em.bagging_study(data, em.BaggingConfig(), grid)),
        ("AdaBoost: 50 stumps, staged grids", lambda: em.boosting_study(data, em.BoostConfig(), grid)),
        ("gradient boosting: 100 trees, staged grids",
         lambda: em.boosting_study(data, em.BoostConfig("gradient", 100, 0.1, 3), grid)),
        ("stacking: 5 members, 5-fold OOF", lambda: es.stacking_study(data, ens.MemberConfig(), es.StackConfig(), grid)),
        ("bias/variance: 3 models x 10 resamples", lambda: es.bias_variance(data, es.BiasVarianceConfig(),
                                                                             ens.GridConfig(60))),
    ]:
        out.append(Result(name, median_seconds(fn, 3, warmup=0), "s", "default settings, median of 3"))
    return out


def _llm() -> list[Result]:
    threads = devices.configure_threads()
    model, tok = models.load_causal_lm(torch.device("cpu")).obj
    cfg = lv.LLMVoteConfig(n_samples=5, temperature=0.7, seed=0)
    times, tokens = [], []
    for key in lv.DEFAULT_KEYS:
        start = time.perf_counter()
        run = lv.sample_question(model, tok, lv.BY_KEY[key], cfg, device=torch.device("cpu"))
        times.append(time.perf_counter() - start)
        tokens.append(int(run.tokens.sum()))
    return [Result("LLM voting: one question, N=5 samples + greedy", statistics.median(times), "s",
                   f"SmolLM2 CPU, {threads} thread(s), median of {len(times)} questions, "
                   f"{statistics.median(tokens):.0f} sampled tokens/question"),
            Result("LLM voting: default page run (3 questions, N=5)", sum(times), "s", "sum")]


def run() -> list[Result]:
    """Time each ensemble view's compute at the page defaults, and LLM voting per question."""
    return _methods() + _llm()
