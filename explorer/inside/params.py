"""Where a model's parameters are, counted from the loaded weights, and what architecture it has.

Every parameter is put in one group by its name (embeddings, attention, MLP,
norms, unembedding, other); tied weights are counted once, as
`model.parameters()` does. For Llama-style decoders each group also gets its
closed-form formula, so the count can be checked by hand.

Example:
    >>> arch = account(model, "SmolLM2-135M-Instruct")
    >>> arch.total == sum(p.numel() for p in model.parameters())
    True
    >>> arch.group("MLP").formula
    '30 × 3 × 576 × 1,536'
"""
from __future__ import annotations

from dataclasses import dataclass

GROUPS = ("embeddings", "attention", "MLP", "norms", "unembedding", "other")
RECURRENT = ("RNN", "LSTM", "GRU")


@dataclass(frozen=True)
class ParamGroup:
    """One slice of the model's parameters."""

    name: str
    count: int  # counted from the weights
    formula: str  # "" when no closed form is known for this architecture
    formula_count: int | None  # what the formula gives


@dataclass(frozen=True)
class Architecture:
    """The facts that tell popular architectures apart, read from a loaded model."""

    name: str
    kind: str  # decoder-only / encoder-only / encoder-decoder
    layers: int
    hidden: int
    heads: int
    kv_heads: int
    head_dim: int
    intermediate: int
    vocab: int
    context: int | None
    positions: str
    norm: str
    activation: str
    tied: bool
    total: int
    groups: tuple[ParamGroup, ...]
    recurrent: int  # RNN/LSTM/GRU modules in the model

    def group(self, name: str) -> ParamGroup:
        """The group called `name`."""
        return next(g for g in self.groups if g.name == name)


def group_of(name: str) -> str:
    """The group a parameter belongs to, from its dotted name (works for Llama, BERT, GPT-2)."""
    low = name.lower()
    if "norm" in low or ".ln_" in low or low.startswith("ln_"):
        return "norms"
    if "lm_head" in low:
        return "unembedding"
    if "embed" in low or low.split(".")[-2:-1] in (["wte"], ["wpe"]):
        return "embeddings"
    if "attn" in low or "attention" in low:
        return "attention"
    if any(part in low for part in ("mlp", "intermediate", "output.dense", "ffn", "fc")):
        return "MLP"
    return "other"


def _kind(model) -> str:
    cfg = model.config
    if getattr(cfg, "is_encoder_decoder", False):
        return "encoder-decoder"
    can_generate = getattr(model, "can_generate", lambda: False)
    return "decoder-only (causal)" if can_generate() or cfg.is_decoder else "encoder-only (bidirectional)"


def _positions(model, names: list[str]) -> str:
    cfg = model.config
    rope = getattr(cfg, "rope_parameters", None)
    if rope or hasattr(getattr(model, "model", None), "rotary_emb"):
        theta = (rope or {}).get("rope_theta")
        return "RoPE: q and k rotated" + (f", θ = {theta:g}" if theta else "")
    if any("position_embeddings" in n or n.endswith("wpe.weight") for n in names):
        rows = getattr(cfg, "max_position_embeddings", "?")
        return f"learned absolute position vectors ({rows}) added to the embeddings"
    return "unknown"


def _norm(model) -> str:
    kinds = {type(m).__name__ for m in model.modules()}
    if any("RMSNorm" in k for k in kinds):
        return "RMSNorm"
    return "LayerNorm" if any("LayerNorm" in k for k in kinds) else "unknown"


def _tied(model) -> bool:
    out, inp = model.get_output_embeddings(), model.get_input_embeddings()
    return bool(out is not None and inp is not None and out.weight.data_ptr() == inp.weight.data_ptr())


def _formulas(a: dict, tied: bool) -> dict[str, tuple[str, int]]:
    """Closed forms for a Llama-style decoder without biases: group -> (text, value)."""
    L, d, V, H, KV, hd, inter = (a[k] for k in ("layers", "hidden", "vocab", "heads", "kv_heads", "head_dim",
                                                 "intermediate"))
    return {
        "embeddings": (f"{V:,} × {d}", V * d),
        "attention": (f"{L} × ({d}·{H}·{hd} + 2·{d}·{KV}·{hd} + {H}·{hd}·{d})",
                      L * (2 * d * H * hd + 2 * d * KV * hd)),
        "MLP": (f"{L} × 3 × {d} × {inter:,}", L * 3 * d * inter),
        "norms": (f"(2 × {L} + 1) × {d}", (2 * L + 1) * d),
        "unembedding": ("0: tied to the embedding table", 0) if tied else (f"{V:,} × {d}", V * d),
        "other": ("0", 0),
    }


def _sizes(cfg) -> dict:
    heads = getattr(cfg, "num_attention_heads", 0) or 0
    hidden = getattr(cfg, "hidden_size", 0) or 0
    return {"layers": getattr(cfg, "num_hidden_layers", 0), "hidden": hidden, "vocab": cfg.vocab_size,
            "heads": heads, "kv_heads": getattr(cfg, "num_key_value_heads", None) or heads,
            "head_dim": getattr(cfg, "head_dim", None) or (hidden // heads if heads else 0),
            "intermediate": getattr(cfg, "intermediate_size", 0) or 0}


def account(model, name: str, llama_like: bool | None = None) -> Architecture:
    """Count `model`'s parameters by group and read its architecture facts."""
    named = list(model.named_parameters())  # tied weights appear once here
    counts = dict.fromkeys(GROUPS, 0)
    for pname, p in named:
        counts[group_of(pname)] += p.numel()
    sizes, tied = _sizes(model.config), _tied(model)
    if llama_like is None:
        llama_like = hasattr(getattr(model, "model", None), "rotary_emb") and _norm(model) == "RMSNorm"
    formulas = _formulas(sizes, tied) if llama_like else {}
    groups = tuple(ParamGroup(g, counts[g], *formulas.get(g, ("", None))) for g in GROUPS)
    recurrent = sum(any(r in type(m).__name__ for r in RECURRENT) for m in model.modules())
    return Architecture(name, _kind(model), context=getattr(model.config, "max_position_embeddings", None),
                        positions=_positions(model, [n for n, _ in named]), norm=_norm(model),
                        activation=str(getattr(model.config, "hidden_act", "?")), tied=tied,
                        total=sum(p.numel() for _, p in named), groups=groups, recurrent=recurrent, **sizes)
