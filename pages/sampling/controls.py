"""Sampling lab: settings sidebar, presets, prompt and the generate buttons (UI only)."""
from __future__ import annotations

import dataclasses

import streamlit as st

from explorer.sampling.generation import MAX_NEW_TOKENS, MAX_PATH, RunConfig
from explorer.sampling.state import MAX_TEMPERATURE_UI, MAX_TOP_K_UI, SamplingState
from pages.sampling import cache

P = "samp"
LAST_PATH = "_samp_last_path"  # transient: the path the last button produced, with its cache key
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


def settings_sidebar() -> None:
    """Decoding settings, in the order generate() applies them."""
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


def prompt_box(state: SamplingState):
    """Prompt widgets; returns the encoded Prompt, or None after showing why not."""
    st.text_area("Prompt", key=f"{P}.prompt", height=80, max_chars=8_000,
                 help="Plain text the model continues, or a user message wrapped in the chat template.")
    st.toggle("Wrap in SmolLM2's chat template", key=f"{P}.chat")
    text = st.session_state.get(f"{P}.prompt", "")
    if not text.strip():
        st.warning("The prompt is empty: type something for the model to continue (or load an example).")
        return None
    prompt = cache.prompt(text, bool(st.session_state.get(f"{P}.chat")))
    if prompt.total > 8192:
        st.warning(f"Your prompt is {prompt.total:,} tokens, longer than SmolLM2's context window (8,192).")
    if prompt.truncated:
        st.info(f"The lab keeps the last {len(prompt.ids):,} of {prompt.total:,} prompt tokens "
                f"({prompt.truncated:,} dropped from the start) so each step stays fast on a CPU.")
    return prompt


def _extend(state: SamplingState, prompt, n: int, greedy: bool) -> None:
    cfg = state.sampling()
    if greedy:  # same penalties, temperature 0
        cfg = dataclasses.replace(cfg, temperature=0.0)
    with st.spinner(f"Generating {n} token(s) with the KV cache..."):
        path = cache.path(prompt.ids, cfg, RunConfig(n, state.seed), state.path_ids())
    st.session_state[f"{P}.path"] = [str(int(t)) for t in path.token_ids]
    if not greedy:  # the strip can show this path as is instead of replaying it once more
        st.session_state[LAST_PATH] = ((prompt.ids, cfg, state.seed, tuple(path.token_ids.tolist())), path)
    st.session_state[f"{P}.at"] = 0
    if path.stopped == "eos":
        st.toast("The model ended its answer (end-of-sequence token).")


def generate_buttons(state: SamplingState, prompt) -> None:
    """Step / Sample / Greedy / Clear; they change the path before the URL is written."""
    cols = st.columns([1, 1, 1, 1, 2])
    full = len(state.path_ids()) >= MAX_PATH
    if cols[0].button("Step", icon=":material/skip_next:", disabled=full, help="One token with the settings"):
        _extend(state, prompt, 1, greedy=False)
    if cols[1].button(f"Sample {state.n_new}", icon=":material/casino:", disabled=full):
        _extend(state, prompt, state.n_new, greedy=False)
    if cols[2].button(f"Greedy {state.n_new}", icon=":material/trending_flat:", disabled=full,
                      help="Always the most likely token (penalties still apply)"):
        _extend(state, prompt, state.n_new, greedy=True)
    if cols[3].button("Clear", icon=":material/restart_alt:"):
        st.session_state[f"{P}.path"], st.session_state[f"{P}.at"] = [], 0
    if full:
        cols[4].warning(f"The path holds its maximum of {MAX_PATH} tokens; rewind or clear to go on.")
