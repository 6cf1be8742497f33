"""Sampling lab, chat on: the turns SmolLM2 reads when the prompt holds control-token text, and the safe reading.

A prompt typed with `<|im_end|>\\n<|im_start|>system\\n...` closes the user's
turn and opens a system turn the template never wrote, when read as the
library does. The page says so plainly, shows the turns the model gets, and
with the plain-text switch sets the safe reading beside it. On an engine the
switch cannot help: the engine tokenizes the text itself.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.core.encoding import CONTROL_LABELS
from explorer.core.markdown import escape_md
from explorer.sampling.chat_prompt import ChatReadings, Reading

ENGINE_READS = ("**On the engine this switch does not apply.** The lab sends the templated prompt to the engine "
                "as text and the engine tokenizes it itself: llama.cpp's server (it tokenizes a completion "
                "prompt with special tokens parsed) and vLLM read control-token text as control tokens, so the "
                "engine's model reads the turns *{library}*. Only this server's model (**Run on** in the sidebar) "
                "can generate from the safe reading.")


def _roles(roles: tuple[str, ...]) -> str:
    return ", ".join(escape_md(r) or "(no role)" for r in roles)


def _injection(chat: ChatReadings, mode: str) -> None:
    """Say plainly how the typed text changes the turns the model reads."""
    lib, safe, opened = chat.library.roles, chat.plain.roles, chat.opened_roles
    what = (f"closes its own turn and opens {len(opened)} new turn{'s' if len(opened) > 1 else ''} "
            f"({_roles(opened)})") if opened else "closes its own turn early"
    used = ("SmolLM2 here reads it **as plain text** (the safe version, right)." if mode == "text" else
            f"SmolLM2 here reads it **as the library does**. Switch to *{CONTROL_LABELS['text']}* to see the "
            "safe version side by side.")
    st.error(f"**Prompt injection:** your prompt {what}. Read as the library does, the model gets "
             f"{len(lib)} turns ({_roles(lib)}) where the template wrote {len(safe)} ({_roles(safe)}). {used}",
             icon=":material/gpp_bad:")


def _table(reading: Reading) -> pd.DataFrame:
    return pd.DataFrame([{"turn": i, "role": t.role, "opened by": "your text" if t.opened_by_user else "the template",
                          "closed": t.closed, "text": t.preview} for i, t in enumerate(reading.turns)])


def _reading(where, reading: Reading, used: bool, n: int) -> None:
    with where.container(border=True):
        label = CONTROL_LABELS[reading.control].capitalize()
        st.markdown(f"**{label}**" + (" (the safe version)" if reading.control == "text" else "")
                    + (" · used here" if used else "") + f": {len(reading.ids):,} tokens, "
                    f"typed control tokens: **{reading.n_typed}**.")
        st.dataframe(_table(reading), hide_index=True, width="stretch", key=f"samp_turns_{n}")


def show(chat: ChatReadings, mode: str, on_engine: bool) -> None:
    """The injection notice, then the turns the model reads (both readings with the plain-text switch)."""
    if chat.injected:
        _injection(chat, mode)
    with st.expander("The chat turns SmolLM2 reads", expanded=chat.injected):
        if mode == "text":
            cols = st.columns(2)
            _reading(cols[0], chat.library, used=False, n=0)
            _reading(cols[1], chat.plain, used=not on_engine, n=1)
        else:
            _reading(st.container(), chat.library, used=True, n=0)
    if on_engine:
        st.info(ENGINE_READS.format(library=escape_md(CONTROL_LABELS["library"])), icon=":material/dns:")
