"""Every head of the model as a thumbnail, layers x heads; a click opens one as the big heatmap."""
from __future__ import annotations

import streamlit as st

from explorer.attention import figures
from explorer.attention.extract import Attention
from explorer.attention.seq2seq import CrossAttention
from pages.attention import cache
from pages.attention.charts import show_chart

P = "attn"


def _pick() -> None:
    """Callback: a click on a thumbnail selects and enlarges that head."""
    points = st.session_state["attn_grid"].selection.get("points", [])
    heads = st.session_state.get("_attn_heads", 1)
    marks = [p for p in points if p.get("curve_number") == 1]  # curve 1: one marker per head, row-major
    if marks:
        index = int(marks[0]["point_index"])
        st.session_state[f"{P}.layer"], st.session_state[f"{P}.head"] = divmod(index, heads)
        st.session_state[f"{P}.view"], st.session_state[f"{P}.show"] = "heatmap", "head"


def show(att: Attention | CrossAttention, state, key: cache.RunKey) -> None:
    """Every head as a thumbnail, tagged with its measured pattern (self-attention); a click enlarges it."""
    st.session_state["_attn_heads"] = att.weights.shape[1]
    self_attention = isinstance(att, Attention) and len(att.tokens) >= 3
    tags = cache.head_patterns(key).tags if self_attention else None
    fig = figures.grid_figure(att.weights, tags, selected=(state.layer, state.head))
    st.caption("Rows are layers, columns are heads. Click a thumbnail to open it as the big heatmap.")
    show_chart(fig, "attn_grid", on_select=_pick, selection_mode="points")
