"""Local PyTorch vs an inference engine, side by side in one run: LLM voting and the lab's Generate.

Uses the engine at $EXPLORER_ENGINE_URL when set (e.g. vLLM on a GPU); otherwise
starts llama.cpp's server on the bundled GGUF (1 thread, like the local model
on 2 cores) and stops it after. `python -m bench.run bench_engine`.
"""
from __future__ import annotations

import os
import statistics
import subprocess
from contextlib import contextmanager

from bench._harness import Result, median_seconds
from explorer.core import llama_server, models
from explorer.core.device import configure_threads, pick_device
from explorer.core.engine import settings_from
from explorer.core.local_engine import LocalEngine
from explorer.core.openai_engine import OpenAIEngine
from explorer.ensembles.llm_voting import BY_KEY, DEFAULT_KEYS, LLMVoteConfig, run_question
from explorer.sampling import engine_lab
from explorer.sampling.generation import RunConfig, encode_prompt, extend
from explorer.sampling.pipeline import SamplingConfig

STORY = "Tell me a long story about a dragon who learns to bake bread."
GENERATE_TOKENS = 64
LAB = SamplingConfig(0.8, top_k=50, top_p=0.95)


@contextmanager
def _engine():
    """The configured engine, or a llama.cpp server started for this benchmark."""
    settings = settings_from(os.environ)
    if settings is not None:
        yield OpenAIEngine(settings), settings.host
        return
    port = llama_server.free_port()
    server = llama_server.start(port, threads=1)
    try:
        llama_server.wait_ready(server, llama_server.url_for(port))
        yield OpenAIEngine(settings_from({"EXPLORER_ENGINE_URL": llama_server.url_for(port)})), "llama.cpp, 1 thread"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _voting(engine, label: str, n: int) -> list[Result]:
    cfg = LLMVoteConfig(n_samples=n, temperature=0.7, seed=1)
    runs = [run_question(engine, BY_KEY[k], cfg) for k in DEFAULT_KEYS]
    tokens = sum(int(r.tokens.sum()) + r.greedy_tokens for r in runs)
    seconds = sum(r.seconds for r in runs)
    return [Result(f"LLM voting N={n}, {label}: seconds per question", statistics.median(r.seconds for r in runs),
                   "s", f"{tokens / seconds:.1f} tokens/s; {len(runs)} questions, greedy + N samples of <= 12 "
                   "tokens; median over questions")]


def _generate_local(model, tok, device) -> Result:
    ids = encode_prompt(tok, STORY, chat=True).ids
    run = RunConfig(GENERATE_TOKENS, seed=0, stop_at_eos=False)
    extend(model, tok, ids, LAB, RunConfig(4, 0), device=device)  # warm-up
    seconds = median_seconds(lambda: extend(model, tok, ids, LAB, run, device=device), repeat=3, warmup=0)
    return Result(f"Sampling lab Generate {GENERATE_TOKENS} tokens, local step loop (full pipeline per step)",
                  seconds, "s", f"{GENERATE_TOKENS / seconds:.1f} tokens/s; median of 3")


def _generate_engine(engine, label: str, tok) -> Result:
    context = engine_lab.templated(tok, STORY, True)
    paths = [engine_lab.generate(engine, context, LAB, GENERATE_TOKENS, seed, 20) for seed in range(4)][1:]
    seconds = statistics.median(p.seconds for p in paths)
    tokens = statistics.median(p.n_tokens for p in paths)
    return Result(f"Sampling lab Generate {GENERATE_TOKENS} tokens, engine ({label}, top-20 logprobs)", seconds,
                  "s", f"{tokens / seconds:.1f} tokens/s over {tokens:.0f} tokens (it may stop at end of text); "
                  "median of 3 seeds")


def run() -> list[Result]:
    """LLM voting at N=5 and N=20 and a 64-token Generate, local vs engine."""
    configure_threads()
    device = pick_device()
    model, tok = models.load_causal_lm(device).obj
    local = LocalEngine(model, tok, device)
    run_question(local, BY_KEY["capital"], LLMVoteConfig(n_samples=2))  # warm-up
    with _engine() as (engine, label):
        run_question(engine, BY_KEY["capital"], LLMVoteConfig(n_samples=2))  # warm-up, checks the model
        results = []
        for n in (5, 20):
            results += _voting(local, "local (PyTorch, one batch)", n)
            results += _voting(engine, f"engine ({label}, N requests at once)", n)
        results += [_generate_local(model, tok, device), _generate_engine(engine, label, tok)]
    return results
