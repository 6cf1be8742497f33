"""bertviz's own head view or model view of the run, drawn offline in an iframe."""
from __future__ import annotations

import streamlit as st

from explorer.attention.extract import Attention
from explorer.attention.seq2seq import CrossAttention
from pages.attention import cache

HEAD_HELP = ("Hover a token to see where it looks. Each colour is a head: click a colour to toggle it, "
             "double-click to show only that head (set *Show* to a mean to start with all heads).")


def show(att: Attention | CrossAttention, state, key: cache.RunKey, which: str) -> None:
    """bertviz's 'head' or 'model' view, with what was left out to keep the page small."""
    head = state.head if which == "head" and state.show == "head" else -1
    page = cache.bertviz(key, which, state.layer, head)
    if page.capped:
        st.warning(f"bertviz draws every line in the browser, so it shows the first {page.tokens_shown} of "
                   f"{page.tokens_total} tokens. The heatmap view has no such limit.")
    if len(page.layers) < att.weights.shape[0]:
        st.info(f"Layers {page.layers[0]}..{page.layers[-1]} are included (the page size grows with "
                "layers × heads × tokens²); move the layer slider to see others.")
    st.caption("bertviz (Jesse Vig, Apache-2.0) with d3, jQuery and require.js inlined: no CDN needed. It runs "
               "in a sandbox that allows scripts only, cut off from this app's page. "
               + (HEAD_HELP if which == "head" else "Click a thumbnail to enlarge it."))
    if isinstance(att, CrossAttention):
        st.caption("Left: the decoder's tokens (queries). Right: the encoder's tokens (keys).")
    height = min(1400, 160 + 24 * page.tokens_shown) if which == "head" else 900
    st.iframe(page.framed(f"bertviz {which} view"), height=height)
