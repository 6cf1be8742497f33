"""Tokenizer inspector, chat mode: SmolLM2's chat template around a message, token by token.

When the message holds control-token text (`<|im_end|>`, `<|im_start|>system`),
the page shows the turns the model will read and says plainly when the message
closed its own turn or opened another role; with the plain-text switch it sets
the safe reading beside the library's.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.core.encoding import CONTROL_LABELS
from explorer.core.markdown import escape_md
from explorer.tokenizers.chat import ChatView, Reading
from explorer.tokenizers.chips import piece_strip
from explorer.tokenizers.state import TokenizerState
from pages.shared import control_tokens, url_state
from pages.tokenizer import cache

SS = st.session_state
KEY = "smollm2-tok"
REFERENCE = {"library": "apply_chat_template(tokenize=True)",
             "text": "apply_chat_template(tokenize=True, sanitize_control_tokens=True)"}


def show() -> None:
    """Message, system prompt and switches, then what the model sees (both readings with the plain-text switch)."""
    st.markdown("An instruct model sees your message wrapped in its **chat template**. "
                "Here is SmolLM2-135M-Instruct's, token by token.")
    url_state.text_area(st, "User message", TokenizerState, "tok", "user", height=80)
    url_state.text_input(st, "System prompt (empty: the template's default)", TokenizerState, "tok", "system")
    left, right = st.columns(2)
    left.toggle("Add the assistant's turn (add_generation_prompt)", key="tok.genprompt")
    mode = control_tokens.switch(right, TokenizerState, "tok")
    try:
        view = cache.chat(KEY, SS["tok.user"], SS["tok.system"], SS["tok.genprompt"])
    except cache.LOAD_ERRORS as err:
        st.error(escape_md(err))
        return
    tok = cache.adapter(KEY).obj
    control_tokens.notice(st, tok, SS["tok.system"] + "\n" + SS["tok.user"], mode, "SmolLM2 BPE")
    _injection(view, mode)
    if mode == "text":
        cols = st.columns(2)
        _reading(cols[0], view.library, n=0)
        _reading(cols[1], view.plain, n=1)
    else:
        _reading(st.container(), view.library, n=0)
    st.caption("The exact string the template renders:")
    st.code(view.rendered, language=None)


def _roles(roles: tuple[str, ...]) -> str:
    return ", ".join(escape_md(r) or "(no role)" for r in roles)


def _injection(view: ChatView, mode: str) -> None:
    """Say plainly when typed control tokens change the turns the model reads."""
    if not view.injected:
        return
    lib, safe = view.library.roles, view.plain.roles
    opened = view.opened_roles
    what = (f"closes its own turn and opens {len(opened)} new turn{'s' if len(opened) > 1 else ''} "
            f"({_roles(opened)})") if opened else "closes its own turn early"
    st.error(f"**Prompt injection:** your text {what}. Read as the library does, the model gets "
             f"{len(lib)} turns ({_roles(lib)}) where the template wrote {len(safe)} ({_roles(safe)}).",
             icon=":material/gpp_bad:")
    if mode == "library":
        st.caption(f"Switch to *{CONTROL_LABELS['text']}* to see the safe version side by side.")


def _reading(where, reading: Reading, n: int) -> None:
    """One reading: counts, parity with transformers, the chips and the turns the model reads."""
    with where.container(border=True):
        st.markdown(f"**{CONTROL_LABELS[reading.control].capitalize()}**"
                    + (" (the safe version)" if reading.control == "text" else ""))
        st.markdown(f"Your text is **{reading.n_user}** tokens; the template adds "
                    f"**{reading.n_template}** more (underlined in red) · typed control tokens: "
                    f"**{reading.tokens.n_typed}**. Same IDs as `{REFERENCE[reading.control]}`: "
                    f"**{reading.matches_reference}**.")
        tokens = reading.tokens
        st.html(piece_strip(tokens.pieces, tokens.raw, tokens.ids, ~reading.from_user, marks=tokens))
        if reading.turns:
            st.caption("The turns as the model reads them:")
            st.dataframe(_turns_table(reading), hide_index=True, width="stretch", key=f"tok_turns_{n}")


def _turns_table(reading: Reading) -> pd.DataFrame:
    return pd.DataFrame([{"turn": i, "role": t.role, "opened by": "your text" if t.opened_by_user else "the template",
                          "closed": t.closed, "text": t.preview} for i, t in enumerate(reading.turns)])
