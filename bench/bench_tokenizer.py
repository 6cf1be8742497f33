"""Tokenizer inspector: tokenize + render 10,000 characters with four tokenizers side by side."""
from __future__ import annotations

import statistics
import time
from urllib.parse import urlencode

from bench._harness import Result, median_seconds
from explorer.core import models
from explorer.tokenizers import figures as figs
from explorer.tokenizers.adapters import TokenizeConfig, adapt
from explorer.tokenizers.chips import token_panel
from explorer.tokenizers.diff import diff_tokenized
from tests.e2e._server import CHROMIUM, CHROMIUM_ARGS, streamlit_server

FOUR = ("gpt2", "cl100k", "bert", "phi3")
PARAGRAPH = ("Tokenizers cut text into pieces: words, subwords, bytes. The year 2024 had "
             "366 days; 3.14159 is pi. def f(x): return x ** 2  # code too\n"
             "Multilingual: 東京は日本の首都です. Καλημέρα κόσμε! Привет, мир. 👩‍💻🚀 ")
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


def sample_text(n_chars: int = 10_000) -> str:
    """A deterministic mixed-language text of exactly `n_chars` characters."""
    return (PARAGRAPH * (n_chars // len(PARAGRAPH) + 1))[:n_chars]


def _adapters():
    out = []
    for key in FOUR:
        loaded = models.load_tokenizer(key)
        out.append(adapt(key, loaded.obj, loaded.spec.title, loaded.spec.context))
    return out


def _compute_and_render(adapters, text: str) -> int:
    results = [a.tokenize(text, TokenizeConfig()) for a in adapters]
    diff = diff_tokenized(results)
    html = [token_panel(r, f"p{i}", False, diff.token_differs[i]) for i, r in enumerate(results)]
    figs.context_gauge(results)
    figs.token_table(results, list(diff.token_differs))
    return sum(len(h) for h in html)


def _browser_seconds(texts: list[str], repeat: int = 3) -> list[list[float]]:
    """Per text: seconds from opening a shared link until all four panels are drawn."""
    from playwright.sync_api import sync_playwright

    out = []
    with streamlit_server() as (url, _proc), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for text in texts:
            url_query = urlencode({"text": text, "tk": "|".join(FOUR)})
            times = []
            for _ in range(repeat + 1):  # the first visit also loads the tokenizers
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                start = time.perf_counter()
                page.goto(f"{url}/tokenizer?{url_query}")
                page.wait_for_selector(".tokv.p3 .ti", timeout=300_000)
                page.wait_for_selector(READY, timeout=300_000)
                times.append(time.perf_counter() - start)
                page.close()
            out.append(times)
        browser.close()
    return out


def run() -> list[Result]:
    """Per-tokenizer encode time, python-side render time, and browser time to see all four."""
    text = sample_text()
    adapters = _adapters()
    results = []
    for a in adapters:
        secs = median_seconds(lambda a=a: a.tokenize(text, TokenizeConfig()), repeat=5)
        n = a.tokenize(text).n_tokens
        results.append(Result(f"tokenize 10,000 chars: {a.title}", secs * 1000, "ms",
                              f"{n:,} tokens, median of 5"))
    html_bytes = _compute_and_render(adapters, text)
    secs = median_seconds(lambda: _compute_and_render(adapters, text), repeat=5)
    results.append(Result("tokenize + diff + HTML + table, 4 tokenizers, 10,000 chars", secs * 1000,
                          "ms", f"python side, median of 5; {html_bytes / 1e6:.2f} MB of HTML"))
    short, times = _browser_seconds(["I love NPL.", text])
    results.append(Result("page shows 4 tokenizers for 11 chars, first visit", short[0], "s",
                          "Chromium, fresh server: includes loading the 4 tokenizers"))
    results.append(Result("page shows 4 tokenizers for 11 chars, warm", statistics.median(short[1:]),
                          "s", "baseline: page overhead; new tab each time, median of 3"))
    results.append(Result("page shows 4 tokenizers for 10,000 chars, warm", statistics.median(times[1:]),
                          "s", "Chromium, new tab each time, median of 3 (after 1 untimed)"))
    return results
