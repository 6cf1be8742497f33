"""Analogy mode: a − b + c with the inputs excluded, and the parallelogram in a PCA picture."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.embeddings import figures
from explorer.embeddings.arithmetic import Analogy, analogy_points, offset_cosine, solve_analogy
from explorer.core.markdown import escape_md as md
from explorer.embeddings.presets import ANALOGIES
from explorer.embeddings.state import EmbeddingsState
from explorer.embeddings.words import UnitSpace
from pages.embeddings import cache
from pages.embeddings.typed_words import known_words
from pages.shared import url_state


def _set_analogy() -> None:
    """Callback: copy the chosen preset analogy into the three boxes."""
    a, b, c = ANALOGIES[st.session_state["emb_analogy"]]
    st.session_state.update({"emb.a": a, "emb.b": b, "emb.c": c})


def show(state, space: UnitSpace) -> None:
    """The three words, the answers, and the picture with what it hides."""
    st.selectbox("Preset", list(ANALOGIES), index=None, key="emb_analogy", on_change=_set_analogy,
                 placeholder="Load a preset analogy...")
    cols = st.columns([3, 3, 3, 2])
    for col, label, name in zip(cols, ("a", "minus b", "plus c"), "abc"):
        url_state.text_input(col, label, EmbeddingsState, "emb", name)
    url_state.slider(cols[3], "answers", EmbeddingsState, "emb", "topk")
    if not known_words(f"{state.a} {state.b} {state.c}") or \
            len({state.a.strip().lower(), state.b.strip().lower(), state.c.strip().lower()}) < 3:
        st.warning("Give three different words that GloVe knows.")
        return
    try:
        result = solve_analogy(space, state.a, state.b, state.c, state.topk)
    except KeyError as err:
        st.warning(f"GloVe has no single word “{md(str(err.args[0]))}”: put one word in each box.")
        return
    st.success(f"**{md(result.a)} − {md(result.b)} + {md(result.c)} ≈ {md(result.words[0])}** "
               f"(cosine {result.scores[0]:.3f})")
    st.caption(f"Input words are excluded. Without that rule the top answers would be "
               f"{md(', '.join(result.with_inputs))}: the sum usually stays closest to one of "
               "its inputs.")
    st.dataframe(pd.DataFrame({"answer": result.words, "cosine": result.scores}).round(4),
                 hide_index=True, width="content")
    _picture(state, space, result)


def _picture(state, space: UnitSpace, result: Analogy) -> None:
    """PCA of the unit vectors (a parallelogram stays one), and how parallel the offsets really are."""
    points = analogy_points(space, result)
    st.radio("Dimensions", [2, 3], key="emb.dims", horizontal=True)
    proj = cache.project(points.unit, "pca", state.dims, state.seed, 15, 0.1, 30.0, "cosine")
    st.plotly_chart(figures.analogy_figure(proj.coords, list(points.labels), list(points.roles)),
                    width="stretch", key="emb_analogy_chart")
    st.caption(f"PCA of these {len(points.labels)} unit vectors (linear, so a parallelogram stays one; "
               f"UMAP/t-SNE would bend it). It keeps {proj.explained.sum():.0%} of their variance.")
    best = result.words[0]
    par = offset_cosine(space, result.b, result.a, result.c, best)
    st.markdown(f"- **In the picture** the two solid sides look parallel.\n"
                f"- **In all 50 dimensions** the offsets {md(result.b)} → {md(result.a)} and "
                f"{md(result.c)} → {md(best)} have cosine **{par:.2f}** (1 would be exactly "
                f"parallel). The answer is just the nearest word to a − b + c "
                f"(cosine {result.scores[0]:.2f}, not 1): the arithmetic lands near it, not on it.")
