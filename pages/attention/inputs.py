"""The Attention page's inputs: model, text and control tokens, the model loaded and run, what ran, pickers."""
from __future__ import annotations

import streamlit as st

from explorer.attention.extract import Attention
from explorer.attention.seq2seq import CrossAttention
from explorer.attention.state import KINDS, MODELS, PARTS, PRESETS, AttentionState
from explorer.core.markdown import escape_md
from explorer.core.models import Loaded
from explorer.core.sources import ModelUnavailable
from pages.attention import cache
from pages.shared import control_tokens, url_state

P = "attn"
MODEL_LABELS = {"minilm": "Encoder: MiniLM (BERT)", "smollm2": "Decoder: SmolLM2",
                "hub": "Any hub model (online)"}
KIND_LABELS = {"encoder": "encoder", "decoder": "decoder", "encoder-decoder": "encoder-decoder (T5, BART)"}
PART_LABELS = {"encoder": "Encoder self-attention", "decoder": "Decoder self-attention (causal)",
               "cross": "Cross-attention (decoder → encoder)"}
ERRORS = (ModelUnavailable, ValueError, OSError, RuntimeError)


def model_args(state) -> tuple[str, str, str]:
    """(model, hub id, kind) as the cache keys them; the hub id only matters for 'hub'."""
    hub = state.hub.strip() if state.model == "hub" else ""
    return state.model, hub, state.kind if state.model == "hub" else "encoder"


def run_key(state, text: str | None = None, mask: int = -1, seq2seq: bool = False) -> cache.RunKey:
    """The key of the page's run (text None), or of a comparison run of `text` / a masked token."""
    full = seq2seq and text is None and mask < 0  # an encoder-decoder's three attentions
    return cache.RunKey(*model_args(state), state.text if text is None else text, "", mask, state.control,
                        state.target if full else "", state.part if full else "")


def _apply_preset() -> None:
    """Callback: copy the chosen preset sentence into the text box."""
    choice = st.session_state.get("attn_preset")
    if choice in PRESETS:
        st.session_state[f"{P}.text"] = PRESETS[choice]
        st.session_state[f"{P}.query"] = st.session_state[f"{P}.key"] = -1


def controls() -> None:
    """Model choice, hub id and kind, the notes' presets, the text and the control-token switch."""
    left, right = st.columns([2, 3])
    left.radio("Model", MODELS, key=f"{P}.model", format_func=MODEL_LABELS.get)
    hub_off = st.session_state[f"{P}.model"] != "hub"
    url_state.text_input(left, "Hub model id", AttentionState, P, "hub", placeholder="bert-base-uncased",
                         disabled=hub_off)
    left.radio("The hub model is", KINDS, key=f"{P}.kind", horizontal=True, disabled=hub_off,
               format_func=KIND_LABELS.get)
    right.selectbox("Presets from the study notes", list(PRESETS), index=None, key="attn_preset",
                    placeholder="Pick a sentence from the notes...", on_change=_apply_preset)
    url_state.text_area(right, "Text", AttentionState, P, "text", height=90,
                        help=f"Up to {cache.MAX_TOKENS} tokens are run; longer text is cut with a notice.")
    control_tokens.switch(right, AttentionState, P)


def load_model(state) -> Loaded | None:
    """The chosen model, or None after showing why it could not load."""
    if state.model == "hub" and not state.hub.strip():
        st.info("Type a hub id such as `bert-base-uncased`, `gpt2` or `t5-small` (needs internet access).")
        return None
    try:
        with st.spinner("Loading the model (the first time takes a few seconds)..."):
            return cache.model_for(*model_args(state))
    except ERRORS as err:
        st.error(f"Could not load the model: {escape_md(err)}")
        return None


def seq2seq_controls(loaded: Loaded | None) -> bool:
    """For an encoder-decoder: which of its attentions to show, and the decoder's text. True when drawn."""
    try:
        if loaded is None or not cache.is_seq2seq(loaded):
            return False
    except ERRORS:
        return False  # the run says why
    st.radio("Which attention", PARTS, key=f"{P}.part", horizontal=True, format_func=PART_LABELS.get,
             help="The encoder reads the text with full self-attention; the decoder reads its own text "
                  "causally; cross-attention lets each decoder token look at every encoder token.")
    url_state.text_area(st, "Decoder text (what the model writes, fed in whole as in training; "
                            "empty: the text above again)", AttentionState, P, "target", height=68)
    return True


def run(key: cache.RunKey) -> Attention | CrossAttention | None:
    """The cached forward pass's attention for `key`, or None after a clear message."""
    if not key.text.strip():
        st.warning("The text is empty: type a sentence or pick a preset.")
        return None
    try:
        with st.spinner("Running the model and collecting every head's attention..."):
            return cache.attention(key)
    except ERRORS as err:
        st.error(f"Could not compute attention: {escape_md(err)}")
        return None


def dims(att: Attention | CrossAttention | None) -> tuple[int, int, int, int]:
    """(layers, heads, query tokens, key tokens) of what is shown; all 1 when nothing ran."""
    return tuple(att.weights.shape) if att is not None else (1, 1, 1, 1)  # type: ignore[return-value]


def tokens(att: Attention | CrossAttention) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(query tokens, key tokens): the same for self-attention."""
    if isinstance(att, CrossAttention):
        return att.query_tokens, att.key_tokens
    return att.tokens, att.tokens


def position_options(n: int, fields: tuple[str, ...] = ("query", "key", "mask")) -> list[int]:
    """-1 (automatic) then every position; clamps stale session values of `fields` first."""
    for field in fields:
        if st.session_state.get(f"{P}.{field}", -1) >= n:
            st.session_state[f"{P}.{field}"] = -1
    return [-1, *range(n)]
