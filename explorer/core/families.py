"""Model families the app can take apart: how each lays out attention, and which views work.

A family is one or more transformers `model_type`s sharing an attention
layout: where the blocks live, whether q/k/v come from one fused projection
or three, grouped key-value heads, how positions enter (learned vectors in
the input, rotary, ALiBi, T5's relative bias), pre- or post-norm, the score
scaling, soft-capping, sliding windows, cross-attention. Everything else
about a model (widths, head counts, the scaling factor itself) is read from
the loaded modules. `check(model, view)` raises `UnsupportedModel` naming
what is missing for a model the app cannot handle.

Example:
    >>> fam = check(model, "show the work")     # a GPT-2 model
    >>> fam.title, fam.qkv, fam.positions, fam.norm
    ('GPT-2', 'fused', 'learned', 'pre')
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from explorer.core.sources import ModelUnavailable

VIEWS = ("attention", "show the work", "cross-attention", "contextual", "sampling", "tokenizer")
NEEDS_WEIGHTS = ("attention", "show the work", "cross-attention")  # eager attention only


class UnsupportedModel(ModelUnavailable, ValueError):
    """This model (or one of its views) is outside what the app can show; the message says why."""


@dataclass(frozen=True)
class Family:
    """One attention layout. Paths are dotted attribute paths (digits index lists)."""

    key: str
    title: str
    model_types: tuple[str, ...]
    kind: str  # "decoder" | "encoder" | "encoder-decoder"
    blocks: str  # the list of blocks, from the stack (base model, or encoder / decoder)
    attn: str  # the self-attention module, from a block
    proj: tuple[str, ...]  # (q, k) submodules, or (fused,) for one q/k/v projection
    qkv: str  # "separate" | "fused" (q block, k block, v block) | "fused per head" (q k v per head)
    positions: str  # "learned" | "rotary" | "ALiBi" | "relative bias"
    norm: str  # "pre": the block normalises before attention; "post": after
    norm_path: str = ""  # the pre-norm module, from a block
    scaling: str = "1/√head_dim"
    extras: tuple[str, ...] = ()  # e.g. "grouped KV heads", "soft-capping", "sliding window"
    cross: str = ""  # decoder blocks' cross-attention module (encoder-decoder only)
    cross_norm: str = ""  # its pre-norm module ("" for post-norm)
    mid: str = ""  # the self-attention sub-layer (T5) or its post-norm (BART), to reach cross's input
    tokenizers: tuple[str, ...] = ()  # built-in tokenizer keys (explorer.core.models.TOKENIZER_KEYS)
    tokenizer_note: str = ""
    example: str = ""  # a hub id of a real model of this family

    @property
    def causal(self) -> bool:
        """True for decoder-only models (each token sees only the past)."""
        return self.kind == "decoder"

    def support(self, view: str) -> tuple[str, str]:
        """('works' | 'n/a' | 'no', why) for one of VIEWS."""
        if view == "cross-attention" and self.kind != "encoder-decoder":
            return "n/a", "no encoder to attend to: only encoder-decoders have cross-attention"
        if view == "sampling" and self.kind != "decoder":
            why = "an encoder fills in masked tokens, it does not predict the next one" \
                if self.kind == "encoder" else "the Sampling lab drives decoder-only models"
            return "n/a", why
        if view == "tokenizer" and not self.tokenizers:
            return "no", self.tokenizer_note or "no bundled tokenizer: it comes from the hub with the model"
        if view == "tokenizer":
            return "works", self.tokenizer_note or ", ".join(self.tokenizers)
        if view not in VIEWS:
            raise ValueError(f"unknown view {view!r}; choose from {VIEWS}")
        return "works", ""


_ROPE = dict(proj=("q_proj", "k_proj"), qkv="separate", positions="rotary", norm="pre",
             blocks="layers", attn="self_attn", norm_path="input_layernorm")
_BERT = dict(kind="encoder", blocks="encoder.layer", attn="attention.self", proj=("query", "key"),
             qkv="separate", positions="learned", norm="post")
_GQA = "grouped KV heads"

FAMILIES: tuple[Family, ...] = (
    Family("gpt2", "GPT-2", ("gpt2",), "decoder", "h", "attn", ("c_attn",), "fused", "learned", "pre",
           "ln_1", tokenizers=("gpt2",), example="openai-community/gpt2"),
    Family("gpt_neox", "GPT-NeoX / Pythia", ("gpt_neox",), "decoder", "layers", "attention",
           ("query_key_value",), "fused per head", "rotary", "pre", "input_layernorm",
           extras=("rotary on part of each head", "parallel attention and MLP"), example="EleutherAI/pythia-70m",
           tokenizer_note="GPT-NeoX's own BPE is not bundled: it comes from the hub with the model"),
    Family("llama", "Llama", ("llama",), "decoder", **_ROPE, extras=(_GQA,),
           tokenizers=("llama3", "smollm2-tok"), tokenizer_note="Llama-3, and SmolLM2 (a Llama model)",
           example="HuggingFaceTB/SmolLM2-135M"),
    Family("mistral", "Mistral", ("mistral",), "decoder", **_ROPE, extras=(_GQA, "sliding window"),
           example="mistralai/Mistral-7B-v0.1"),
    Family("qwen2", "Qwen2", ("qwen2",), "decoder", **_ROPE, extras=(_GQA, "q/k/v biases"),
           tokenizers=("qwen3",), tokenizer_note="Qwen3's BPE (the same vocabulary as Qwen2.5)",
           example="Qwen/Qwen2.5-0.5B"),
    Family("qwen3", "Qwen3", ("qwen3",), "decoder", **_ROPE, extras=(_GQA, "q/k RMSNorm per head"),
           tokenizers=("qwen3",), example="Qwen/Qwen3-0.6B"),
    Family("gemma2", "Gemma 2", ("gemma2",), "decoder", **_ROPE, scaling="1/√query_pre_attn_scalar",
           extras=(_GQA, "soft-capping", "sliding window on alternate layers"), example="google/gemma-2-2b"),
    Family("gemma3", "Gemma 3", ("gemma3_text",), "decoder", **_ROPE, scaling="1/√query_pre_attn_scalar",
           extras=(_GQA, "q/k RMSNorm per head", "local and global RoPE", "sliding window"),
           example="google/gemma-3-270m"),
    Family("phi3", "Phi-3", ("phi3",), "decoder", "layers", "self_attn", ("qkv_proj",), "fused",
           "rotary", "pre", "input_layernorm", extras=(_GQA, "sliding window"), tokenizers=("phi3",),
           example="microsoft/Phi-3-mini-4k-instruct"),
    Family("bloom", "BLOOM", ("bloom",), "decoder", "h", "self_attention", ("query_key_value",),
           "fused per head", "ALiBi", "pre", "input_layernorm", example="bigscience/bloom-560m"),
    Family("bert", "BERT", ("bert",), **_BERT, tokenizers=("bert",),
           tokenizer_note="BERT's uncased WordPiece (MiniLM's)", example="google-bert/bert-base-uncased"),
    Family("roberta", "RoBERTa", ("roberta",), **_BERT, example="FacebookAI/roberta-base",
           tokenizer_note="GPT-2's byte-level pieces, but numbered differently: comes from the hub"),
    Family("distilbert", "DistilBERT", ("distilbert",), "encoder", "transformer.layer", "attention",
           ("q_lin", "k_lin"), "separate", "learned", "post", tokenizers=("bert",),
           tokenizer_note="BERT's uncased WordPiece", example="distilbert/distilbert-base-uncased"),
    Family("t5", "T5", ("t5",), "encoder-decoder", "block", "layer.0.SelfAttention", ("q", "k"),
           "separate", "relative bias", "pre", "layer.0.layer_norm", scaling="none (folded into the weights)",
           cross="layer.1.EncDecAttention", cross_norm="layer.1.layer_norm", mid="layer.0",
           tokenizer_note="T5's SentencePiece is not bundled: it comes from the hub", example="google-t5/t5-small"),
    Family("bart", "BART", ("bart",), "encoder-decoder", "layers", "self_attn", ("q_proj", "k_proj"),
           "separate", "learned", "post", cross="encoder_attn", mid="self_attn_layer_norm",
           tokenizer_note="GPT-2's byte-level pieces, numbered differently: comes from the hub",
           example="facebook/bart-base"),
)
BY_TYPE: dict[str, Family] = {t: f for f in FAMILIES for t in f.model_types}


def resolve(root: Any, path: str) -> Any:
    """Follow a dotted path of attributes (digits index into lists): resolve(block, 'layer.0')."""
    obj = root
    for part in path.split(".") if path else ():
        obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
    return obj


def family_of(model: Any) -> Family:
    """The family of a loaded model (or its config), by `config.model_type`."""
    config = getattr(model, "config", model)
    model_type = getattr(config, "model_type", None) or "unknown"
    family = BY_TYPE.get(model_type)
    if family is None:
        names = ", ".join(f.title for f in FAMILIES)
        raise UnsupportedModel(
            f"{type(model).__name__} (model type '{model_type}') is not one of the families this app "
            f"knows how to take apart ({names}): its attention layout is unknown, so its views are not shown.")
    return family


def _variant_gap(family: Family, config: Any) -> str:
    """What this particular configuration does that the family's views do not cover ('' if none)."""
    if getattr(config, "use_bidirectional_attention", False):
        return "bidirectional attention in a decoder family (use_bidirectional_attention=True)"
    if family.key == "gpt2" and getattr(config, "add_cross_attention", False):
        return "GPT-2 with added cross-attention"
    return ""


def check(model: Any, view: str = "attention") -> Family:
    """The model's family, after checking `view` can be shown for it; else UnsupportedModel saying why.

    view: one of VIEWS. Attention views also need eager attention (SDPA and
    flash kernels never form the weights).
    """
    family = family_of(model)
    status, why = family.support(view)
    if status != "works":
        raise UnsupportedModel(f"{family.title} has no {view} view here: {why}.")
    config = getattr(model, "config", model)
    gap = _variant_gap(family, config)
    if gap:
        raise UnsupportedModel(f"This {family.title} model uses {gap}, which the app does not take apart.")
    impl = getattr(config, "_attn_implementation", "eager") or "eager"
    if view in NEEDS_WEIGHTS and impl != "eager":
        raise UnsupportedModel(f"This {family.title} model was loaded with '{impl}' attention, which never "
                               "forms the attention weights: load it with attn_implementation='eager'.")
    return family


def _short(family: Family, view: str) -> str:
    """One table cell: 'works', 'n/a', or for tokenizers the bundled keys / 'hub only'."""
    status, _ = family.support(view)
    if view == "tokenizer":
        return ", ".join(family.tokenizers) if status == "works" else "hub only"
    return status


def support_rows() -> list[dict[str, str]]:
    """One row per family for the Models page: per view 'works' / 'n/a' (reasons: `Family.support`)."""
    return [{"Family": fam.title, "Kind": fam.kind, **{view: _short(fam, view) for view in VIEWS}}
            for fam in FAMILIES]


def layout_rows() -> list[dict[str, str]]:
    """One row per family: how it lays out attention, and a real model of it on the hub."""
    return [{"Family": fam.title, "model_type": ", ".join(fam.model_types), "q/k/v": fam.qkv,
             "Positions": fam.positions, "Norm": f"{fam.norm}-norm", "Scaling": fam.scaling,
             "Also": ", ".join(fam.extras), "Example hub id": fam.example} for fam in FAMILIES]
