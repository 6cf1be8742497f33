"""Read one attention module of any known family: its input, q and k per head, positions, masks.

Nothing here changes the model: submodules (norms, projections, the rotary
embedding, T5's bias table) are only called as functions on tensors we hold.
Families differ in where q and k come from: three projections, one fused
projection laid out [q | k | v] (GPT-2, Phi-3), or fused per head
[q k v, q k v, ...] (GPT-NeoX, BLOOM); in whether positions enter as rotary
rotations of q and k, ALiBi or T5 bias added to the scores, or vectors
already inside the hidden state (learned positions).

Example:
    >>> site = locate(model, family, part="self", layer=1)
    >>> q, k = project(site, x, x)             # [head, pos, head_dim], [kv_head, pos, head_dim]
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import torch

from explorer.core.families import Family, UnsupportedModel, resolve

PARTS = ("self", "decoder", "cross")  # encoder (or only) self-attention, decoder self-attention, cross


@dataclass(frozen=True)
class Site:
    """One attention module located in a model, with the stack and block around it."""

    family: Family
    part: str
    layer: int
    stack: Any  # the base model, or the encoder / decoder of an encoder-decoder
    block: Any
    module: Any  # the attention module itself


def stack_of(model: Any, family: Family, part: str) -> Any:
    """The module whose blocks hold `part`'s attention: base model, encoder or decoder."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}, got {part!r}")
    if family.kind != "encoder-decoder":
        if part != "self":
            raise UnsupportedModel(f"{family.title} has only self-attention, no {part} attention.")
        return model.base_model
    return model.get_encoder() if part == "self" else model.get_decoder()


def locate(model: Any, family: Family, part: str, layer: int) -> Site:
    """The attention module of `part` in block `layer`; UnsupportedModel when the layout differs."""
    stack = stack_of(model, family, part)
    try:
        blocks = resolve(stack, family.blocks)
        if not 0 <= layer < len(blocks):
            raise ValueError(f"layer {layer} out of range (the model has {len(blocks)})")
        module = resolve(blocks[layer], family.cross if part == "cross" else family.attn)
    except (AttributeError, IndexError) as err:
        raise UnsupportedModel(f"This {family.title} model is not laid out as expected ({err}).") from err
    return Site(family, part, layer, stack, blocks[layer], module)


def head_dim(module: Any) -> int:
    """Dimensions per head, whatever the family calls it."""
    for name in ("head_dim", "head_size", "attention_head_size", "key_value_proj_dim"):
        if isinstance(getattr(module, name, None), int):
            return getattr(module, name)
    raise UnsupportedModel(f"{type(module).__name__} does not say its head size.")


def _heads(x: torch.Tensor, dim: int) -> torch.Tensor:
    """[pos, heads * dim] -> [heads, pos, dim]."""
    return x.view(x.shape[0], -1, dim).transpose(0, 1)


def project(site: Site, x_q: torch.Tensor, x_kv: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Queries [head, q_pos, dim] from x_q and keys [kv_head, k_pos, dim] from x_kv ([pos, hidden] each)."""
    fam, module, dim = site.family, site.module, head_dim(site.module)
    if fam.qkv == "separate":
        q = _heads(resolve(module, fam.proj[0])(x_q), dim)
        k = _heads(resolve(module, fam.proj[1])(x_kv), dim)
    elif fam.qkv == "fused per head":  # [pos, head, (q k v), dim]
        fused = resolve(module, fam.proj[0])(x_q)
        per_head = fused.view(fused.shape[0], -1, 3, dim)
        q, k = per_head[:, :, 0].transpose(0, 1), per_head[:, :, 1].transpose(0, 1)
    else:  # fused [q | k | v]: the query block, then the key block
        fused = resolve(module, fam.proj[0])(x_q)
        config = site.stack.config
        n_q = config.num_attention_heads * dim
        n_kv = (getattr(config, "num_key_value_heads", None) or config.num_attention_heads) * dim
        q, k = _heads(fused[:, :n_q], dim), _heads(fused[:, n_q:n_q + n_kv], dim)
    if getattr(module, "q_norm", None) is not None:  # Qwen3, Gemma 3: RMSNorm of each head's q and k
        q = module.q_norm(q.transpose(0, 1)).transpose(0, 1)
        k = module.k_norm(k.transpose(0, 1)).transpose(0, 1)
    return q, k


def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rotary(site: Site, q: torch.Tensor, k: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """q and k rotated by the model's own rotary embedding (only the first rotary dims, if partial)."""
    rope = site.stack.rotary_emb
    positions = torch.arange(q.shape[1], device=q.device)[None]  # [1, pos]
    args = [q, positions]
    if "layer_type" in inspect.signature(rope.forward).parameters:  # Gemma 3: local and global RoPE
        args.append(site.stack.config.layer_types[site.layer])
    cos, sin = (t[0] for t in rope(*args))  # [pos, rotary_dim] each
    n = cos.shape[-1]

    def turn(x: torch.Tensor) -> torch.Tensor:
        return torch.cat([x[..., :n] * cos + _rotate_half(x[..., :n]) * sin, x[..., n:]], dim=-1)

    return turn(q), turn(k)


def position_bias(site: Site, n_q: int, mask: torch.Tensor) -> torch.Tensor | None:
    """[head, q_pos, k_pos] added to the scores (T5 relative bias, ALiBi), or None."""
    positions, n_k = site.family.positions, mask.shape[0]
    if positions == "relative bias" and site.part != "cross":  # block 0 owns the stack's bias table
        first = resolve(resolve(site.stack, site.family.blocks)[0], site.family.attn)
        return first.compute_bias(n_q, n_k, device=mask.device)[0]
    if positions == "ALiBi":  # slope_h * key position; a per-row shift of slope_h * query cancels in softmax
        heads = site.stack.config.num_attention_heads
        alibi = site.stack.build_alibi_tensor(mask[None], heads, torch.float32)  # [head, 1, k_pos]
        return alibi.expand(heads, n_q, n_k)
    return None


def window(site: Site) -> int | None:
    """Sliding window of this layer (keys at least this far back are masked), or None."""
    if site.part == "cross":
        return None
    if hasattr(site.module, "sliding_window"):  # per-layer (Qwen2, Gemma)
        return site.module.sliding_window
    return getattr(site.stack.config, "sliding_window", None)  # whole model (Mistral, Phi-3)


def causal_add(n: int, like: torch.Tensor) -> torch.Tensor:
    """[1, 1, n, n] additive causal mask: 0 on and below the diagonal, the dtype's min above."""
    low = torch.finfo(like.dtype).min
    return torch.full((n, n), low, dtype=like.dtype, device=like.device).triu(1)[None, None]


def attention_input(site: Site, hidden: torch.Tensor) -> torch.Tensor:
    """What the attention module reads from block input `hidden` [pos, hidden]: normed (pre-norm) or as is."""
    if site.family.norm == "pre":
        return resolve(site.block, site.family.norm_path)(hidden)
    return hidden


def cross_input(site: Site, hidden: torch.Tensor) -> torch.Tensor:
    """Cross-attention's query input in a decoder block: after the block's own self-attention sub-layer."""
    fam, block, x = site.family, site.block, hidden[None]
    mask = causal_add(hidden.shape[0], hidden)
    if fam.cross_norm:  # T5: h + SelfAttention(norm(h)), then the cross sub-layer's norm
        first = resolve(resolve(site.stack, fam.blocks)[0], fam.attn)
        bias = first.compute_bias(hidden.shape[0], hidden.shape[0], device=hidden.device)
        mid = resolve(block, fam.mid)(x, attention_mask=mask, position_bias=bias)[0]
        return resolve(block, fam.cross_norm)(mid)[0]
    attn_out = resolve(block, fam.attn)(hidden_states=x, attention_mask=mask)[0]  # BART: post-norm
    return resolve(block, fam.mid)(x + attn_out)[0]
