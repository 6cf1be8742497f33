"""Show the work for one attention row: q . k, the scaling, positions, masks, the softmax.

Read-only on the shared model: one forward pass with output_hidden_states
gives the input of every block; the layer's own norm (pre-norm families),
projections and rotary embedding are then called as plain functions on that
input. No hook is ever registered, so other sessions may run the same model
at the same moment. The hand result is checked against the model's own
attention weights (returned beside it).

Per family (explorer.core.families): fused or separate q/k projections,
grouped key-value heads, rotary / learned / ALiBi / T5 relative positions,
1/sqrt(d) or another scaling, Gemma 2's soft-capping, sliding windows, and
for encoder-decoders the decoder's self-attention and its cross-attention.

Example:
    >>> work = show_work(model, ids, WorkConfig(layer=2, head=5, query=7), device=cpu)
    >>> work.weights.sum(), work.max_abs_error < 1e-5     # one softmax row: [key_pos]
    (1.0, True)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from explorer.attention import layouts
from explorer.core.families import check


@dataclass(frozen=True)
class WorkConfig:
    """Which row of which head to recompute; part: 'self', 'decoder' or 'cross' (encoder-decoders)."""

    layer: int
    head: int
    query: int
    part: str = "self"

    def __post_init__(self) -> None:
        if min(self.layer, self.head, self.query) < 0:
            raise ValueError("layer, head and query must be >= 0")
        if self.part not in layouts.PARTS:
            raise ValueError(f"part must be one of {layouts.PARTS}, got {self.part!r}")


@dataclass(frozen=True)
class Work:
    """One attention row recomputed by hand, beside the model's own weights.

    scores = (softcap * tanh(q.k * scale / softcap) if softcap else q.k * scale) + bias,
    -inf where a key is masked (padding, the future in a decoder, outside a sliding window).
    """

    q: np.ndarray  # [head_dim] query vector of the chosen token (after RoPE if any)
    keys: np.ndarray  # [key_pos, head_dim] key vectors of the head's KV group
    dots: np.ndarray  # [key_pos] q . k
    scale: float  # the factor on q . k (1/sqrt(head_dim) for most families)
    scores: np.ndarray  # [key_pos] what the softmax reads, -inf where masked
    weights: np.ndarray  # [key_pos] softmax(scores)
    model_weights: np.ndarray  # [key_pos] the model's own attention row
    kv_head: int  # which key/value head this query head reads (grouped-query attention)
    rope: bool  # True when q and k were rotated before the dot product
    positions: str = "learned"  # how positions enter: learned | rotary | ALiBi | relative bias
    bias: np.ndarray | None = None  # [key_pos] position bias added to the scores (T5, ALiBi)
    softcap: float | None = None  # soft-capping constant (Gemma 2), None when off
    window: int | None = None  # sliding window size of this layer, None when every key is in reach
    part: str = "self"  # self | decoder | cross
    family: str = ""  # the family's title, e.g. 'GPT-2'

    @property
    def max_abs_error(self) -> float:
        """Largest gap between the hand softmax and the model's weights."""
        return float(np.abs(self.weights - self.model_weights).max())


def visible_keys(n_keys: int, query: int, mask: list[int], causal: bool, window: int | None) -> np.ndarray:
    """[key_pos] bool: keys the query may read (padding mask, causal, sliding window)."""
    visible = np.asarray(mask, dtype=bool)[:n_keys].copy()
    keys = np.arange(n_keys)
    if causal:
        visible &= keys <= query
    if window:  # transformers: a key is in the window when key > query - window
        visible &= keys > query - window
    return visible


def softmax_row(scores: np.ndarray, visible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scores with -inf where not visible, and their softmax (float64; all zeros if nothing is visible)."""
    scores = np.where(visible, scores, -np.inf)
    if not visible.any():
        return scores, np.zeros_like(scores)
    shifted = np.exp(scores - scores[visible].max())
    return scores, shifted / shifted.sum()


def _forward(model: Any, family, ids: list[int], mask: list[int], target: list[int] | None,
             part: str, device: torch.device, want_weights: bool) -> Any:
    """One read-only forward pass with hidden states (and attentions when the row is not given)."""
    inputs = dict(input_ids=torch.tensor([ids], device=device),
                  attention_mask=torch.tensor([mask], device=device))
    flags = dict(output_hidden_states=True, output_attentions=want_weights)
    if family.kind != "encoder-decoder":
        return model(**inputs, **flags)
    if part == "self":
        return model.get_encoder()(**inputs, **flags)
    if not target:
        raise ValueError(f"{family.title}'s {part} attention needs the decoder's tokens (target_ids).")
    return model(**inputs, decoder_input_ids=torch.tensor([target], device=device), **flags)


def _states(out: Any, part: str, layer: int) -> tuple[torch.Tensor, torch.Tensor | None, Any]:
    """(block input [pos, hidden], encoder output [src_pos, hidden] for cross, the model's attentions)."""
    if part == "self":
        return out.hidden_states[layer][0], None, out.attentions
    attentions = out.decoder_attentions if part == "decoder" else out.cross_attentions
    return out.decoder_hidden_states[layer][0], out.encoder_last_hidden_state[0], attentions


def _qk(site: layouts.Site, hidden: torch.Tensor, encoded: torch.Tensor | None):
    """All queries [head, q_pos, dim] and keys [kv_head, k_pos, dim] of the site, positions applied."""
    if site.part == "cross":
        q, k = layouts.project(site, layouts.cross_input(site, hidden), encoded)
    else:
        x = layouts.attention_input(site, hidden)
        q, k = layouts.project(site, x, x)
    if site.family.positions == "rotary":
        q, k = layouts.rotary(site, q, k)
    return q, k


def _held(block_input: np.ndarray, encoded: np.ndarray | None, part: str, model_row: np.ndarray | None,
          device: torch.device) -> tuple[torch.Tensor, torch.Tensor | None, None]:
    """The caller's own states as tensors, in place of a forward pass (the model's row must come with them)."""
    if model_row is None or (part == "cross" and encoded is None):
        raise ValueError("block_input needs model_row (and encoded for part 'cross')")
    def tensor(x: np.ndarray) -> torch.Tensor:  # a private copy: the caller's arrays may be read-only
        return torch.from_numpy(np.array(x, np.float32)).to(device)

    return tensor(block_input), None if encoded is None else tensor(encoded), None


@torch.inference_mode()
def show_work(model: Any, ids: list[int], config: WorkConfig, *, device: torch.device,
              causal: bool | None = None, attention_mask: list[int] | None = None,
              model_row: np.ndarray | None = None, target_ids: list[int] | None = None,
              block_input: np.ndarray | None = None, encoded: np.ndarray | None = None) -> Work:
    """Recompute the softmax row (layer, head, query) by hand and return every step.

    ids: the (encoder) input; target_ids: the decoder's input for part 'decoder' / 'cross'.
    causal: ignored beyond a sanity default (the family decides); kept for old callers.
    model_row: the model's own weights for this row ([key_pos]) when already known;
    without it the same forward pass also returns the attentions.
    block_input: [pos, hidden] the input of block `layer` of the part's stack (Attention.hidden[layer])
    when the caller already holds it: then no forward pass runs at all (needs model_row, and
    for 'cross' `encoded`, the encoder's output [src_pos, hidden]).
    """
    family = check(model, "cross-attention" if config.part == "cross" else "show the work")
    site = layouts.locate(model, family, config.part, config.layer)
    mask = list(attention_mask or [1] * len(ids))
    if block_input is not None:
        hidden, encoded_t, attentions = _held(block_input, encoded, config.part, model_row, device)
    else:
        out = _forward(model, family, ids, mask, target_ids, config.part, device, model_row is None)
        hidden, encoded_t, attentions = _states(out, config.part, config.layer)
    if config.query >= hidden.shape[0]:
        raise ValueError(f"query {config.query} out of range (the input has {hidden.shape[0]} tokens)")
    q_all, k_all = _qk(site, hidden, encoded_t)
    if config.head >= q_all.shape[0]:
        raise ValueError(f"head {config.head} out of range (the model has {q_all.shape[0]})")
    kv_head = config.head // (q_all.shape[0] // k_all.shape[0])  # grouped-query: heads share a KV head
    if model_row is None:
        model_row = attentions[config.layer][0, config.head, config.query].double().cpu().numpy()
    key_mask = mask if config.part != "decoder" else [1] * k_all.shape[1]
    return _work(site, q_all[config.head, config.query], k_all[kv_head], config, kv_head, key_mask,
                 np.asarray(model_row, np.float64))


def _work(site: layouts.Site, q_t: torch.Tensor, keys_t: torch.Tensor, config: WorkConfig, kv_head: int,
          key_mask: list[int], model_row: np.ndarray) -> Work:
    """Scale, soft-cap, add position bias, mask and softmax one row."""
    module, fam = site.module, site.family
    q, keys = q_t.double().cpu().numpy(), keys_t.double().cpu().numpy()
    dots = keys @ q  # [key_pos]
    scale = getattr(module, "scaling", None)
    scale = float(getattr(module, "inv_norm_factor", 1 / math.sqrt(q.shape[0])) if scale is None else scale)
    softcap = getattr(module, "attn_logit_softcapping", None)
    scores = dots * scale
    if softcap:
        scores = softcap * np.tanh(scores / softcap)
    mask_t = torch.tensor(key_mask, device=keys_t.device)
    bias_t = layouts.position_bias(site, config.query + 1, mask_t)
    bias = None if bias_t is None else bias_t[config.head, config.query].double().cpu().numpy()
    if bias is not None:
        scores = scores + bias
    causal = fam.causal or site.part == "decoder"
    win = layouts.window(site)
    visible = visible_keys(len(dots), config.query, key_mask, causal, win)
    scores, weights = softmax_row(scores, visible)
    return Work(q, keys, dots, scale, scores, weights, model_row, kv_head, fam.positions == "rotary",
                fam.positions, bias, softcap, win, site.part, fam.title)
