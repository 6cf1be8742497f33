"""Tokenizer inspector figures: context-window gauge and batch grids (data -> go.Figure)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from explorer.core.figures import base_layout, safe_label
from explorer.tokenizers.adapters import Tokenized
from explorer.tokenizers.batch import Batch
from explorer.tokenizers.byte_pieces import show_bytes
from explorer.tokenizers.plain_text import ORIGIN_NAMES, origin_classes

# Cell kinds in the batch grid, in colour-scale order.
EMPTY, PAD, ADDED, TEXT, CONTROL = 0, 1, 2, 3, 4
KIND_COLOURS = ("#FFFFFF", "#E5E7EB", "#C7D2FE", "#BBF7D0", "#FCA5A5")
KIND_NAMES = ("no token (ragged row)", "pad (mask 0)", "added by the tokenizer (mask 1)",
              "text token (mask 1)", "typed control token (mask 1)")
GRID_POSITIONS = 64  # positions drawn in the batch grid; the ids listing below it has them all


def context_gauge(results: list[Tokenized]) -> go.Figure:
    """One horizontal bar per tokenizer: share of its model's context the text fills."""
    names, shares, labels = [], [], []
    for r in results:
        ctx = r.context or 0
        share = 100.0 * r.n_tokens / ctx if ctx else 0.0
        names.append(safe_label(r.title))
        shares.append(min(share, 100.0))
        labels.append(f"{r.n_tokens:,} / {ctx:,} tokens ({share:.2f}%)" if ctx
                      else f"{r.n_tokens:,} tokens (context unknown)")
    fig = go.Figure(go.Bar(x=shares, y=names, orientation="h", text=labels,
                           textposition="outside", marker_color="#4F46E5",
                           hovertemplate="%{y}: %{text}<extra></extra>"))
    fig.update_xaxes(range=[0, 100], title="% of the context window used", ticksuffix="%")
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, height=70 + 42 * len(results))


def _kinds(batch: Batch) -> np.ndarray:
    """[row, position] cell kind: EMPTY / PAD / ADDED / TEXT / CONTROL."""
    kind = np.full(batch.input_ids.shape, TEXT, dtype=np.int64)
    kind[batch.is_added] = ADDED
    kind[batch.is_typed] = CONTROL
    kind[batch.is_pad] = PAD
    kind[batch.input_ids < 0] = EMPTY
    return kind


def batch_grid(batch: Batch, title: str = "", max_positions: int = GRID_POSITIONS) -> go.Figure:
    """input_ids with the attention mask: one cell per (row, position), pads marked.

    Only the first `max_positions` positions are drawn (a 16 x 4,096 grid of labelled cells is
    too big to send); the page says so.
    """
    kind = _kinds(batch)[:, :max_positions]
    rows, cols = kind.shape
    text = [[_cell(batch, r, c) for c in range(cols)] for r in range(rows)]
    hover = [[f"row {r}, position {c}<br>ID {batch.input_ids[r, c]}<br>"
              f"mask {batch.attention_mask[r, c]}<br>{KIND_NAMES[kind[r, c]]}"
              for c in range(cols)] for r in range(rows)]
    top = len(KIND_COLOURS) - 1
    scale = [[k / top, KIND_COLOURS[k]] for k in range(top + 1)]
    fig = go.Figure(go.Heatmap(z=kind, zmin=0, zmax=top, colorscale=scale, showscale=False,
                               text=text, texttemplate="%{text}", textfont_size=11, hovertext=hover,
                               hoverinfo="text", xgap=2, ygap=2))
    fig.update_xaxes(title="position", dtick=1, side="top")
    fig.update_yaxes(title="row", dtick=1, autorange="reversed",
                     tickvals=list(range(rows)), ticktext=[f"row {r}" for r in range(rows)])
    return base_layout(fig, title, height=110 + 62 * rows)


def _cell(batch: Batch, r: int, c: int) -> str:
    token_id = int(batch.input_ids[r, c])
    if token_id < 0:
        return ""
    piece = safe_label(batch.pieces[r][c], max_len=10)
    return f"{token_id}<br>{piece}<br>m={int(batch.attention_mask[r, c])}"


def token_table(results: list[Tokenized], differs: list[np.ndarray] | None = None) -> pd.DataFrame:
    """One row per token per tokenizer: the bytes view and the CSV export."""
    frames = []
    for k, r in enumerate(results):
        data = r.text.encode("utf-8")
        frames.append(pd.DataFrame({
            "tokenizer": r.title,
            "#": np.arange(r.n_tokens),
            "id": r.ids,
            "piece": list(r.pieces),
            "text": [show_bytes(x, visible_space=True) for x in r.raw],
            "bytes": [" ".join(f"{b:02X}" for b in x) for x in r.raw],
            "n_bytes": [len(x) for x in r.raw],
            "span": [f"{s}–{e}" for s, e in zip(r.starts.tolist(), r.ends.tolist())],
            "source_text": [show_bytes(data[s:e], visible_space=True)
                            for s, e in zip(r.starts.tolist(), r.ends.tolist())],
            "origin": [ORIGIN_NAMES[c] for c in origin_classes(r)],
            "cut_differently": differs[k] if differs is not None else False,
        }))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def counts_table(results: list[Tokenized]) -> pd.DataFrame:
    """One row per tokenizer: tokens, characters, bytes, bytes per token, tokens per word,
    tokens added by the tokenizer, control tokens from typed text, context used."""
    rows = []
    for r in results:
        s = r.stats()
        used = s["context_used"]
        rows.append({"tokenizer": r.title, "tokens": s["tokens"], "characters": s["characters"],
                     "bytes": s["bytes"], "bytes / token": round(s["bytes_per_token"], 2),
                     "tokens / word": round(s["tokens_per_word"], 2), "added by the tokenizer": r.n_added,
                     "typed control tokens": r.n_typed, "control strings in text": r.n_strings,
                     "context used": "?" if used is None else f"{100 * used:.2f}%"})
    return pd.DataFrame(rows)
