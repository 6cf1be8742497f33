"""Tokenizer inspector, decode mode: pasted IDs read back by every chosen tokenizer."""
from __future__ import annotations

import streamlit as st

from explorer.core.markdown import escape_md
from explorer.tokenizers.chips import piece_strip
from explorer.tokenizers.decode import parse_ids
from explorer.tokenizers.state import TokenizerState
from pages.shared import url_state
from pages.tokenizer import cache
from pages.tokenizer.picker import title


def show(keys: list[str]) -> None:
    """The IDs box, then the same IDs decoded in each vocabulary."""
    url_state.text_area(st, "Token IDs (commas or spaces)", TokenizerState, "tok", "ids", height=80)
    if not keys:
        return
    try:
        ids = parse_ids(st.session_state["tok.ids"])
    except ValueError as err:
        st.error(escape_md(err))
        return
    st.caption("The same IDs mean different text in each vocabulary.")
    for key in keys:
        with st.container(border=True):
            try:
                dec = cache.decode(key, tuple(ids))
            except cache.LOAD_ERRORS as err:
                st.error(f"**{escape_md(title(key))}**: {escape_md(err)}")
                continue
            st.markdown(f"**{escape_md(title(key))}**")
            st.html(piece_strip(dec.pieces, dec.raw, dec.ids))
            st.code(dec.shown, language=None)
