"""Tokenizer inspector, decode mode: pasted IDs read back by every chosen tokenizer."""
from __future__ import annotations

import streamlit as st

from explorer.tokenizers.chips import piece_strip
from explorer.tokenizers.decode import parse_ids
from pages.tokenizer import cache
from pages.tokenizer.picker import title


def show(keys: list[str]) -> None:
    """The IDs box, then the same IDs decoded in each vocabulary."""
    st.text_area("Token IDs (commas or spaces)", key="tok.ids", height=80)
    if not keys:
        return
    try:
        ids = parse_ids(st.session_state["tok.ids"])
    except ValueError as err:
        st.error(str(err))
        return
    st.caption("The same IDs mean different text in each vocabulary.")
    for key in keys:
        with st.container(border=True):
            try:
                dec = cache.decode(key, tuple(ids))
            except cache.LOAD_ERRORS as err:
                st.error(f"**{title(key)}**: {err}")
                continue
            st.markdown(f"**{title(key)}**")
            st.html(piece_strip(dec.pieces, dec.raw, dec.ids))
            st.code(dec.shown, language=None)
