"""Load test: many learners on one server, as when a class opens a shared link at once.

    python -m bench.load                      # 8 sessions for 120 s (make bench)
    python -m bench.load --sessions 3 --seconds 30

Starts one `streamlit run`, warms it up by opening every page once (and reads
the server's memory then), and opens N concurrent Chromium sessions that visit
mixed links sharing SmolLM2 and MiniLM for T seconds. Each visit is timed from
navigation until the page's script has finished. Reported: visits, p50 / p95
page time, every exception shown in a page, every visit whose page state
differs from its own link (another session's settings, or a lost value), and
the server's peak RSS (whole process tree).
"""
from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import random
import statistics
import threading
import time
from dataclasses import asdict, dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

import psutil

from bench._harness import Result
from explorer.attention.state import AttentionState
from explorer.embeddings.state import EmbeddingsState
from explorer.ensembles.state import EnsemblesState
from explorer.playground.state import PlayState
from explorer.sampling.state import SamplingState
from explorer.tokenizers.state import TokenizerState
from tests.e2e._server import CHROMIUM, CHROMIUM_ARGS, ROOT, streamlit_server

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
STATES = {"attention": AttentionState, "sampling": SamplingState, "embeddings": EmbeddingsState,
          "ensembles": EnsemblesState, "playground": PlayState, "tokenizer": TokenizerState}
VISIT_TIMEOUT_MS = 240_000
OUT = ROOT / "bench" / "out"


def mixed_links(rng: random.Random) -> list[str]:
    """One round of links a class might share, with random layers, heads and seeds."""
    layer, head = rng.randrange(6), rng.randrange(12)
    s_layer, s_head = rng.randrange(30), rng.randrange(9)
    links = [
        ("attention", {"layer": layer, "head": head}),  # MiniLM, show the work included
        ("attention", {"model": "smollm2", "layer": s_layer, "head": s_head}),
        ("sampling", {"seed": rng.randrange(1, 9999)}),  # next-token distribution
        ("sampling", {"view": "vary", "n_samples": 5, "seed": rng.randrange(1, 9999)}),
        ("embeddings", {"mode": "contextual", "model": rng.choice(["minilm", "smollm2"])}),
        ("ensembles", {"view": "llm", "llm_n": 3, "llm_q": "capital"}),
        ("tokenizer", {"text": f"Learners {rng.randrange(1000)} share one server."}),
        ("ensembles", {"seed": rng.randrange(1, 9999)}),
        ("playground", {"data": rng.choice(["xor", "spiral", "gauss"]), "seed": rng.randrange(1, 9999)}),
    ]
    rng.shuffle(links)
    return [f"/{page}?{urlencode(params)}" for page, params in links]


@dataclass
class Visit:
    """One page visit: its link, time to finished script, and what went wrong."""

    link: str
    seconds: float
    exceptions: list[str] = field(default_factory=list)
    mismatch: str = ""
    timed_out: bool = False


def state_mismatch(link: str, final_url: str) -> str:
    """'' when the page's URL state equals the link's, else a description of the difference."""
    parts, final = urlsplit(link), urlsplit(final_url)
    cls = STATES.get(parts.path.strip("/"))
    if cls is None:
        return ""
    want, got = cls.from_query(parse_qs(parts.query)), cls.from_query(parse_qs(final.query))
    if final.path.rstrip("/").split("/")[-1] != parts.path.strip("/"):
        return f"landed on {final.path}"
    diff = {k: (v, got.to_query().get(k)) for k, v in want.to_query().items() if got.to_query().get(k) != v}
    return f"{diff}" if diff else ""


async def _visit(page, base: str, link: str) -> Visit:
    start = time.perf_counter()
    try:
        await page.goto(base + link)
        await page.wait_for_selector("[data-testid='stMain'] h1", timeout=VISIT_TIMEOUT_MS)
        await page.wait_for_selector(READY, timeout=VISIT_TIMEOUT_MS)
    except Exception as err:  # noqa: BLE001 - a visit that never finishes is a result, not a crash
        return Visit(link, time.perf_counter() - start, [f"{type(err).__name__}: {err}"[:300]], timed_out=True)
    seconds = time.perf_counter() - start
    errors = [t[:300] for t in await page.locator("[data-testid='stException']").all_inner_texts()]
    return Visit(link, seconds, errors, state_mismatch(link, page.url))


async def _session(browser, base: str, seed: int, deadline: float, visits: list[Visit]) -> None:
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        for link in mixed_links(rng):
            if time.monotonic() >= deadline:
                break
            visits.append(await _visit(page, base, link))
    await context.close()


async def _warm_up(browser, base: str) -> None:
    from pages.shared.nav import available_pages

    context = await browser.new_context()
    page = await context.new_page()
    for info in available_pages():
        await _visit(page, base, "/" if info.default else f"/{info.url_path}")
    await context.close()


class RssPeak:
    """Samples the server's resident memory (process and children) twice a second."""

    def __init__(self, pid: int):
        self.proc, self.peak, self._stop = psutil.Process(pid), 0.0, threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def now(self) -> float:
        """Resident memory of the process tree, MB."""
        procs = [self.proc] + self.proc.children(recursive=True)
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total / 1e6

    def _loop(self) -> None:
        while not self._stop.wait(0.5):
            self.peak = max(self.peak, self.now())

    def __enter__(self) -> RssPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


async def _run(base: str, pid: int, sessions: int, seconds: float) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        rss = RssPeak(pid)
        started = time.perf_counter()
        await _warm_up(browser, base)
        warm = {"warmup_s": time.perf_counter() - started, "rss_after_warmup_mb": rss.now()}
        visits: list[Visit] = []
        with rss:
            deadline = time.monotonic() + seconds
            await asyncio.gather(*(_session(browser, base, i, deadline, visits) for i in range(sessions)))
        await browser.close()
    return {**warm, "rss_peak_mb": rss.peak, "visits": [asdict(v) for v in visits]}


def summarize(report: dict, sessions: int, seconds: float) -> dict:
    """Visits, p50/p95, exceptions, mismatches and memory from a raw report."""
    times = sorted(v["seconds"] for v in report["visits"])
    pct = (lambda q: times[min(len(times) - 1, int(q * len(times)))]) if times else (lambda q: float("nan"))
    return {"sessions": sessions, "seconds": seconds, "visits": len(times),
            "p50_s": statistics.median(times) if times else float("nan"), "p95_s": pct(0.95),
            "timeouts": sum(v["timed_out"] for v in report["visits"]),
            "exceptions": [e for v in report["visits"] for e in v["exceptions"] if not v["timed_out"]],
            "mismatches": [(v["link"], v["mismatch"]) for v in report["visits"] if v["mismatch"]],
            "rss_after_warmup_mb": report["rss_after_warmup_mb"], "rss_peak_mb": report["rss_peak_mb"]}


def run_load(sessions: int = 8, seconds: float = 120) -> dict:
    """Start a server, warm it up, run the load, and return the summary (raw visits kept on disk)."""
    with streamlit_server() as (url, proc):
        # Its own thread: pytest-playwright's sync page fixture may already run an event loop
        # in this thread, and asyncio.run refuses to nest.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            report = pool.submit(asyncio.run, _run(url, proc.pid, sessions, seconds)).result()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"load-{sessions}x{int(seconds)}.json").write_text(json.dumps(report, indent=1))
    return summarize(report, sessions, seconds)


def run() -> list[Result]:
    """Rows for the benchmark table (8 sessions x 120 s)."""
    s = run_load()
    note = f"{s['sessions']} Chromium sessions x {s['seconds']:.0f} s, one server"
    return [Result("load: page visits finished", s["visits"], "visits", note),
            Result("load: page time p50", s["p50_s"], "s", note),
            Result("load: page time p95", s["p95_s"], "s", note),
            Result("load: exceptions shown / state mismatches", len(s["exceptions"]) + len(s["mismatches"]),
                   "count", f"{len(s['exceptions'])} exceptions, {len(s['mismatches'])} mismatches"),
            Result("load: server RSS after every page once", s["rss_after_warmup_mb"], "MB", "process tree"),
            Result("load: server RSS peak under load", s["rss_peak_mb"], "MB", "process tree")]


def main() -> None:
    """CLI: print the summary as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args()
    print(json.dumps(run_load(args.sessions, args.seconds), indent=1))


if __name__ == "__main__":
    main()
