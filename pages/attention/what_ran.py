"""What ran: token and head counts, what kind of attention this is, truncation, typed control tokens."""
from __future__ import annotations

import streamlit as st

from explorer.attention.extract import Attention
from explorer.attention.seq2seq import CrossAttention
from explorer.core.models import Loaded
from pages.attention import cache
from pages.shared import control_tokens

KINDS = {"cross": "cross-attention (each decoder token sees every encoder token)",
         "decoder": "decoder (causal: each token sees only itself and earlier tokens)",
         "encoder": "encoder (bidirectional: every token sees every token)"}


def _kind(att: Attention | CrossAttention) -> str:
    if isinstance(att, CrossAttention):
        return KINDS["cross"]
    return KINDS["decoder"] if att.causal else KINDS["encoder"]


def show(att: Attention | CrossAttention, state, loaded: Loaded, key: cache.RunKey) -> None:
    """Counts and kind of the attention shown, SmolLM2's note, truncation, control-token notices."""
    layers, heads, n_q, n_k = att.weights.shape
    gqa = ""
    if isinstance(att, Attention) and att.kv_heads != heads:
        gqa = f", {att.kv_heads} key/value heads shared by {heads} query heads"
    counts = f"{n_q} tokens" if isinstance(att, Attention) else f"{n_q} decoder tokens × {n_k} encoder tokens"
    st.caption(f"{counts} · {layers} layers × {heads} heads{gqa} · {_kind(att)}")
    if isinstance(att, Attention) and att.causal and state.model == "smollm2":
        st.caption("SmolLM2 is a Llama-architecture model, and Llama is decoder-only: the notes' table "
                   "lists LLaMA under encoder-decoder, but its attention here is causal (grey triangle).")
    source = cache.attention(key._replace(part="encoder")) if key.part else att
    if source.truncated:
        st.warning(f"The text has {source.n_input_tokens} tokens; only the first {len(source.tokens)} were run "
                   f"(this page's limit for this model is {cache.token_limit(loaded)}: fewer for models with "
                   "more layers × heads, to keep every run's memory bounded).")
    tok, name = loaded.obj[1], loaded.spec.title
    control_tokens.notice(st, tok, state.text, state.control, name)
    if key.part and state.target.strip():
        control_tokens.notice(st, tok, state.target, state.control, f"{name} (decoder text)")
