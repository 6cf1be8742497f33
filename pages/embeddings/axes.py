"""Semantic axes mode: words placed on directions defined by word pairs (man → woman, small → big)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.core.markdown import escape_md
from explorer.embeddings import figures
from explorer.embeddings.arithmetic import place_on_axes
from explorer.embeddings.state import EmbeddingsState
from explorer.embeddings.words import UnitSpace
from pages.embeddings import cache
from pages.embeddings.typed_words import known_words
from pages.shared import url_state

P = "emb"


def _inputs() -> None:
    """The words to place and the two axes' end words."""
    url_state.text_area(st, "Words to place", EmbeddingsState, P, "words", height=80)
    cols = st.columns(4)
    labels = ("x axis from", "x axis to", "y axis from (optional)", "y axis to (optional)")
    for col, label, name in zip(cols, labels, ("x_lo", "x_hi", "y_lo", "y_hi")):
        url_state.text_input(col, label, EmbeddingsState, P, name)


def show(state, space: UnitSpace) -> None:
    """Exact coordinates of each word along one or two word-pair directions, as a chart and a table."""
    _inputs()
    words = known_words(state.words)
    pairs = [(state.x_lo, state.x_hi), (state.y_lo, state.y_hi)]
    axes = tuple((lo.strip().lower(), hi.strip().lower())
                 for lo, hi in pairs if lo.strip() and hi.strip())
    known_words(" ".join(w for pair in axes for w in pair))  # names unknown poles
    bad = any(lo == hi or lo not in space.index or hi not in space.index for lo, hi in axes)
    if not words or not axes or bad:
        st.warning("Give words to place and, per axis, two different words GloVe knows.")
        return
    place = place_on_axes(space, words, axes)
    st.plotly_chart(figures.axes_figure(place.coords, list(place.words), list(place.axes)),
                    width="stretch", key="emb_axes_chart")
    st.caption("Each coordinate is the cosine between a word and the direction (to − from): "
               "positive leans to the 'to' word. These are exact, not a projection's guess.")
    frame = pd.DataFrame(place.coords, columns=list(place.axes)).round(3)
    st.dataframe(frame.assign(word=list(place.words)).set_index("word"), width="content")
    _ends(state, axes)


def _ends(state, axes: tuple[tuple[str, str], ...]) -> None:
    """Which frequent words sit furthest toward each end of each axis: what the direction really captures."""
    url_state.slider(st, "Words shown at each end of an axis", EmbeddingsState, P, "k",
                     help="Searched among the 50,000 most frequent words, the axis words left out.")
    for low, high in axes:
        ends = cache.ends(low, high, state.k)
        cols = st.columns(2)
        for col, pole, found, scores in ((cols[0], low, ends.low, ends.low_scores),
                                         (cols[1], high, ends.high, ends.high_scores)):
            col.markdown(f"**Most toward “{escape_md(pole)}”** on {escape_md(ends.axis)}")
            col.dataframe(pd.DataFrame({"word": found, "cosine": scores}).round(3), hide_index=True,
                          width="stretch")
    st.caption("The ends of an axis show what it measures besides the intended meaning: GloVe learned "
               "from news and web text, and its man → woman direction carries that text's associations.")
