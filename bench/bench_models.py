"""Model load times (cold GGUF vs cached), first page to interactive, server RSS."""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time

import psutil

from bench._harness import Result
from explorer.core.models import SPECS
from tests.e2e._server import CHROMIUM, CHROMIUM_ARGS, ROOT, streamlit_server

LOAD_ALL = """
import json, torch
from explorer.core import models
d = torch.device("cpu")
out = {"smollm2": models.load_causal_lm(d).seconds, "minilm": models.load_encoder(d).seconds,
       "glove": models.load_glove().seconds}
out.update({k: models.load_tokenizer(k).seconds for k in models.TOKENIZER_KEYS})
print(json.dumps(out))
"""
COLD = "from explorer.core import bundled; import sys; bundled.dequantize_smollm2(__import__('pathlib').Path(sys.argv[1]))"
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


def _python(code: str, *args: str) -> str:
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout


def _cold_dequantize() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        _python(COLD, f"{tmp}/m")
        return time.perf_counter() - start


def _browser_timings(url: str) -> tuple[float, list[float]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        loads = []
        for _ in range(4):
            page = browser.new_page()
            start = time.perf_counter()
            page.goto(url + "/")
            page.wait_for_selector("[data-testid='stMain'] h1", timeout=120_000)
            page.wait_for_selector(READY, timeout=120_000)
            loads.append(time.perf_counter() - start)
            page.close()
        page = browser.new_page()
        page.goto(url + "/models")
        page.wait_for_selector("[data-testid='stDataFrame']", timeout=300_000)
        page.wait_for_selector(READY, timeout=300_000)
        browser.close()
    return loads[0], loads[1:]


def run() -> list[Result]:
    """Cold vs cached loads, time to interactive and RSS with every model loaded."""
    results = [Result("SmolLM2 cold: dequantize GGUF + save (subprocess)", _cold_dequantize(),
                      "s", "1 run, includes imports")]
    runs = [json.loads(_python(LOAD_ALL).strip().splitlines()[-1]) for _ in range(3)]
    for key in runs[0]:
        secs = statistics.median(r[key] for r in runs)
        results.append(Result(f"load {SPECS[key].title} (cached/bundled)", secs, "s", "median of 3 fresh processes"))
    with streamlit_server() as (url, proc):
        first, warm = _browser_timings(url)
        rss = psutil.Process(proc.pid).memory_info().rss / 1e6
    results += [
        Result("Home time to interactive, first visit", first, "s", "Chromium, new server"),
        Result("Home time to interactive, warm", statistics.median(warm), "s", "median of 3"),
        Result("server RSS after Models page loaded all models", rss, "MB", "streamlit process"),
    ]
    return results
