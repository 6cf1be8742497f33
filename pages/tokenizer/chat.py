"""Tokenizer inspector, chat mode: SmolLM2's chat template around a message, token by token."""
from __future__ import annotations

import streamlit as st

from explorer.tokenizers.chips import piece_strip
from pages.tokenizer import cache

SS = st.session_state


def show() -> None:
    """Message, system prompt and generation-prompt switch, then what the model sees."""
    st.markdown("An instruct model sees your message wrapped in its **chat template**. "
                "Here is SmolLM2-135M-Instruct's, token by token.")
    st.text_area("User message", key="tok.user", height=80)
    st.text_input("System prompt (empty: the template's default)", key="tok.system")
    st.toggle("Add the assistant's turn (add_generation_prompt)", key="tok.genprompt")
    try:
        view = cache.chat("smollm2-tok", SS["tok.user"], SS["tok.system"], SS["tok.genprompt"])
    except cache.LOAD_ERRORS as err:
        st.error(str(err))
        return
    st.markdown(f"Your message is **{view.n_user}** tokens; the template adds "
                f"**{view.n_template}** more (underlined in red). "
                f"Same IDs as `apply_chat_template(tokenize=True)`: **{view.matches_template}**.")
    st.html(piece_strip(view.tokens.pieces, view.tokens.raw, view.tokens.ids, ~view.from_user))
    st.caption("The exact string the template renders:")
    st.code(view.rendered, language=None)
