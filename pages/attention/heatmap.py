"""The big heatmap of one view (a head, a mean/max of heads, rollout), or top-k edges for long text."""
from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.attention import figures
from explorer.attention.extract import Attention, sink_positions
from explorer.attention.matrices import to_csv, top_k_edges, view_matrix
from pages.attention import cache
from pages.attention.charts import show_chart

LONG_AT = 128  # 'auto' switches to top-k edges above this many tokens


def matrix(att: Attention, state, key: cache.RunKey) -> np.ndarray:
    """The [query, key] matrix for the current view settings."""
    rolled = cache.rollout(key) if state.show == "rollout" else None
    return view_matrix(att, state.show, state.layer, state.head, state.sinks, rolled)


def _title(state) -> str:
    if state.show == "head":
        return f"Layer {state.layer}, head {state.head}"
    if state.show == "rollout":
        return f"Attention rollout through layers 0..{state.layer}"
    return f"Layer {state.layer}, {state.show}"


def show(att: Attention, state, key: cache.RunKey) -> None:
    """One big heatmap, or top-k edges for long inputs; CSV download."""
    mat = matrix(att, state, key)
    n = len(att.tokens)
    if state.long == "top-k" or (state.long == "auto" and n > LONG_AT):
        edges = top_k_edges(mat, state.k)
        st.caption(f"Top-{state.k} keys per query: {len(edges.weight):,} of {edges.cells:,} cells, carrying "
                   f"{edges.kept_mass:.0%} of the attention. Switch *Long inputs* to *full* for every cell.")
        fig = figures.edges_figure(edges.query, edges.key, edges.weight, att.tokens, title=_title(state))
    else:
        hidden = sink_positions(att) if state.sinks else None
        fig = figures.heatmap(mat, att.tokens, title=_title(state), causal=att.causal, hidden=hidden,
                              height=min(900, 260 + 18 * n))
    show_chart(fig, "attn_main")
    if att.causal:
        st.caption("Grey upper triangle: future tokens, masked out before the softmax (weight exactly 0).")
    if state.sinks:
        st.caption("Grey columns: hidden sink tokens; each row was renormalised to sum to 1 again.")
    st.download_button("Download this matrix as CSV", to_csv(mat, att.tokens), "attention.csv",
                       "text/csv", key="attn_csv",
                       help="For a PNG, use the camera icon that appears at the top right of any chart.")
