"""Sampling lab prompt box: the text, the chat-template and control-token switches, and notices about both."""
from __future__ import annotations

import streamlit as st

from explorer.core.encoding import typed_controls
from explorer.core.markdown import escape_md
from explorer.sampling.generation import Prompt
from explorer.sampling.state import SamplingState
from pages.sampling import cache, chat_turns
from pages.shared import control_tokens
from pages.shared.url_state import text_area

P = "samp"
CONTEXT_WINDOW = 8192  # SmolLM2-135M's, stated in the warning


def show(on_engine: bool = False) -> Prompt | None:
    """Prompt widgets; returns the encoded Prompt, or None after showing why not."""
    text_area(st, "Prompt", SamplingState, P, "prompt", height=80,
              help="Plain text the model continues, or a user message wrapped in the chat template.")
    left, right = st.columns([1, 2])
    left.toggle("Wrap in SmolLM2's chat template", key=f"{P}.chat")
    mode = control_tokens.switch(right, SamplingState, P)
    text, chat = st.session_state.get(f"{P}.prompt", ""), bool(st.session_state.get(f"{P}.chat"))
    if not text.strip():
        st.warning("The prompt is empty: type something for the model to continue (or load an example).")
        return None
    try:
        prompt = cache.prompt(text, chat, mode)
        readings = cache.chat_readings(text) if chat and typed_controls(cache.tokenizer(), text) else None
    except ValueError as err:
        st.error(f"The prompt cannot be encoded: {escape_md(err)}")
        return None
    control_tokens.notice(st, cache.tokenizer(), text, mode, "SmolLM2")
    if readings is not None:
        chat_turns.show(readings, mode, on_engine)
    elif on_engine and mode == "text" and typed_controls(cache.tokenizer(), text):
        st.info("On the engine this switch does not apply: the engine tokenizes the text itself, and "
                "llama.cpp's server and vLLM read control-token text as control tokens.", icon=":material/dns:")
    if prompt.total > CONTEXT_WINDOW:
        st.warning(f"Your prompt is {prompt.total:,} tokens, longer than SmolLM2's context window "
                   f"({CONTEXT_WINDOW:,}).")
    if prompt.truncated:
        st.info(f"The lab keeps the last {len(prompt.ids):,} of {prompt.total:,} prompt tokens "
                f"({prompt.truncated:,} dropped from the start) so each step stays fast on a CPU.")
    return prompt
