"""Sampling lab prompt box: the text, the chat-template switch, and notices about its length."""
from __future__ import annotations

import streamlit as st

from explorer.sampling.generation import Prompt
from explorer.sampling.state import MAX_PROMPT_CHARS
from pages.sampling import cache

P = "samp"
CONTEXT_WINDOW = 8192  # SmolLM2-135M's, stated in the warning


def show() -> Prompt | None:
    """Prompt widgets; returns the encoded Prompt, or None after showing why not."""
    st.text_area("Prompt", key=f"{P}.prompt", height=80, max_chars=MAX_PROMPT_CHARS,
                 help="Plain text the model continues, or a user message wrapped in the chat template.")
    st.toggle("Wrap in SmolLM2's chat template", key=f"{P}.chat")
    text = st.session_state.get(f"{P}.prompt", "")
    if not text.strip():
        st.warning("The prompt is empty: type something for the model to continue (or load an example).")
        return None
    prompt = cache.prompt(text, bool(st.session_state.get(f"{P}.chat")))
    if prompt.total > CONTEXT_WINDOW:
        st.warning(f"Your prompt is {prompt.total:,} tokens, longer than SmolLM2's context window "
                   f"({CONTEXT_WINDOW:,}).")
    if prompt.truncated:
        st.info(f"The lab keeps the last {len(prompt.ids):,} of {prompt.total:,} prompt tokens "
                f"({prompt.truncated:,} dropped from the start) so each step stays fast on a CPU.")
    return prompt
