"""Embedding space: neighbour query over 400,000 GloVe words, spelling suggestions
for a link full of unknown words, projection times (cold = fresh process incl.
imports / numba JIT, warm = second fit in that process) at 1k / 10k / 50k
points, and browser render time for 50,000 points."""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time

import numpy as np

from bench._harness import Result, median_seconds
from tests.e2e._server import CHROMIUM, CHROMIUM_ARGS, ROOT, streamlit_server

# What is feasible on 2 shared cores; the UI caps are explorer.core.projections.CAPS.
SIZES = {"pca": (1_000, 10_000, 50_000), "umap": (1_000, 10_000), "tsne": (1_000, 2_000)}
FIT = """
import json, sys, time
from explorer.core import models
from explorer.embeddings import words
space = words.unit_space(models.load_glove().obj)
x = space.raw(words.background_rows(space, int(sys.argv[2])))
t1 = time.perf_counter()
from explorer.core import projections  # sklearn import counts as cold; umap's happens in the fit
cfg = projections.ProjectionConfig(sys.argv[1], max_points=400_000)
first = projections.project(x, cfg)
t2 = time.perf_counter()
second = projections.project(x, cfg)
print(json.dumps({"cold": t2 - t1, "warm": second.seconds, "trust": second.trust}))
"""
AFTER_WARMUP = """
import json, sys, time
from explorer.core import models, projections
from explorer.embeddings import words
space = words.unit_space(models.load_glove().obj)
x = space.raw(words.background_rows(space, 10_000))
w = projections.UmapWarmup(large=True).start()
w.wait(); t0 = time.perf_counter(); w.large_done.wait(); large = time.perf_counter() - t0
p = projections.project(x, projections.ProjectionConfig("umap"))
print(json.dumps({"small": w.seconds, "large": large, "fit": p.seconds}))
"""
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


def _fit(method: str, n: int) -> dict:
    out = subprocess.run([sys.executable, "-c", FIT, method, str(n)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _neighbours() -> list[Result]:
    from explorer.core import models
    from explorer.embeddings import words

    wv = models.load_glove().obj
    start = time.perf_counter()
    space = words.unit_space(wv)
    build = time.perf_counter() - start
    rng = np.random.default_rng(0)
    queries = space.raw(rng.integers(0, 50_000, 20))
    held = space.words.nbytes + space.unit.nbytes + space.norms.nbytes
    out = [Result("GloVe: normalise 400,000 x 50 once", build, "s", "cached per server"),
           Result("GloVe held per server: words + float16 search rows + norms", held / 1e6, "MB",
                  f"words {space.words.nbytes / 1e6:.1f} MB; vectors stay memory-mapped")]
    for metric in words.METRICS:
        secs = median_seconds(lambda: [words.nearest(space, q, 10, metric) for q in queries],
                              repeat=3) / len(queries)
        out.append(Result(f"neighbour query, {metric}, k=10 over 400,000 words", secs * 1000,
                          "ms", "float16 mat-vec shortlist + exact float32 rescoring, median of 3x20 queries"))
    return out


def _suggestions() -> list[Result]:
    """A `words=` link with 200 unknown words: suggestions for all of them (before) or the first 8 (now)."""
    from explorer.core import models
    from explorer.embeddings import words

    space = words.unit_space(models.load_glove().obj)
    unknown = [f"zq{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}x" for i in range(200)]
    every = median_seconds(lambda: words.lookup(space, unknown, suggest_max=len(unknown)), repeat=1, warmup=0)
    first = median_seconds(lambda: words.lookup(space, unknown), repeat=3)
    return [Result("200 unknown words: spelling suggestions for all (before, every rerun)", every, "s",
                   "difflib over the 50,000 most frequent words, per word"),
            Result(f"200 unknown words: suggestions for the first {words.SUGGEST_MAX} (now, once)", first, "s",
                   "then cached per text (st.cache_data, 64 entries): a rerun costs nothing")]


def _projections() -> list[Result]:
    out = []
    for method, sizes in SIZES.items():
        for n in sizes:
            r = _fit(method, n)
            note = f"trust {r['trust']:.3f}" if r["trust"] is not None else ""
            out.append(Result(f"{method.upper()} {n:,} pts 2-D cold", r["cold"], "s",
                              "fresh process: sklearn/umap import + JIT + fit"))
            out.append(Result(f"{method.upper()} {n:,} pts 2-D warm", r["warm"], "s", note))
    raw = subprocess.run([sys.executable, "-c", AFTER_WARMUP], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    w = json.loads(raw.strip().splitlines()[-1])
    out += [Result("UMAP warm-up, stage 1 (import + tiny fit): UMAP offered", w["small"], "s",
                   "background thread"),
            Result("UMAP warm-up, stage 2 (compile the >=4,096-point path)", w["large"], "s",
                   "background thread, after stage 1"),
            Result("UMAP 10,000 pts 2-D, first fit after both stages", w["fit"], "s",
                   "compare with the cold row above")]
    out.append(Result("UMAP 50,000 / t-SNE 10,000+ points", float("nan"), "s",
                      "not run: above the UI caps (UMAP 10,000, t-SNE 2,000); the page samples "
                      "and says 'showing N of M'"))
    return out


def _browser(url: str) -> list[Result]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(3):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            start = time.perf_counter()
            page.goto(url + "/embeddings?background=50000")
            page.wait_for_selector("[data-testid='stPlotlyChart'] .js-plotly-plot canvas",
                                   timeout=300_000)
            page.wait_for_selector(READY, timeout=300_000)
            times.append(time.perf_counter() - start)
            page.close()
        browser.close()
    return [Result("browser: 50,010-point WebGL scatter, first (PCA, cold caches)", times[0], "s",
                   "Chromium, goto -> canvas drawn + script idle; GloVe load and the UMAP "
                   "warm-up thread run in the same fresh server"),
            Result("browser: 50,010-point WebGL scatter, cached", statistics.median(times[1:]),
                   "s", "median of 2 new tabs")]


def run() -> list[Result]:
    """Neighbour queries, projection times and the 50k-point browser render."""
    results = _neighbours() + _suggestions() + _projections()
    with streamlit_server() as (url, _proc):
        results += _browser(url)
    return results
