"""Compare: the same view for a second sentence, or with one token masked, and B − A."""
from __future__ import annotations

import streamlit as st

from explorer.attention import figures
from explorer.attention.compare import compare
from explorer.attention.extract import Attention
from explorer.attention.state import COMPARE, AttentionState
from explorer.core.markdown import escape_md
from explorer.core.models import Loaded
from pages.attention.charts import show_chart
from pages.attention.focus import token_md
from pages.attention.inputs import position_options, run, run_key
from pages.shared import control_tokens, url_state

P = "attn"


def controls(n: int, fmt) -> None:
    """The Compare widgets; drawn on every run (before any st.stop) so their state survives."""
    mode = st.session_state.get(f"{P}.compare", "off")
    st.radio("Compare with", COMPARE, key=f"{P}.compare", horizontal=True)
    url_state.text_area(st, "Second sentence (B)", AttentionState, P, "text_b", height=68,
                        disabled=mode != "second sentence")
    st.selectbox("Token to mask", position_options(n), key=f"{P}.mask", disabled=mode != "mask a token",
                 format_func=lambda i: "pick a token" if i < 0 else fmt(i))


def show(att: Attention, state, loaded: Loaded) -> None:
    """Run B (the second sentence, or this text with a token masked) and draw A, B and B − A."""
    if state.compare == "second sentence":
        control_tokens.notice(st, loaded.obj[1], state.text_b, state.control, "Second sentence")
        other = run(run_key(state, state.text_b))
        if other is not None:
            _figures(att, other, state, "the second sentence")
    elif state.compare == "mask a token" and state.mask >= 0:
        other = run(run_key(state, state.text, state.mask))
        if other is not None:
            st.caption(f"Token {state.mask} (“{token_md(att.tokens[state.mask])}”) {escape_md(other.masked)}.")
            _figures(att, other, state, f"token {state.mask} masked")


def _figures(a: Attention, b: Attention, state, label_b: str) -> None:
    """A and B side by side, then B − A when both have the same length."""
    cmp = compare(a, b, state.show, state.layer, state.head, state.sinks)
    left, right = st.columns(2)
    show_chart(figures.heatmap(cmp.a, a.tokens, title="A: the text above", causal=a.causal, height=420),
               "attn_cmp_a", left)
    show_chart(figures.heatmap(cmp.b, b.tokens, title=f"B: {label_b}", causal=b.causal, height=420),
               "attn_cmp_b", right)
    if not cmp.same_length:
        st.info(f"A has {len(a.tokens)} tokens and B has {len(b.tokens)}: a difference needs the same "
                "length (try changing one word).")
        return
    show_chart(figures.heatmap(cmp.diff, b.tokens, title="B − A (red: B looks more, blue: less)",
                               diverging=True, causal=a.causal, height=460), "attn_cmp_d")
    st.caption(f"Largest change: {cmp.largest:.3f} · total moved per row (mean): {cmp.moved:.3f}")
