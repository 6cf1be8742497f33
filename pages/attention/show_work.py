"""Show the work for one cell: q·k/√d and the softmax row, recomputed by hand beside the model's weights."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.attention import figures
from explorer.attention.extract import Attention
from explorer.core.figures import safe_label
from pages.attention import cache
from pages.attention.charts import show_chart
from pages.attention.inputs import model_args


def show(att: Attention, state, query: int, key: int) -> None:
    """q.k/sqrt(d) and the softmax row for (layer, head, query), with real numbers."""
    try:
        work = cache.work(*model_args(state), state.text, state.layer, state.head, query)
    except ValueError as err:
        st.info(f"Show-the-work is not available here: {err}")
        return
    tok = att.tokens
    rope = " after rotating both by RoPE (their positions)" if work.rope else ""
    shared = f" SmolLM2 shares key heads: query head {state.head} reads key head {work.kv_head}." \
        if att.kv_heads != att.shape[1] else ""
    st.markdown(
        f"Layer {state.layer}, head {state.head}: query vector **q** of token {query} "
        f"({safe_label(tok[query].strip())}) and key vector **k** of token {key} "
        f"({safe_label(tok[key].strip())}, orange bar), {work.q.shape[0]} numbers each{rope}.{shared}\n\n"
        f"q·k = **{work.dots[key]:.3f}**, × 1/√{work.q.shape[0]} = {work.scale:.4f} → score "
        f"**{work.scores[key]:.3f}**. Softmax over the row: e^score / Σ e^score = **{work.weights[key]:.4f}**; "
        f"the model's own weight is {work.model_weights[key]:.4f} (largest gap in the row {work.max_abs_error:.1e}).")
    show_chart(figures.work_figure(tok, work.weights, work.model_weights, query, key), "attn_work")
    table = pd.DataFrame({"key": [f"{i} {t}" for i, t in enumerate(tok)], "q·k": work.dots,
                          "score = q·k/√d": work.scores, "softmax (by hand)": work.weights,
                          "model weight": work.model_weights})
    with st.expander("Every number in this row"):
        st.caption(f"q (first 8 of {work.q.shape[0]}): " + ", ".join(f"{v:.3f}" for v in work.q[:8]))
        st.dataframe(table, hide_index=True, width="stretch")
