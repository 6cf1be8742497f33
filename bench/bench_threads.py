"""Torch thread count under load: SmolLM2 forward on 256 tokens, 1 vs 2 threads.

A second process keeps one core busy, as the Streamlit server and the browser
do in real use. Each setting runs in a fresh process.
"""
from __future__ import annotations

import multiprocessing as mp
import subprocess
import sys

from bench._harness import Result
from tests.e2e._server import ROOT

FORWARD = """
import sys, time, statistics, torch
torch.set_num_threads(int(sys.argv[1]))
from explorer.core import models
model, tok = models.load_causal_lm(torch.device("cpu")).obj
ids = torch.randint(0, 49152, (1, 256), generator=torch.Generator().manual_seed(0))
times = []
with torch.no_grad():
    for i in range(6):
        t = time.perf_counter(); model(ids); times.append(time.perf_counter() - t)
print(statistics.median(times[1:]))
"""


def _burn(stop) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def _forward_ms(threads: int) -> float:
    out = subprocess.run([sys.executable, "-c", FORWARD, str(threads)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1]) * 1000


def run() -> list[Result]:
    """Median forward time at 1 and 2 threads with one core kept busy."""
    stop = mp.Event()
    burner = mp.Process(target=_burn, args=(stop,))
    burner.start()
    try:
        rows = [Result(f"SmolLM2 forward 256 tokens, {n} thread(s), 1 core busy", _forward_ms(n), "ms",
                       "median of 5") for n in (1, 2)]
    finally:
        stop.set()
        burner.join()
    return rows
