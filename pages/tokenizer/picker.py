"""Tokenizer inspector picker: which tokenizers to compare (built-in or hub), and the notes' presets."""
from __future__ import annotations

import streamlit as st

from explorer.core.markdown import escape_md
from explorer.core.models import SPECS
from explorer.core.sources import check_hub_id
from explorer.core.state import options
from explorer.tokenizers.presets import PRESETS
from explorer.tokenizers.state import MAX_TOKENIZERS, TokenizerState
from pages.shared import url_state

PRESET_TOKENIZERS = {"npl": ["bert", "gpt2", "cl100k", "phi3"],
                     "unbelievable": ["bert", "gpt2", "o200k", "phi3"],
                     "unstoppable": ["gpt2", "smollm2-tok", "bert", "phi3"],
                     "padding": ["bert", "gpt2"],
                     "number": ["gpt2", "cl100k", "qwen3", "bert"],
                     "multilingual": ["gpt2", "o200k", "bert", "phi3"],
                     "control": ["gpt2", "cl100k", "bert", "smollm2-tok"],
                     "injection": []}  # chat mode: SmolLM2's template
BOX = {"compare": "tok.text", "batch": "tok.batch", "chat": "tok.user"}  # where a preset's text goes


def title(key: str) -> str:
    """Menu label for a tokenizer key."""
    return SPECS[key].title if key in SPECS else key.removeprefix("hub:")


def _load_preset() -> None:
    """Callback: copy the chosen preset into the widgets (before they are drawn)."""
    key = st.session_state.get("tok_preset")
    if key not in PRESETS:
        return
    preset = PRESETS[key]
    st.session_state["tok.mode"] = preset.mode
    st.session_state[BOX[preset.mode]] = preset.text
    if PRESET_TOKENIZERS[key]:
        st.session_state["tok.tk"] = PRESET_TOKENIZERS[key]
    st.session_state["tok_preset"] = None


def show(mode: str) -> list[str]:
    """Tokenizer menu, hub id box and preset menu; returns the keys to run (hub ones as 'hub:<id>')."""
    left, right = st.columns([3, 2])
    if mode == "chat":  # the chat template is SmolLM2's alone
        left.caption("Tokenizer: SmolLM2 BPE (the only built-in one with a chat template).")
    else:
        left.multiselect(f"Tokenizers (up to {MAX_TOKENIZERS})", options(TokenizerState, "tk"), format_func=title,
                         key="tok.tk", max_selections=MAX_TOKENIZERS)
        with left.expander("Add a tokenizer from the Hugging Face hub (needs internet)"):
            url_state.text_input(st, "Hub id, e.g. google-bert/bert-base-cased", TokenizerState, "tok", "hub")
    right.selectbox("Load an example from the notes", list(PRESETS), index=None,
                    format_func=lambda k: PRESETS[k].label, key="tok_preset", on_change=_load_preset,
                    placeholder="Choose a preset...")
    if mode == "chat":
        return []
    keys = list(st.session_state["tok.tk"])
    hub = st.session_state["tok.hub"].strip()
    if hub:
        try:
            keys.append("hub:" + check_hub_id(hub))
        except ValueError as err:
            st.error(escape_md(err))
    if not keys:
        st.warning("Pick at least one tokenizer above.")
    return keys
