"""More panels of the Attention page: show the work, head tags, compare."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.attention import extract as A
from explorer.attention import figures as F
from explorer.core.figures import safe_label
from pages.attention import cache
from pages.attention.heatmaps import PLOT_CONFIG, model_args, run

P = "attn"


def position_options(n: int) -> list[int]:
    """-1 (automatic) then every position; clamps a stale session value first."""
    for field in ("query", "key", "mask"):
        if st.session_state.get(f"{P}.{field}", -1) >= n:
            st.session_state[f"{P}.{field}"] = -1
    return [-1, *range(n)]


def work_panel(att: A.Attention, state, query: int, key: int) -> None:
    """q.k/sqrt(d) and the softmax row for (layer, head, query), with real numbers."""
    try:
        work = cache.work(*model_args(state), state.text,
                                     state.layer, state.head, query)
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
    st.plotly_chart(F.work_figure(tok, work.weights, work.model_weights, query, key), width="stretch",
                    config=PLOT_CONFIG, key="attn_work")
    table = pd.DataFrame({"key": [f"{i} {t}" for i, t in enumerate(tok)], "q·k": work.dots,
                          "score = q·k/√d": work.scores, "softmax (by hand)": work.weights,
                          "model weight": work.model_weights})
    with st.expander("Every number in this row"):
        st.caption(f"q (first 8 of {work.q.shape[0]}): " + ", ".join(f"{v:.3f}" for v in work.q[:8]))
        st.dataframe(table, hide_index=True, width="stretch")


def tags_panel(att: A.Attention, state) -> None:
    """Measured pattern per head, with the notes' claim about recent tokens checked."""
    if len(att.tokens) < 3:
        st.info("Head patterns need at least 3 tokens.")
        return
    pats = cache.patterns(*model_args(state), state.text)
    counts = pats.count()
    layers, heads, _ = att.shape
    st.plotly_chart(F.tags_figure(pats.tags, pats.scores), width="stretch", config=PLOT_CONFIG, key="attn_tags")
    summary = " · ".join(f"{name}: {counts.get(name, 0)}" for name in F.TAG_COLORS)
    st.markdown(f"Of {layers * heads} heads: {summary}. A tag needs ≥ 50% of a head's mass on that pattern "
                "(broad: row entropy ≥ 75% of the maximum).")
    st.caption(f"The notes say recent tokens get more attention. Measured on this text: "
               f"{counts.get('previous-token', 0)} heads mostly look one token back, while "
               f"{counts.get('first-token/sink', 0)} mostly look at [CLS]/[SEP]/the first token. "
               "Attention is not explanation: a weight says where a head reads from, not why the "
               "model answers as it does.")


def _diff_figures(a: A.Attention, b: A.Attention, state, label_b: str) -> None:
    left, right = st.columns(2)
    mat_a = A.view_matrix(a, state.show if state.show != "rollout" else "head", state.layer, state.head, state.sinks)
    mat_b = A.view_matrix(b, state.show if state.show != "rollout" else "head", state.layer, state.head, state.sinks)
    left.plotly_chart(F.heatmap(mat_a, a.tokens, title="A: the text above", causal=a.causal, height=420),
                      width="stretch", config=PLOT_CONFIG, key="attn_cmp_a")
    right.plotly_chart(F.heatmap(mat_b, b.tokens, title=f"B: {label_b}", causal=b.causal, height=420),
                       width="stretch", config=PLOT_CONFIG, key="attn_cmp_b")
    if mat_a.shape != mat_b.shape:
        st.info(f"A has {len(a.tokens)} tokens and B has {len(b.tokens)}: a difference needs the same "
                "length (try changing one word).")
        return
    diff = mat_b - mat_a
    st.plotly_chart(F.heatmap(diff, b.tokens, title="B − A (red: B looks more, blue: less)", diverging=True,
                              causal=a.causal, height=460), width="stretch", config=PLOT_CONFIG, key="attn_cmp_d")
    st.caption(f"Largest change: {abs(diff).max():.3f} · total moved per row (mean): "
               f"{abs(diff).sum(1).mean() / 2:.3f}")


def compare_controls(container, n: int, fmt) -> None:
    """The Compare widgets; drawn on every run (before any st.stop) so their state survives."""
    mode = st.session_state.get(f"{P}.compare", "off")
    container.radio("Compare with", ("off", "second sentence", "mask a token"), key=f"{P}.compare",
                    horizontal=True)
    container.text_area("Second sentence (B)", key=f"{P}.text_b", max_chars=6_000, height=68,
                        disabled=mode != "second sentence")
    container.selectbox("Token to mask", position_options(n), key=f"{P}.mask", disabled=mode != "mask a token",
                        format_func=lambda i: "pick a token" if i < 0 else fmt(i))


def compare_panel(att: A.Attention, state) -> None:
    """Same view for a second sentence, or with one token masked, and B − A."""
    if state.compare == "second sentence":
        other = run(state, state.text_b)
        if other is not None:
            _diff_figures(att, other, state, "the second sentence")
    elif state.compare == "mask a token" and state.mask >= 0:
        other = run(state, state.text, state.mask)
        if other is not None:
            st.caption(f"Token {state.mask} ({att.tokens[state.mask]!r}) {other.masked}.")
            _diff_figures(att, other, state, f"token {state.mask} masked")

