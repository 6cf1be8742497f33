"""Playground: training epochs per second (500 points, 2x8 net) and the browser's update rate while playing."""
from __future__ import annotations

import os
import time

import torch

from bench._harness import Result, median_seconds
from explorer.core.device import configure_threads
from explorer.playground import datasets, inspect, network
from explorer.playground import figures as figs
from tests.e2e._server import CHROMIUM, CHROMIUM_ARGS, streamlit_server

EPOCHS = 20
WATCH_S = 15.0  # how long the browser watches the live view while playing
EPOCH_JS = """() => {
  const m = [...document.querySelectorAll("[data-testid='stMetric']")].find(e => e.innerText.startsWith("Epoch"));
  return m ? m.querySelector("[data-testid='stMetricValue']").innerText : null;
}"""


def _trainer(optimizer: str, batch: int) -> network.Trainer:
    data = datasets.generate(datasets.DataConfig("spiral", n_points=500, noise=10, test_ratio=0.0, seed=1))
    net = network.NetConfig(("x1", "x2"), (8, 8), "tanh", 2, "classification", seed=1)
    return network.Trainer(net, network.TrainConfig(lr=0.03, optimizer=optimizer, batch_size=batch), data)


def _epochs_per_second(optimizer: str, batch: int) -> float:
    model = _trainer(optimizer, batch)
    return EPOCHS / median_seconds(lambda: model.train(EPOCHS), repeat=5, warmup=1)


def _view_ms() -> float:
    """Compute + figure building for one live update (maps, boundary, network, neuron maps, loss)."""
    model = _trainer("adam", 10)
    model.train(3)

    def update():
        snap = model.latest
        maps = inspect.neuron_maps(snap, model.net)
        trace = inspect.trace_point(snap, model.net, (1.0, -0.5))
        for fig in (figs.boundary_figure(maps, model.data), figs.loss_figure(model.history, "classification"),
                    figs.network_figure(snap, model.net, trace), figs.neuron_maps_figure(maps, model.net)):
            fig.to_json()
    return 1000 * median_seconds(update, repeat=5, warmup=1)


def _browser_rate() -> tuple[float, float]:
    """Fragment updates per second and epochs per second seen in Chromium while playing."""
    from playwright.sync_api import sync_playwright

    link = "/playground?data=spiral&layers=2&n1=8&n2=8&n=500&test=0&opt=adam&speed=1"
    with streamlit_server() as (url, _proc), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url + "/")  # a first visit at / (see the report: deep links on a fresh server)
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)
        page.goto(url + link)
        page.wait_for_function(f"() => ({EPOCH_JS})() === '0'", timeout=120_000)
        page.get_by_role("button", name="Play").click()
        page.wait_for_function(f"() => !['0', null].includes(({EPOCH_JS})())", timeout=60_000)
        seen, start = [], time.perf_counter()
        while time.perf_counter() - start < WATCH_S:
            value = page.evaluate(EPOCH_JS)
            if value is not None and (not seen or value != seen[-1]):  # None: a redraw in progress
                seen.append(value)
            page.wait_for_timeout(25)
        elapsed = time.perf_counter() - start
        browser.close()
    epochs = int(seen[-1].replace(",", "")) - int(seen[0].replace(",", ""))
    return (len(seen) - 1) / elapsed, epochs / elapsed


def run() -> list[Result]:
    """Epochs/s for SGD and Adam, one live update's cost, and the browser's update rate."""
    threads = configure_threads()
    load = os.getloadavg()[0]  # this machine is shared: say how busy it was
    note = f"500 points, 2 inputs, 8-8 tanh, {EPOCHS} epochs, {threads} torch thread(s), CPU, load {load:.1f}"
    results = [Result("playground train SGD, batch 10", _epochs_per_second("sgd", 10), "epochs/s", note),
               Result("playground train Adam, batch 10", _epochs_per_second("adam", 10), "epochs/s", note),
               Result("playground train Adam, batch 50", _epochs_per_second("adam", 50), "epochs/s", note),
               Result("playground one live update: maps + 4 figures to JSON", _view_ms(), "ms",
                      "50x50 grid, median of 5")]
    updates, epochs = _browser_rate()
    load = f", load {os.getloadavg()[0]:.1f}"
    results += [Result("playground browser updates while playing", updates, "updates/s",
                       f"Chromium, fragment loops 2 s then run_every=0.5 s, {WATCH_S:g} s watched{load}"),
                Result("playground browser epochs while playing", epochs, "epochs/s", f"speed=1 epoch per update{load}")]
    torch.set_num_threads(threads)
    return results
