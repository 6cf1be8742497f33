"""Neighbours mode: the nearest words to any word over all 400,000, cosine or euclidean."""
from __future__ import annotations

import time

import streamlit as st

from explorer.embeddings import figures
from explorer.embeddings.words import UnitSpace, word_neighbours
from pages.embeddings.typed_words import known_words, md


def table(space: UnitSpace, word: str, k: int, metric: str) -> None:
    """The k nearest words to `word` as a bar chart, with how long the search over every word took."""
    start = time.perf_counter()
    result = word_neighbours(space, word, k, metric)
    ms = (time.perf_counter() - start) * 1000
    st.markdown(f"**Nearest to “{md(word)}”** over all {len(space.words):,} words, {metric}, "
                f"in the original 50 dimensions ({ms:.0f} ms):")
    st.plotly_chart(figures.neighbours_figure(list(result.words), result.scores, metric),
                    width="stretch", key=f"emb_nb_{word}")


def show(state, space: UnitSpace) -> None:
    """Nearest neighbours of any word over all 400,000, cosine or euclidean."""
    cols = st.columns([3, 2, 3])
    cols[0].text_input("Word", key="emb.query", max_chars=60)
    cols[1].radio("Distance", ["cosine", "euclidean"], key="emb.metric")
    cols[2].slider("k", 1, 100, key="emb.k")
    words = known_words(space, state.query)
    if not words:
        st.warning("Type one word that GloVe knows.")
        return
    table(space, words[0], state.k, state.metric)
