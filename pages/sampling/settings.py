"""Sampling lab sidebar: the examples menu and the decoding settings, in generate()'s order."""
from __future__ import annotations

import streamlit as st

from explorer.sampling.generation import MAX_NEW_TOKENS
from explorer.sampling.state import MAX_TEMPERATURE_UI, MAX_TOP_K_UI

P = "samp"
PRESETS = {
    "Poem (chat)": {"prompt": "Write a one-line poem about the sea.", "chat": True},
    "Next word: capital of France (plain text)": {"prompt": "The capital of France is", "chat": False},
    "Creative vs precise: name an ice cream (chat)": {
        "prompt": "Invent a name for a new ice cream flavour.", "chat": True, "view": "compare"},
    "A prompt that loops (plain text)": {
        "prompt": "I like apples. I like apples. I like", "chat": False, "view": "repeat", "n_new": 40},
}


def _load_preset() -> None:
    preset = PRESETS.get(st.session_state.get("samp_preset"))
    if preset:
        for key, value in preset.items():
            st.session_state[f"{P}.{key}"] = value
        st.session_state[f"{P}.path"], st.session_state[f"{P}.at"] = [], 0


def sidebar() -> None:
    """Examples menu, then the decoding settings in the order generate() applies them."""
    sb = st.sidebar
    sb.selectbox("Load an example", list(PRESETS), index=None, key="samp_preset", on_change=_load_preset,
                 placeholder="Choose a preset...")
    sb.subheader("Pipeline (generate()'s order)")
    sb.slider("1 · Repetition penalty", 0.5, 2.0, step=0.05, key=f"{P}.rep",
              help="Seen tokens: positive logits are divided by it, negative ones multiplied. 1 = off.")
    sb.slider("2 · Temperature", 0.0, MAX_TEMPERATURE_UI, step=0.05, key=f"{P}.temperature",
              help="Logits are divided by T. 0 = greedy (argmax, nothing is divided).")
    sb.number_input("3 · Top-k (0 = off)", 0, MAX_TOP_K_UI, step=1, key=f"{P}.top_k",
                    help="Keep only the k most likely tokens. SmolLM2's vocabulary has 49,152.")
    sb.slider("4 · Top-p (1 = off)", 0.0, 1.0, step=0.01, key=f"{P}.top_p",
              help="Keep the smallest set of most likely tokens whose probability adds up to at least p.")
    sb.slider("5 · Min-p (0 = off)", 0.0, 1.0, step=0.01, key=f"{P}.min_p",
              help="Drop tokens whose probability is below min_p x the top token's probability.")
    with sb.expander("Extra penalties (not part of generate())"):
        st.slider("Frequency penalty", -2.0, 2.0, step=0.1, key=f"{P}.freq",
                  help="OpenAI-style: logit -= penalty x times the token was generated.")
        st.slider("Presence penalty", -2.0, 2.0, step=0.1, key=f"{P}.pres",
                  help="OpenAI-style: logit -= penalty once a token has been generated.")
    sb.subheader("Randomness")
    sb.number_input("Seed", 0, 2**31 - 1, step=1, key=f"{P}.seed",
                    help="Same seed + same settings = the same tokens, exactly as model.generate().")
    sb.number_input(f"Tokens per Sample/Greedy click (max {MAX_NEW_TOKENS})", 1, MAX_NEW_TOKENS,
                    step=1, key=f"{P}.n_new")
