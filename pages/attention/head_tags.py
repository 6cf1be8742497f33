"""Head patterns, measured: a tag per head, and the notes' claim about recent tokens checked."""
from __future__ import annotations

import streamlit as st

from explorer.attention import figures
from explorer.attention.extract import Attention
from pages.attention import cache
from pages.attention.charts import show_chart


def show(att: Attention, key: cache.RunKey) -> None:
    """The layers x heads map of tags, how many heads carry each, and what that says about the notes."""
    if len(att.tokens) < 3:
        st.info("Head patterns need at least 3 tokens.")
        return
    pats = cache.head_patterns(key)
    counts = pats.count()
    layers, heads, _ = att.shape
    show_chart(figures.tags_figure(pats.tags, pats.scores), "attn_tags")
    summary = " · ".join(f"{name}: {counts.get(name, 0)}" for name in figures.TAG_COLORS)
    st.markdown(f"Of {layers * heads} heads: {summary}. A tag needs ≥ 50% of a head's mass on that pattern "
                "(broad: row entropy ≥ 75% of the maximum).")
    st.caption(f"The notes say recent tokens get more attention. Measured on this text: "
               f"{counts.get('previous-token', 0)} heads mostly look one token back, while "
               f"{counts.get('first-token/sink', 0)} mostly look at [CLS]/[SEP]/the first token. "
               "Attention is not explanation: a weight says where a head reads from, not why the "
               "model answers as it does.")
