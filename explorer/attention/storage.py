"""How the Attention page keeps a run in memory: float16 weights, a cell budget per run, its size.

A 512-token SmolLM2 run holds 30 layers x 9 heads x 512 x 512 weights: 283 MB
as float32, 142 MB as float16. The page only draws them (a heatmap colour has
256 steps, bertviz rounds to 3 decimals), so float16 is kept: 11 significant
bits, at most 2.5e-4 off a weight in [0, 1]. Show-the-work recomputes its row
by hand from the float32 hidden states (`Attention.hidden`: 35 MB beside the
135 MB of float16 weights for SmolLM2 at 512 tokens), with no forward pass, and
can compare it with the model's own float32 row on request. A hub model with more layers or heads gets fewer tokens, so no run
holds more than MAX_CELLS weights.

Example:
    >>> token_budget(maps=30 * 9, context=8192)       # SmolLM2: the page's 512-token cap
    512
    >>> token_budget(maps=28 * 16, context=32768)     # Qwen3-0.6B: fewer tokens, same bytes
    397
"""
from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import torch

from explorer.attention.extract import Attention
from explorer.attention.seq2seq import CrossAttention, Seq2Seq
from explorer.attention.show_work import Work, WorkConfig, show_work

MAX_TOKENS = 512  # MiniLM's context; SmolLM2 is capped here too (CPU time, memory)
MAX_CELLS = 30 * 9 * MAX_TOKENS * MAX_TOKENS  # layers x heads x query x key: SmolLM2 at 512 tokens
DISPLAY = np.float16
DISPLAY_TORCH = torch.float16  # extract(weights_dtype=...): the run is stacked straight into float16


def attention_maps(config: Any) -> int:
    """[query, key] maps one run holds: layers x heads, x3 for an encoder-decoder (encoder, decoder, cross)."""
    layers = max(getattr(config, name, 0) or 0 for name in ("num_hidden_layers", "num_decoder_layers",
                                                             "decoder_layers"))
    heads = getattr(config, "num_attention_heads", 1) or 1
    return max(layers, 1) * heads * (3 if getattr(config, "is_encoder_decoder", False) else 1)


def token_budget(maps: int, context: int | None = None, max_tokens: int = MAX_TOKENS,
                 max_cells: int = MAX_CELLS) -> int:
    """Tokens per run: the page cap, the model's context, and at most `max_cells` weights in all."""
    fit = math.isqrt(max_cells // max(maps, 1))
    return max(2, min(max_tokens, context or max_tokens, fit))


def _frozen(array: np.ndarray | None, dtype=None) -> np.ndarray | None:
    """A read-only copy in `dtype` (shared by every session: nobody may write to it)."""
    if array is None:
        return None
    out = array.astype(dtype, copy=False) if dtype is not None else array
    out.flags.writeable = False
    return out


def compact(att: Attention) -> Attention:
    """`att` with float16 weights [layer, head, query, key]; every array read-only."""
    return dataclasses.replace(att, weights=_frozen(att.weights, DISPLAY), token_ids=_frozen(att.token_ids),
                               special=_frozen(att.special), hidden=_frozen(att.hidden))


def compact_seq2seq(s2s: Seq2Seq) -> Seq2Seq:
    """An encoder-decoder run with its three attentions stored as in `compact`."""
    cross = dataclasses.replace(s2s.cross, weights=_frozen(s2s.cross.weights, DISPLAY),
                                key_special=_frozen(s2s.cross.key_special))
    return Seq2Seq(compact(s2s.encoder), compact(s2s.decoder), cross)


def nbytes(value: Any) -> int:
    """Bytes of every numpy array inside `value` (an array, a dataclass of them, or a tuple)."""
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(nbytes(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, (tuple, list)):
        return sum(nbytes(v) for v in value)
    return 0


def part_of(s2s: Seq2Seq, part: str) -> Attention | CrossAttention:
    """One of an encoder-decoder's attentions: 'encoder', 'decoder' (self-attention) or 'cross'."""
    parts = {"encoder": s2s.encoder, "decoder": s2s.decoder, "cross": s2s.cross}
    if part not in parts:
        raise ValueError(f"part must be one of {tuple(parts)}, got {part!r}")
    return parts[part]


def work_for(model: Any, run: Attention | Seq2Seq, part: str, cell: WorkConfig, *, device: torch.device,
             exact: bool = False) -> Work:
    """Show-the-work for one row of a kept run (part '' unless `run` is an encoder-decoder's).

    By default from the run's float32 hidden states and its float16 row: no forward pass.
    exact=True runs one forward pass that also returns the model's own float32 row.
    cell.part is ignored: it follows from `part`.
    """
    if isinstance(run, Seq2Seq):
        source, stack = run.encoder, run.encoder if part == "encoder" else run.decoder
        work_part, target = {"encoder": "self", "decoder": "decoder", "cross": "cross"}[part], run.target_ids
    else:
        source, stack, work_part, target = run, run, "self", None
    rows = run.cross.weights if part == "cross" else stack.weights  # [layer, head, query, key]
    config = WorkConfig(cell.layer, cell.head, cell.query, work_part)
    ids = source.token_ids.tolist()
    if exact or stack.hidden is None:
        return show_work(model, ids, config, device=device, target_ids=target)
    encoded = source.hidden[-1] if work_part == "cross" else None
    return show_work(model, ids, config, device=device, target_ids=target, block_input=stack.hidden[cell.layer],
                     encoded=encoded, model_row=np.asarray(rows[cell.layer, cell.head, cell.query], np.float64))
