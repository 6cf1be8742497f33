"""The Attention page's inputs: model and text, the model loaded and run, what ran, token pickers."""
from __future__ import annotations

import streamlit as st

from explorer.attention.extract import Attention
from explorer.attention.state import MAX_TEXT, MODELS, PRESETS
from explorer.core.sources import ModelUnavailable
from pages.attention import cache

P = "attn"
MODEL_LABELS = {"minilm": "Encoder: MiniLM (BERT)", "smollm2": "Decoder: SmolLM2",
                "hub": "Any hub model (online)"}


def model_args(state) -> tuple[str, str, str]:
    """(model, hub id, kind) as the cache keys them; the hub id only matters for 'hub'."""
    hub = state.hub.strip() if state.model == "hub" else ""
    return state.model, hub, state.kind if state.model == "hub" else "encoder"


def _apply_preset() -> None:
    """Callback: copy the chosen preset sentence into the text box."""
    choice = st.session_state.get("attn_preset")
    if choice in PRESETS:
        st.session_state[f"{P}.text"] = PRESETS[choice]
        st.session_state[f"{P}.query"] = st.session_state[f"{P}.key"] = -1


def controls() -> None:
    """Model choice, hub id and kind, the notes' presets and the text."""
    left, right = st.columns([2, 3])
    left.radio("Model", MODELS, key=f"{P}.model", format_func=MODEL_LABELS.get)
    hub_off = st.session_state[f"{P}.model"] != "hub"
    left.text_input("Hub model id", key=f"{P}.hub", placeholder="bert-base-uncased", max_chars=120,
                    disabled=hub_off)
    left.radio("The hub model is a", ("encoder", "decoder"), key=f"{P}.kind", horizontal=True,
               disabled=hub_off)
    right.selectbox("Presets from the study notes", list(PRESETS), index=None, key="attn_preset",
                    placeholder="Pick a sentence from the notes...", on_change=_apply_preset)
    right.text_area("Text", key=f"{P}.text", max_chars=MAX_TEXT, height=90,
                    help=f"Up to {cache.MAX_TOKENS} tokens are run; longer text is cut with a notice.")


def load_model(state) -> tuple | None:
    """The chosen model, or None after showing why it could not load."""
    if state.model == "hub" and not state.hub.strip():
        st.info("Type a hub id such as `bert-base-uncased` or `gpt2` (needs internet access).")
        return None
    try:
        with st.spinner("Loading the model (the first time takes a few seconds)..."):
            return cache.model_for(*model_args(state))
    except (ModelUnavailable, ValueError, OSError) as err:
        st.error(f"Could not load the model: {err}")
        return None


def run(state, text: str, mask: int = -1) -> Attention | None:
    """The cached forward pass, or None after a clear message."""
    if not text.strip():
        st.warning("The text is empty: type a sentence or pick a preset.")
        return None
    try:
        with st.spinner("Running the model and collecting every head's attention..."):
            return cache.run(*model_args(state), text, "", mask)
    except (ModelUnavailable, ValueError, OSError, RuntimeError) as err:
        st.error(f"Could not compute attention: {err}")
        return None


def notices(att: Attention, state) -> None:
    """Token count, truncation and what the model is."""
    layers, heads, n = att.shape
    kind = "decoder (causal: each token sees only itself and earlier tokens)" if att.causal else \
        "encoder (bidirectional: every token sees every token)"
    gqa = f", {att.kv_heads} key/value heads shared by {heads} query heads" if att.kv_heads != heads else ""
    st.caption(f"{n} tokens · {layers} layers × {heads} heads{gqa} · {kind}")
    if att.causal and state.model == "smollm2":
        st.caption("SmolLM2 is a Llama-architecture model, and Llama is decoder-only: the notes' table "
                   "lists LLaMA under encoder-decoder, but its attention here is causal (grey triangle).")
    if att.truncated:
        st.warning(f"The text has {att.n_input_tokens} tokens; only the first {n} were run "
                   f"(this page's limit is {cache.MAX_TOKENS}).")


def position_options(n: int) -> list[int]:
    """-1 (automatic) then every position; clamps a stale session value first."""
    for field in ("query", "key", "mask"):
        if st.session_state.get(f"{P}.{field}", -1) >= n:
            st.session_state[f"{P}.{field}"] = -1
    return [-1, *range(n)]
