"""Neighbours mode: the nearest words to any word over all 400,000, cosine or euclidean."""
from __future__ import annotations

import time

import streamlit as st

from explorer.core.markdown import escape_md
from explorer.embeddings import figures
from explorer.embeddings.state import EmbeddingsState
from explorer.embeddings.words import UnitSpace, word_neighbours
from pages.embeddings.typed_words import known_words
from pages.shared import url_state


def table(space: UnitSpace, word: str, k: int, metric: str) -> None:
    """The k nearest words to `word` as a bar chart, with how long the search over every word took."""
    start = time.perf_counter()
    result = word_neighbours(space, word, k, metric)
    ms = (time.perf_counter() - start) * 1000
    st.markdown(f"**Nearest to “{escape_md(word)}”** over all {len(space.words):,} words, {metric}, "
                f"in the original 50 dimensions ({ms:.0f} ms):")
    st.plotly_chart(figures.neighbours_figure(list(result.words), result.scores, metric),
                    width="stretch", key=f"emb_nb_{word}")


def show(state, space: UnitSpace) -> None:
    """Nearest neighbours of any word over all 400,000, cosine or euclidean."""
    cols = st.columns([3, 2, 3])
    url_state.text_input(cols[0], "Word", EmbeddingsState, "emb", "query")
    cols[1].radio("Distance", ["cosine", "euclidean"], key="emb.metric")
    url_state.slider(cols[2], "k", EmbeddingsState, "emb", "k")
    words = known_words(state.query)
    if not words:
        st.warning("Type one word that GloVe knows.")
        return
    table(space, words[0], state.k, state.metric)
