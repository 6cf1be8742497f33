"""Cross-attention of an encoder-decoder: decoder tokens (rows) reading encoder tokens (columns)."""
from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.attention import figures
from explorer.attention.matrices import aggregate_heads, hide_columns
from explorer.attention.seq2seq import CrossAttention
from pages.attention import bertviz_view, cache, grid
from pages.attention.charts import show_chart


def matrix(att: CrossAttention, state) -> np.ndarray:
    """[decoder_pos, encoder_pos] for one head, or the mean / max of the layer's heads."""
    if state.show in ("mean of heads", "max of heads"):
        mat = aggregate_heads(att.weights[state.layer:state.layer + 1], state.show.split()[0])[0]
    else:
        mat = att.weights[state.layer, state.head]
    return hide_columns(mat, att.key_special) if state.sinks else np.asarray(mat, np.float32)


def cell(att: CrossAttention, state) -> tuple[int, int]:
    """(decoder query, encoder key) to explain: the chosen ones, else the last decoder token and its top key."""
    n_q, n_k = att.weights.shape[2:]
    query = state.query if 0 <= state.query < n_q else n_q - 1
    key = state.key if 0 <= state.key < n_k else int(np.argmax(att.weights[state.layer, state.head, query]))
    return query, key


def show(att: CrossAttention, state, key: cache.RunKey) -> None:
    """The chosen view of the cross-attention (rollout has no meaning here: it shows the head)."""
    if state.view == "grid":
        grid.show(att, state, key)
        return
    if state.view in ("head view", "model view"):
        bertviz_view.show(att, state, key, "head" if state.view == "head view" else "model")
        return
    if state.show == "rollout":
        st.info("Rollout follows self-attention through the layers; cross-attention has no such path, "
                "so the single head is shown.")
    mat = matrix(att, state)
    title = f"Layer {state.layer}, " + (f"head {state.head}" if state.show in ("head", "rollout") else state.show)
    fig = figures.heatmap(mat, att.query_tokens, key_tokens=att.key_tokens, title=title,
                          hidden=att.key_special if state.sinks else None,
                          height=min(900, 260 + 18 * len(att.query_tokens)))
    show_chart(fig, "attn_cross")
    st.caption("Rows: the decoder's tokens. Columns: the encoder's tokens. No triangle: every decoder "
               "token may read every encoder token.")
