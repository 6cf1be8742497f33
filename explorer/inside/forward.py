"""One real forward pass of a Llama-style decoder, and every block recomputed by hand from its weights.

The model runs once with `output_hidden_states=True` (its own answer). Any
block can then be recomputed from the weights alone: RMSNorm, the q/k/v
projections, rotary position encoding, causal softmax attention with shared
key/value heads, the output projection, the SwiGLU MLP and both residual adds.
Nothing on the shared model is changed: no hooks, no config flags; weights are
only read.

Example:
    >>> run = forward_pass(model, [504, 3458, 314])
    >>> run.resid.shape                      # [layer+1, token, hidden]
    (31, 3, 576)
    >>> parts = block_tensors(model, 4, torch.tensor(run.resid[4]))
    >>> torch.allclose(parts["out"], torch.tensor(run.resid[5]), atol=1e-3)
    True
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

MAX_TOKENS = 512  # every request is capped here: CPU time and cached memory stay bounded


def walk_support(model) -> str | None:
    """None when `model` is a Llama-style decoder this page can take apart; else the reason (plain text)."""
    base = getattr(model, "model", None)
    layers = getattr(base, "layers", None)
    if layers is None or not hasattr(base, "rotary_emb") or not hasattr(model, "lm_head"):
        return f"'{model.config.model_type}' is not laid out like Llama (model.layers, rotary_emb, lm_head)"
    first = layers[0]
    needed = ("input_layernorm", "post_attention_layernorm", "self_attn", "mlp")
    if not all(hasattr(first, n) for n in needed) or not hasattr(first.mlp, "gate_proj"):
        return f"'{model.config.model_type}' blocks are not RMSNorm → attention → gated MLP"
    if hasattr(first.self_attn, "q_norm") or not hasattr(first.self_attn, "q_proj"):
        return f"'{model.config.model_type}' attention has extra parts (fused or normed q/k)"
    return None


@dataclass(frozen=True)
class Shapes:
    """The sizes every stage's tensor shape is built from."""

    layers: int
    hidden: int  # d: width of the residual stream
    heads: int  # H query heads
    kv_heads: int  # key/value heads, each shared by heads // kv_heads query heads
    head_dim: int
    intermediate: int  # MLP hidden width
    vocab: int
    activation: str
    rope_theta: float | None
    eps: float


def shapes(model) -> Shapes:
    """The model's sizes, read from its config."""
    cfg = model.config
    heads = cfg.num_attention_heads
    rope = getattr(cfg, "rope_parameters", None) or {}
    return Shapes(cfg.num_hidden_layers, cfg.hidden_size, heads, getattr(cfg, "num_key_value_heads", heads),
                  getattr(cfg, "head_dim", None) or cfg.hidden_size // heads, cfg.intermediate_size,
                  cfg.vocab_size, str(getattr(cfg, "hidden_act", "?")), rope.get("rope_theta"),
                  float(getattr(cfg, "rms_norm_eps", 1e-6)))


def rms_norm(x: torch.Tensor, norm) -> torch.Tensor:
    """RMSNorm by hand: x / sqrt(mean(x²) + eps) * weight, over the last dim (no mean subtracted)."""
    rms = torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + norm.variance_epsilon)
    return norm.weight * (x.float() * rms).to(x.dtype)


def linear(x: torch.Tensor, layer) -> torch.Tensor:
    """x @ W.T (+ b), from the nn.Linear's weight: [..., in] -> [..., out]."""
    out = x @ layer.weight.T
    return out if layer.bias is None else out + layer.bias


def _activation(x: torch.Tensor, name: str, mlp) -> torch.Tensor:
    return x * torch.sigmoid(x) if name == "silu" else mlp.act_fn(x)


def rope_angles(model, positions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """cos and sin [position, head_dim] of rotary encoding: angle = position * inv_freq, halves repeated."""
    rotary = model.model.rotary_emb
    inv_freq = rotary.inv_freq.to(positions.device, torch.float32)  # [head_dim / 2]
    freqs = positions.float()[:, None] * inv_freq[None]  # [position, head_dim / 2]
    angles = torch.cat((freqs, freqs), -1)
    scale = getattr(rotary, "attention_scaling", 1.0)
    return angles.cos() * scale, angles.sin() * scale


def rotate(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotary encoding of [..., token, head_dim]: each pair (x_i, x_{i+half}) turned by its angle."""
    half = x.shape[-1] // 2
    turned = torch.cat((-x[..., half:], x[..., :half]), -1)
    return x * cos.to(x.dtype) + turned * sin.to(x.dtype)


def _attention(model, attn, x: torch.Tensor) -> dict[str, torch.Tensor]:
    """q, k, v, RoPE, causal softmax(q·k/√d) and the weighted sum of v, for x [token, hidden]."""
    n, hd = x.shape[0], attn.head_dim
    q = linear(x, attn.q_proj).view(n, -1, hd).transpose(0, 1)  # [head, token, head_dim]
    k = linear(x, attn.k_proj).view(n, -1, hd).transpose(0, 1)  # [kv_head, token, head_dim]
    v = linear(x, attn.v_proj).view(n, -1, hd).transpose(0, 1)  # [kv_head, token, head_dim]
    cos, sin = rope_angles(model, torch.arange(n, device=x.device))
    q_rot, k_rot = rotate(q, cos, sin), rotate(k, cos, sin)
    group = q.shape[0] // k.shape[0]  # query heads that share one key/value head
    k_all, v_all = k_rot.repeat_interleave(group, 0), v.repeat_interleave(group, 0)
    scores = q_rot @ k_all.transpose(1, 2) * attn.scaling  # [head, query, key]
    future = torch.ones(n, n, dtype=torch.bool, device=x.device).triu(1)
    weights = torch.softmax(scores.masked_fill(future, float("-inf")).float(), -1).to(q.dtype)
    mixed = (weights @ v_all).transpose(0, 1).reshape(n, -1)  # [token, head * head_dim]
    return {"q": q, "k": k, "v": v, "q_rot": q_rot, "k_rot": k_rot, "scores": scores,
            "weights": weights, "mixed": mixed}


@torch.no_grad()
def block_tensors(model, layer: int, h: torch.Tensor) -> dict[str, torch.Tensor]:
    """Block `layer` recomputed from its weights for residual stream h [token, hidden].

    Keys: normed, q, k, v, q_rot, k_rot, scores/weights [head, query, key], mixed,
    attn_out, mid (after the first residual add), normed2, gate, up, act
    [token, intermediate], mlp_out, out [token, hidden] (after the second add).
    """
    block = model.model.layers[layer]
    h = h.to(block.input_layernorm.weight.device)
    parts = {"normed": rms_norm(h, block.input_layernorm)}
    parts |= _attention(model, block.self_attn, parts["normed"])
    parts["attn_out"] = linear(parts["mixed"], block.self_attn.o_proj)
    parts["mid"] = h + parts["attn_out"]
    parts["normed2"] = rms_norm(parts["mid"], block.post_attention_layernorm)
    mlp = block.mlp
    parts["gate"], parts["up"] = linear(parts["normed2"], mlp.gate_proj), linear(parts["normed2"], mlp.up_proj)
    parts["act"] = _activation(parts["gate"], model.config.hidden_act, mlp) * parts["up"]
    parts["mlp_out"] = linear(parts["act"], mlp.down_proj)
    parts["out"] = parts["mid"] + parts["mlp_out"]
    return parts


@dataclass(frozen=True)
class Pass:
    """The model's own forward pass over one token sequence (float32, on the CPU)."""

    ids: np.ndarray  # [token]
    resid: np.ndarray  # [layer+1, token, hidden]: 0 = embeddings, l = after block l-1, before the final norm
    final: np.ndarray  # [token, hidden] the model's last hidden state: final_norm(resid[-1])
    last_block_gap: float  # max |final_norm(hand block L-1) - the model's final state|


def _numpy(t: torch.Tensor) -> np.ndarray:
    return t.detach().float().cpu().numpy()


@torch.no_grad()
def forward_pass(model, ids, device: torch.device | None = None) -> Pass:
    """Run the model once on `ids` (<= MAX_TOKENS) and keep its residual stream.

    transformers returns the *normed* state as its last hidden state, so the raw
    output of the last block is recomputed by hand, which also checks the hand
    recomputation against the model's own answer (last_block_gap).
    """
    ids = list(ids)[:MAX_TOKENS]
    if not ids:
        raise ValueError("no tokens to run")
    device = device or model.lm_head.weight.device
    out = model(torch.tensor([ids], device=device), output_hidden_states=True, logits_to_keep=1)
    states = [h[0] for h in out.hidden_states]  # (layer+1) x [token, hidden]
    last = block_tensors(model, len(states) - 2, states[-2])["out"]
    gap = (rms_norm(last, model.model.norm) - states[-1]).abs().max()
    resid = torch.stack(states[:-1] + [last])
    return Pass(np.asarray(ids), _numpy(resid), _numpy(states[-1]), float(gap))


@torch.no_grad()
def replay(model, ids) -> tuple[list[torch.Tensor], torch.Tensor]:
    """The whole forward pass by hand from the weights: (states as the model returns them, logits).

    states: (layer+1) x [token, hidden], the last one after the final norm;
    logits: [token, vocab] = final state @ unembedding.T.
    """
    embed = model.model.embed_tokens.weight
    h = embed[torch.tensor(list(ids), device=embed.device)]  # [token, hidden]: rows of the table
    states = [h]
    for layer in range(len(model.model.layers)):
        h = block_tensors(model, layer, h)["out"]
        states.append(h)
    states[-1] = rms_norm(h, model.model.norm)
    return states, linear(states[-1], model.lm_head)
