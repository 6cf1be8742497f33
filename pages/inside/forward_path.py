"""Section 1: the forward pass stage by stage, with shapes, real numbers and links to the deeper pages."""
from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.core.markdown import escape_md
from explorer.inside import figures as F
from explorer.inside.walk import Walk
from pages.inside import links

P = "inside"
PLOT = {"displaylogo": False}


def token_options(tokens: tuple[str, ...]):
    """Options and label function for a 'which token' selectbox (-1 = automatic)."""
    def fmt(i: int) -> str:
        return "the last token" if i < 0 else f"{i}: {tokens[i]!r}"
    return [-1, *range(len(tokens))], fmt


def clamp_controls(layers: int, heads: int, n: int) -> None:
    """Keep layer, head and token choices inside this model and prompt before their widgets are drawn."""
    for field, count in (("layer", layers), ("head", heads)):
        st.session_state[f"{P}.{field}"] = min(max(int(st.session_state[f"{P}.{field}"]), 0), count - 1)
    for field in ("pos", "key"):
        if not -1 <= int(st.session_state[f"{P}.{field}"]) < n:
            st.session_state[f"{P}.{field}"] = -1


def controls(layers: int, heads: int, tokens: tuple[str, ...]) -> None:
    """Which block to open, which head to show and which token to follow."""
    cols = st.columns([3, 2, 3])
    cols[0].slider("Block to open", 0, max(layers - 1, 1), key=f"{P}.layer", disabled=layers < 2)
    cols[1].slider("Head", 0, max(heads - 1, 1), key=f"{P}.head", disabled=heads < 2)
    options, fmt = token_options(tokens)
    cols[2].selectbox("Token to follow", options, key=f"{P}.pos", format_func=fmt)


def _numbers(values: np.ndarray) -> str:
    if np.issubdtype(values.dtype, np.integer):
        return ", ".join(str(int(v)) for v in values)
    return ", ".join(f"{v:.4g}" for v in values) + (" …" if values.size else "")


def stage_table(walk: Walk) -> None:
    """Every stage as one row: step, tensor shape with its dimensions, real numbers, what happens."""
    rows = [{"step": escape_md(s.name), "shape": escape_md(" × ".join(str(d) for d in s.shape) + " " + s.dims),
             "numbers at the followed token": escape_md(_numbers(s.values)), "what happens": escape_md(s.what)}
            for s in walk.stages]
    st.table(rows, border="horizontal", hide_index=True)


def show(walk: Walk, state) -> None:
    """The stage table, the head's attention row, the next-token bar chart and the deeper links."""
    p = walk.position
    st.markdown(f"Following token **{p}** of {len(walk.tokens)} through block **{walk.layer}**, "
                f"head **{walk.head}**. Every number below comes from the model's real weights.")
    stage_table(walk)
    st.caption(f"Block {walk.layer} was recomputed here from its weights alone (RMSNorm, projections, RoPE, "
               f"softmax, SwiGLU, residual adds); it matches the model's own hidden state to within "
               f"{walk.gap:.1e} (float32 rounding).")
    row = st.columns(3)
    links.show(row[0], "tokenizer", state)
    links.show(row[1], "attention", state, walk.layer, walk.head)
    links.show(row[2], "sampling", state)
    left, right = st.columns(2)
    left.plotly_chart(F.attention_row_figure(walk), width="stretch", config=PLOT, key="inside_attn_row")
    right.plotly_chart(F.next_token_figure(walk), width="stretch", config=PLOT, key="inside_next")
    if p != len(walk.tokens) - 1:
        st.caption(f"The next-token guess is the one after token {p}; pick *the last token* to see what the "
                   "model would write after the whole prompt.")
