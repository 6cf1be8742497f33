"""Sampling lab speed: the lab's KV-cached step loop beside model.generate(), same prompt, same run."""
from __future__ import annotations

import statistics
import time

import torch

from bench._harness import Result, median_seconds
from explorer.core import models
from explorer.core.device import configure_threads, pick_device
from explorer.sampling.generation import RunConfig, decision, encode_prompt, extend, sample_many
from explorer.sampling.pipeline import SamplingConfig

PROMPT = "Tell me a long story about a dragon who learns to bake bread."
TOKENS = 32
SETTINGS = {"sampled T=0.8 top-k 50 top-p 0.95": SamplingConfig(0.8, top_k=50, top_p=0.95),
            "greedy": SamplingConfig(0.0)}


def _interleaved(fns, repeat: int = 5) -> list[float]:
    """Median seconds of each fn, timed alternately so machine load drifts hit all alike."""
    times = [[] for _ in fns]
    for _ in range(repeat + 1):  # the first round is a warm-up
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - start)
    return [statistics.median(t[1:]) for t in times]


def _pair(model, tok, ids: tuple, cfg: SamplingConfig, device) -> list[Result]:
    run = RunConfig(TOKENS, seed=0)
    tensor = torch.tensor([list(ids)], device=device)

    def generate():
        torch.manual_seed(0)
        return model.generate(tensor, attention_mask=torch.ones_like(tensor), max_new_tokens=TOKENS,
                              **cfg.generate_kwargs())

    lab, ref = _interleaved([lambda: extend(model, tok, ids, cfg, run, device=device), generate])
    ours = extend(model, tok, ids, cfg, run, device=device).token_ids.tolist()
    theirs = generate()[0, len(ids):].tolist()
    same = ours == theirs and len(ours) == TOKENS
    return [
        Result(f"lab loop, {cfg_name(cfg)}: per step", lab / TOKENS * 1e3, "ms", f"{TOKENS / lab:.1f} tokens/s"),
        Result(f"model.generate(), {cfg_name(cfg)}: per step", ref / TOKENS * 1e3, "ms",
               f"{TOKENS / ref:.1f} tokens/s"),
        Result(f"lab / generate() time ratio, {cfg_name(cfg)}", lab / ref, "x",
               f"identical {len(ours)} tokens: {same}; interleaved, median of 5; < 1 = lab faster"),
    ]


def cfg_name(cfg: SamplingConfig) -> str:
    return next(k for k, v in SETTINGS.items() if v == cfg)


def run() -> list[Result]:
    """Step-loop vs generate() latency, one full-pipeline decision, a replayed path, N samples."""
    configure_threads()
    device = pick_device()
    model, tok = models.load_causal_lm(device).obj
    ids = encode_prompt(tok, PROMPT, chat=True).ids
    results = [r for cfg in SETTINGS.values() for r in _pair(model, tok, ids, cfg, device)]
    cfg = SamplingConfig(0.8, top_k=50, top_p=0.95, min_p=0.05, repetition_penalty=1.2)
    path = extend(model, tok, ids, cfg, RunConfig(100, seed=0, stop_at_eos=False), device=device).token_ids
    results += [
        Result("full pipeline for one decision (forward + 7 stages, 49,152 tokens)",
               median_seconds(lambda: decision(model, ids, (), cfg, device=device)) * 1e3, "ms", "median of 5"),
        Result("Step click with a 100-token path (replay in one prefill + 1 token)",
               median_seconds(lambda: extend(model, tok, ids, cfg, RunConfig(1, 0), path, device=device),
                              repeat=3) * 1e3, "ms", "median of 3"),
        Result("sample N=20 continuations x 8 tokens (one batch)",
               median_seconds(lambda: sample_many(model, tok, ids, cfg, 20, RunConfig(8, 0), device=device),
                              repeat=3), "s", "median of 3"),
    ]
    return results
