"""Attention weights from real transformers, and the summaries the page shows.

Every array is named by its dimensions. The core record is
`Attention.weights`: [layer, head, query_pos, key_pos], each row a softmax
over keys (sums to 1; in a decoder the keys after the query are exactly 0).

Example:
    >>> att = extract(model, tok, "The cat sat on the mat.", device=cpu)
    >>> att.weights.shape            # MiniLM: 6 layers x 12 heads x 9 x 9 tokens
    (6, 12, 9, 9)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

PATTERNS = ("previous-token", "first-token/sink", "self", "broad")
AGGREGATES = ("none", "mean", "max")


@dataclass(frozen=True)
class ExtractConfig:
    """How to run a model for its attentions."""

    max_tokens: int = 512  # longer inputs are truncated (the page says so)
    mask_position: int = -1  # token position to mask for the comparison; -1 = none

    def __post_init__(self) -> None:
        if not 2 <= self.max_tokens <= 8192:
            raise ValueError(f"max_tokens must be in [2, 8192], got {self.max_tokens}")
        if self.mask_position < -1:
            raise ValueError(f"mask_position must be -1 (none) or a position, got {self.mask_position}")


@dataclass(frozen=True)
class Attention:
    """One forward pass's attention weights and the tokens they refer to."""

    tokens: tuple[str, ...]  # display text per position, e.g. ' cat' or '[CLS]'
    token_ids: np.ndarray  # [pos] int64
    weights: np.ndarray  # [layer, head, query_pos, key_pos] float32
    special: np.ndarray  # [pos] bool: [CLS]/[SEP]/BOS-like tokens
    causal: bool  # decoder: a query sees only itself and earlier keys
    n_input_tokens: int  # tokens before truncation
    kv_heads: int  # key/value heads (grouped-query attention shares them)
    masked: str = ""  # how a masked token was hidden, '' when none

    @property
    def truncated(self) -> bool:
        """True when the text had more tokens than were run."""
        return self.n_input_tokens > len(self.tokens)

    @property
    def shape(self) -> tuple[int, int, int]:
        """(layers, heads, tokens)."""
        layers, heads, n, _ = self.weights.shape
        return layers, heads, n


def display_token(token: str) -> str:
    """Byte-level BPE / SentencePiece markers turned into readable text."""
    return token.replace("Ġ", " ").replace("▁", " ").replace("Ċ", "\\n").replace("ĉ", "\\t")


def is_causal(model: Any) -> bool:
    """True for decoder-only models (their attention is masked to the past)."""
    config = model.config
    return bool(getattr(config, "is_decoder", False)) or any(
        a.endswith("ForCausalLM") for a in (getattr(config, "architectures", None) or [])
    ) or type(model).__name__.endswith("ForCausalLM")


def encode(tokenizer: Any, text: str, text_b: str = "", max_tokens: int = 512) -> tuple[list[int], int]:
    """Token ids (truncated to `max_tokens`) and the untruncated count."""
    if not text.strip():
        raise ValueError("Type some text first: the input is empty.")
    pair = (text, text_b) if text_b.strip() else (text,)
    ids = tokenizer(*pair, add_special_tokens=True)["input_ids"]
    if len(ids) <= max_tokens:
        return list(ids), len(ids)
    # Let the tokenizer truncate so closing specials ([SEP]) survive the cut.
    cut = tokenizer(*pair, add_special_tokens=True, truncation=True, max_length=max_tokens)["input_ids"]
    return list(cut[:max_tokens]), len(ids)


def _mask_inputs(tokenizer: Any, ids: list[int], position: int, causal: bool) -> tuple[list[int], list[int], str]:
    """Hide one token: [MASK] where the tokenizer has one, else block it in the attention mask."""
    mask = [1] * len(ids)
    if position < 0:
        return ids, mask, ""
    if position >= len(ids):
        raise ValueError(f"Cannot mask position {position}: the text has {len(ids)} tokens.")
    mask_id = getattr(tokenizer, "mask_token_id", None)
    if mask_id is not None and not causal:
        return ids[:position] + [mask_id] + ids[position + 1:], mask, f"replaced by {tokenizer.mask_token}"
    mask[position] = 0
    return ids, mask, "hidden with attention_mask = 0 (no key can attend to it)"


@torch.inference_mode()
def extract(model: Any, tokenizer: Any, text: str, text_b: str = "", *, device: torch.device,
            config: ExtractConfig = ExtractConfig()) -> Attention:
    """Run `model` once on `text` (and optional second segment) and return its attentions."""
    causal = is_causal(model)
    ids, n_input = encode(tokenizer, text, text_b, config.max_tokens)
    ids, mask, masked = _mask_inputs(tokenizer, ids, config.mask_position, causal)
    out = model(input_ids=torch.tensor([ids], device=device),
                attention_mask=torch.tensor([mask], device=device), output_attentions=True)
    if not out.attentions or out.attentions[0] is None:
        raise ValueError("This model returned no attention weights (load it with eager attention).")
    weights = torch.stack([a[0] for a in out.attentions]).float().cpu().numpy()  # [layer, head, q, k]
    special_ids = set(getattr(tokenizer, "all_special_ids", []) or [])
    raw = tokenizer.convert_ids_to_tokens(ids)
    cfg = model.config
    heads = getattr(cfg, "num_attention_heads", weights.shape[1])
    return Attention(
        tokens=tuple(display_token(t) for t in raw),
        token_ids=np.asarray(ids, dtype=np.int64),
        weights=weights.astype(np.float32),
        special=np.array([i in special_ids for i in ids], dtype=bool),
        causal=causal, n_input_tokens=n_input,
        kv_heads=int(getattr(cfg, "num_key_value_heads", None) or heads), masked=masked,
    )


def sink_positions(att: Attention) -> np.ndarray:
    """[pos] bool: special tokens, plus position 0 of a decoder (its usual attention sink)."""
    sinks = att.special.copy()
    if att.causal and len(sinks):
        sinks[0] = True
    return sinks


def hide_columns(weights: np.ndarray, hide: np.ndarray) -> np.ndarray:
    """Zero the key columns in `hide` and renormalise each row to sum to 1 again.

    weights: [..., query_pos, key_pos]; hide: [key_pos] bool. Rows whose whole
    mass was on hidden keys stay all-zero rather than dividing by zero.
    """
    kept = np.where(hide[None, :], 0.0, weights)
    sums = kept.sum(axis=-1, keepdims=True)
    return np.divide(kept, sums, out=np.zeros_like(kept), where=sums > 1e-12).astype(np.float32)


def aggregate_heads(weights: np.ndarray, how: str) -> np.ndarray:
    """[layer, head, q, k] -> [layer, q, k] by mean or max over heads.

    The max is not a distribution (rows can sum to more than 1); the mean is.
    """
    if how == "mean":
        return weights.mean(axis=1)
    if how == "max":
        return weights.max(axis=1)
    raise ValueError(f"aggregate must be 'mean' or 'max', got {how!r}")


def rollout(weights: np.ndarray, residual: float = 0.5) -> np.ndarray:
    """Attention rollout (Abnar & Zuidema 2020): [layer, head, q, k] -> [layer, q, k].

    Each layer's head-mean is mixed with the identity (the residual stream),
    rows renormalised, then multiplied from the first layer up:
    R_0 = A_0, R_l = A_l @ R_{l-1}. Entry [l, q, k] is how much token k flows
    into position q after layer l.
    """
    if not 0.0 <= residual <= 1.0:
        raise ValueError(f"residual must be in [0, 1], got {residual}")
    mean = weights.astype(np.float64).mean(axis=1)  # [layer, q, k]
    n = mean.shape[-1]
    mixed = (1 - residual) * mean + residual * np.eye(n)[None]
    mixed /= mixed.sum(axis=-1, keepdims=True)
    out = np.empty_like(mixed)
    acc = np.eye(n)
    for layer in range(mixed.shape[0]):
        acc = mixed[layer] @ acc
        out[layer] = acc
    return out.astype(np.float32)


@dataclass(frozen=True)
class HeadPatterns:
    """Measured pattern per head. scores: [layer, head, pattern] in PATTERNS order."""

    scores: np.ndarray  # [layer, head, 4] float32: mean attention mass (broad: normalised entropy)
    tags: np.ndarray  # [layer, head] str: the winning pattern, or 'mixed'

    def count(self) -> dict[str, int]:
        """How many heads carry each tag."""
        names, counts = np.unique(self.tags, return_counts=True)
        return {str(k): int(v) for k, v in zip(names, counts)}


def _layer_scores(w: np.ndarray, sinks: np.ndarray, causal: bool) -> np.ndarray:
    """[head, q, k] -> [head, 4]: prev, sink, self masses and normalised entropy."""
    n = w.shape[-1]
    q = np.arange(1, n)
    rows = w[:, 1:, :]  # [head, q>=1, k]
    prev = w[:, q, q - 1].mean(-1)
    self_ = w[:, q, q].mean(-1)
    sink = rows[..., sinks].sum(-1).mean(-1)
    visible = (q + 1) if causal else np.full(n - 1, n)
    ent = -(rows * np.log(np.clip(rows, 1e-12, None))).sum(-1)  # [head, q]
    broad = (ent / np.log(visible)).mean(-1)
    return np.stack([prev, sink, self_, broad], axis=-1).astype(np.float32)


def head_patterns(att: Attention, threshold: float = 0.5, broad_at: float = 0.75) -> HeadPatterns:
    """Tag each head by where its queries put their mass, averaged over queries.

    previous-token: mass on key q-1; first-token/sink: mass on sink positions
    (special tokens, decoder position 0); self: mass on key q; broad: the
    row entropy divided by its maximum (log of the keys the query may see).
    A head gets the strongest of the three mass patterns if it holds at least
    `threshold` of the mass, else 'broad' if its normalised entropy is at least
    `broad_at`, else 'mixed'. Query 0 is skipped (a decoder's sees only itself).
    """
    n = att.weights.shape[-1]
    if n < 3:
        raise ValueError("Head patterns need at least 3 tokens.")
    # One layer at a time: a 512-token SmolLM2 run is 280 MB in float32 already.
    scores = np.stack([_layer_scores(layer, sink_positions(att), att.causal) for layer in att.weights])
    broad = scores[..., 3]
    best = scores[..., :3].argmax(-1)
    tags = np.where(scores[..., :3].max(-1) >= threshold, np.array(PATTERNS)[best],
                    np.where(broad >= broad_at, "broad", "mixed"))
    return HeadPatterns(scores, tags)


@dataclass(frozen=True)
class Edges:
    """The k strongest keys per query. Arrays are [edge]; for long inputs."""

    query: np.ndarray  # [edge] int32
    key: np.ndarray  # [edge] int32
    weight: np.ndarray  # [edge] float32
    kept_mass: float  # share of the total attention these edges carry


def top_k_edges(matrix: np.ndarray, k: int) -> Edges:
    """The k largest entries of each row of a [query_pos, key_pos] matrix (zeros dropped)."""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    n_q, n_k = matrix.shape
    k = min(k, n_k)
    idx = np.argpartition(-matrix, k - 1, axis=1)[:, :k]  # [query, k]
    rows = np.repeat(np.arange(n_q), k)
    cols = idx.ravel()
    vals = matrix[rows, cols]
    keep = vals > 0
    total = float(matrix.sum()) or 1.0
    return Edges(rows[keep].astype(np.int32), cols[keep].astype(np.int32),
                 vals[keep].astype(np.float32), float(vals[keep].sum()) / total)


def difference(a: Attention, b: Attention) -> np.ndarray:
    """b - a, [layer, head, q, k]; the inputs must have the same shape."""
    if a.weights.shape != b.weights.shape:
        raise ValueError(f"Cannot subtract: {a.shape} vs {b.shape} (layers, heads, tokens) differ.")
    return b.weights - a.weights


def view_matrix(att: Attention, show: str, layer: int, head: int, hide_sinks: bool = False,
                rolled: np.ndarray | None = None) -> np.ndarray:
    """The [query_pos, key_pos] matrix the page draws.

    show: 'head' (one head), 'mean of heads', 'max of heads' or 'rollout'
    (needs `rolled`, [layer, q, k] from `rollout`). hide_sinks zeroes the
    sink columns and renormalises the rows.
    """
    if show == "head":
        matrix = att.weights[layer, head]
    elif show in ("mean of heads", "max of heads"):
        matrix = aggregate_heads(att.weights[layer:layer + 1], show.split()[0])[0]
    elif show == "rollout":
        if rolled is None:
            raise ValueError("rollout view needs the rolled-out matrices")
        matrix = rolled[layer]
    else:
        raise ValueError(f"unknown view {show!r}")
    return hide_columns(matrix, sink_positions(att)) if hide_sinks else np.asarray(matrix, np.float32)
