"""Words mode: a word set (and frequent background words) projected to 2-D or 3-D, click for neighbours."""
from __future__ import annotations

import streamlit as st

from explorer.embeddings.presets import WORD_SETS
from explorer.embeddings.state import EmbeddingsState
from explorer.embeddings.words import UnitSpace, word_points
from pages.embeddings import cache, neighbours
from pages.embeddings.projection import project, projection_controls, show_projection
from pages.embeddings.typed_words import known_words
from pages.shared import url_state


def _set_words() -> None:
    """Callback: copy the chosen preset word set into the text box."""
    st.session_state["emb.words"] = ", ".join(WORD_SETS[st.session_state["emb_preset"]])


def show(state, space: UnitSpace) -> None:
    """Project a word set (plus optional frequent background words)."""
    projection_controls(state)
    st.selectbox("Preset", list(WORD_SETS), index=None, key="emb_preset", on_change=_set_words,
                 placeholder="Load a preset word set...")
    url_state.text_area(st, "Words (comma or space separated)", EmbeddingsState, "emb", "words", height=80)
    url_state.slider(st, "Background: add the N most frequent words", EmbeddingsState, "emb", "background",
                     step=500, help="Grey dots give the picture context. PCA draws them all; "
                     "UMAP and t-SNE are sampled above their caps and the page says so.")
    words = known_words(state.words)
    if not words:
        st.warning("Type at least one word GloVe knows, for example: king, queen, man, woman.")
        return
    points = word_points(space, words, cache.background(state.background, words))
    proj = project(points.vectors, state, keep=points.named)
    clicked = show_projection(proj, list(points.labels), list(points.groups), points.focus,
                              "words", "emb_words_chart")
    if state.dims == 2:
        st.caption("Click a point to list its neighbours.")
    neighbours.table(space, clicked if clicked in space.index else words[0], 10, state.metric)
