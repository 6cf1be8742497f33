"""Show the work for one attention row: q . k / sqrt(d), the mask, the softmax.

A forward pre-hook on one layer's attention module captures what that module
receives (hidden states and, for Llama-style models, the rotary cos/sin).
The hook lives only inside `capture_attention_inputs`, which removes it on
exit. From the captured input we recompute the query and key vectors with the
module's own projections, rotate them with RoPE where the model does (SmolLM2
rotates q and k before the dot product), and redo the softmax by hand.

Example:
    >>> work = show_work(model, tok, ids, layer=2, head=5, query=7, device=cpu)
    >>> work.weights.sum()    # one softmax row: [key_pos]
    1.0
"""
from __future__ import annotations

import contextlib
import math
import threading
from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np
import torch

# Cached models are shared by every session: one hooked forward at a time.
_HOOK_LOCK = threading.Lock()


@dataclass(frozen=True)
class WorkConfig:
    """Which row of which head to recompute."""

    layer: int
    head: int
    query: int

    def __post_init__(self) -> None:
        if min(self.layer, self.head, self.query) < 0:
            raise ValueError("layer, head and query must be >= 0")


@dataclass(frozen=True)
class Work:
    """One attention row recomputed by hand, beside the model's own weights."""

    q: np.ndarray  # [head_dim] query vector of the chosen token (after RoPE if any)
    keys: np.ndarray  # [key_pos, head_dim] key vectors of the head's KV group
    dots: np.ndarray  # [key_pos] q . k
    scale: float  # 1 / sqrt(head_dim)
    scores: np.ndarray  # [key_pos] q . k * scale, -inf where masked
    weights: np.ndarray  # [key_pos] softmax(scores)
    model_weights: np.ndarray  # [key_pos] the model's own attention row
    kv_head: int  # which key/value head this query head reads (grouped-query attention)
    rope: bool  # True when q and k were rotated before the dot product

    @property
    def max_abs_error(self) -> float:
        """Largest gap between the hand softmax and the model's weights."""
        return float(np.abs(self.weights - self.model_weights).max())


def attention_modules(model: Any) -> list[torch.nn.Module]:
    """Each layer's self-attention module, for BERT-style and Llama-style models."""
    base = getattr(model, "model", None) or model
    if hasattr(base, "layers"):  # Llama, Mistral, Qwen2 ...
        return [layer.self_attn for layer in base.layers]
    encoder = getattr(base, "encoder", None)
    if encoder is not None and hasattr(encoder, "layer"):  # BERT family
        return [layer.attention.self for layer in encoder.layer]
    raise ValueError(f"Show-the-work supports BERT- and Llama-style models, not {type(model).__name__}.")


class _Captured(Exception):
    """Raised by the hook to skip the layers after the one we need."""


@contextlib.contextmanager
def capture_attention_inputs(module: torch.nn.Module, stop: bool = False) -> Iterator[dict[str, Any]]:
    """Record the inputs of `module` while inside the block; the hook is removed on exit.

    stop=True ends the forward pass right there by raising _Captured (the
    caller catches it), so the layers after this one are not computed.
    """
    seen: dict[str, Any] = {}

    def hook(_mod: torch.nn.Module, args: tuple, kwargs: dict) -> None:
        seen["hidden"] = kwargs.get("hidden_states", args[0] if args else None)
        seen["position_embeddings"] = kwargs.get("position_embeddings")
        if stop:
            raise _Captured

    handle = module.register_forward_pre_hook(hook, with_kwargs=True)
    try:
        yield seen
    finally:
        handle.remove()


def _project(module: torch.nn.Module, seen: dict[str, Any]) -> tuple[torch.Tensor, torch.Tensor, bool]:
    """Query and key per head, [head, pos, head_dim] / [kv_head, pos, head_dim]."""
    hidden = seen["hidden"][0]  # [pos, hidden]
    if hasattr(module, "q_proj"):
        dim = module.head_dim
        q = module.q_proj(hidden).view(hidden.shape[0], -1, dim).transpose(0, 1)
        k = module.k_proj(hidden).view(hidden.shape[0], -1, dim).transpose(0, 1)
        cos, sin = seen["position_embeddings"]
        from transformers.models.llama.modeling_llama import apply_rotary_pos_emb

        q, k = apply_rotary_pos_emb(q[None], k[None], cos, sin)
        return q[0], k[0], True
    dim = module.attention_head_size
    q = module.query(hidden).view(hidden.shape[0], -1, dim).transpose(0, 1)
    k = module.key(hidden).view(hidden.shape[0], -1, dim).transpose(0, 1)
    return q, k, False


def _softmax_row(dots: np.ndarray, scale: float, visible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scaled scores with -inf where not visible, and their softmax (float64 for clarity)."""
    scores = np.where(visible, dots * scale, -np.inf)
    shifted = np.exp(scores - scores[visible].max())
    return scores, shifted / shifted.sum()


@torch.inference_mode()
def show_work(model: Any, ids: list[int], config: WorkConfig, *, device: torch.device,
              causal: bool, attention_mask: list[int] | None = None,
              model_row: np.ndarray | None = None) -> Work:
    """Recompute the softmax row (layer, head, query) by hand and return every step.

    model_row: the model's own weights for this row ([key_pos]) when already known
    (the page has them cached); the forward pass then stops at `config.layer`.
    Without it the whole model runs once more with output_attentions=True.
    """
    modules = attention_modules(model)
    if config.layer >= len(modules) or config.query >= len(ids):
        raise ValueError(f"layer {config.layer} / query {config.query} out of range")
    mask = attention_mask or [1] * len(ids)
    inputs = dict(input_ids=torch.tensor([ids], device=device), attention_mask=torch.tensor([mask], device=device))
    with _HOOK_LOCK, capture_attention_inputs(modules[config.layer], stop=model_row is not None) as seen:
        try:
            out = model(**inputs, output_attentions=model_row is None)
        except _Captured:  # the layers after config.layer were skipped on purpose
            out = None
    q_all, k_all, rope = _project(modules[config.layer], seen)
    n_heads, n_kv = q_all.shape[0], k_all.shape[0]
    if config.head >= n_heads:
        raise ValueError(f"head {config.head} out of range (model has {n_heads})")
    kv_head = config.head // (n_heads // n_kv)  # grouped-query: heads share a KV head
    q = q_all[config.head, config.query].double().cpu().numpy()
    keys = k_all[kv_head].double().cpu().numpy()
    dots = keys @ q
    scale = 1.0 / math.sqrt(q.shape[0])
    visible = np.asarray(mask, dtype=bool)
    if causal:
        visible &= np.arange(len(ids)) <= config.query
    scores, weights = _softmax_row(dots, scale, visible)
    if out is not None:
        model_row = out.attentions[config.layer][0, config.head, config.query].double().cpu().numpy()
    return Work(q, keys, dots, scale, scores, weights, np.asarray(model_row, np.float64), kv_head, rope)
