"""Attention page: extraction + figure time, payload bytes and kept bytes at 16/64/256/512 tokens.

Beside each size: the bytes bertviz 1.4.1's own head view HTML would be for the
same weights (unrounded JSON, uncapped), and what this page sends instead; the
bytes one cached run holds (float16 weights + float32 hidden states) against
float32 weights alone; show-the-work for one cell from the kept run (no forward
pass) against a full forward pass per cell.
Run: `python -m bench.run bench_attention`.
"""
from __future__ import annotations

import torch

from bench._harness import Result, median_seconds
from explorer.attention import figures, storage
from explorer.attention.bertviz import bertviz_reference_bytes, head_view_html
from explorer.attention.extract import ExtractConfig, extract
from explorer.attention.matrices import top_k_edges
from explorer.attention.show_work import WorkConfig, show_work
from explorer.core import models
from explorer.core.device import configure_threads

SIZES = (16, 64, 256, 512)
SENTENCE = "The cat sat on the mat because it was comfortable, and the dog watched it from the door. "


def _text(model_tok, n: int) -> str:
    """A text of at least n tokens for this tokenizer (it is truncated to exactly n)."""
    return SENTENCE * (n // 10 + 2)


def _kb(n: int) -> float:
    return n / 1024


def _one_size(name: str, model, tok, n: int, device: torch.device) -> list[Result]:
    cfg = ExtractConfig(max_tokens=n)
    text = _text(tok, n)
    repeat = 3 if n <= 64 else 2
    secs = median_seconds(lambda: extract(model, tok, text, device=device, config=cfg), repeat=repeat)
    att = extract(model, tok, text, device=device, config=cfg)
    head = att.weights[0, 0]
    heat_s = median_seconds(lambda: figures.heatmap(head, att.tokens).to_json(), repeat=3)
    heat = len(figures.heatmap(head, att.tokens).to_json())
    edges = top_k_edges(head, 8)
    edge = len(figures.edges_figure(edges.query, edges.key, edges.weight, att.tokens).to_json())
    grid = len(figures.grid_figure(att.weights).to_json())
    ours = head_view_html(att.weights, att.tokens)
    theirs = bertviz_reference_bytes(att.weights, att.tokens)
    sent = heat if n <= 128 else edge  # what 'auto' draws
    tag = f"{name} {n} tok"
    return [
        Result(f"{tag}: extract attentions [L,H,n,n]", secs * 1000, "ms",
               f"median of {repeat}, {att.shape[0]}x{att.shape[1]} heads"),
        Result(f"{tag}: heatmap figure build + to_json", heat_s * 1000, "ms", "one head, full n x n"),
        Result(f"{tag}: full heatmap JSON", _kb(heat), "KiB", "float32 base64"),
        Result(f"{tag}: top-8 edges JSON", _kb(edge), "KiB", f"{len(edges.weight)} points"),
        Result(f"{tag}: layers x heads grid JSON", _kb(grid), "KiB", "thumbnails pooled to 24x24"),
        Result(f"{tag}: main view sent ('auto')", _kb(sent), "KiB", "heatmap <=128 tok, else top-k"),
        Result(f"{tag}: our bertviz head view HTML", _kb(len(ours.html)), "KiB",
               f"{ours.tokens_shown} tok, layers {ours.layers[0]}-{ours.layers[-1]}, 3 decimals, libs inlined"),
        Result(f"{tag}: bertviz 1.4.1 own HTML (same weights)", _kb(theirs), "KiB", "uncapped, unrounded, CDN libs"),
    ] + _kept_run(tag, model, tok, text, att, device, repeat)


def _kept_run(tag: str, model, tok, text: str, att, device: torch.device, repeat: int) -> list[Result]:
    """One cached run's bytes, and show-the-work per cell: one forward each (before) or from the kept run."""
    n = len(att.tokens)
    ids, cell = att.token_ids.tolist(), WorkConfig(att.shape[0] // 2, 0, n - 1)
    row = att.weights[cell.layer, 0, n - 1]
    work_s = median_seconds(lambda: show_work(model, ids, cell, device=device, model_row=row), repeat=repeat)
    kept = storage.compact(extract(model, tok, text, device=device, config=ExtractConfig(max_tokens=n),
                                   keep_hidden=True))
    held_s = median_seconds(lambda: storage.work_for(model, kept, "", cell, device=device), repeat=5)
    return [
        Result(f"{tag}: show the work, one forward per cell (before)", work_s * 1000, "ms",
               "one full forward with hidden states, no hook"),
        Result(f"{tag}: show the work from the kept run (now)", held_s * 1000, "ms",
               "the run's float32 hidden states: no forward pass"),
        Result(f"{tag}: one cached run, float32 weights (before)", att.weights.nbytes / 2**20, "MiB",
               "[layer, head, n, n]"),
        Result(f"{tag}: one cached run as kept now", storage.nbytes(kept) / 2**20, "MiB",
               "float16 weights + float32 hidden states [layer + 1, n, hidden]"),
    ]


def run() -> list[Result]:
    """Both models at every size (SmolLM2's 512 costs a few seconds per run on 1 thread)."""
    configure_threads()
    device = torch.device("cpu")
    results = []
    for name, loader in (("MiniLM", models.load_encoder), ("SmolLM2", models.load_causal_lm)):
        model, tok = loader(device).obj
        for n in SIZES:
            results += _one_size(name, model, tok, n, device)
    return results
