"""Semantic axes mode: words placed on directions defined by word pairs (man → woman, small → big)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.embeddings import figures
from explorer.embeddings.arithmetic import place_on_axes
from explorer.embeddings.words import UnitSpace
from pages.embeddings.typed_words import known_words


def show(state, space: UnitSpace) -> None:
    """Exact coordinates of each word along one or two word-pair directions, as a chart and a table."""
    st.text_area("Words to place", key="emb.words", height=80, max_chars=4_000)
    cols = st.columns(4)
    cols[0].text_input("x axis from", key="emb.x_lo", max_chars=60)
    cols[1].text_input("x axis to", key="emb.x_hi", max_chars=60)
    cols[2].text_input("y axis from (optional)", key="emb.y_lo", max_chars=60)
    cols[3].text_input("y axis to (optional)", key="emb.y_hi", max_chars=60)
    words = known_words(space, state.words)
    pairs = [(state.x_lo, state.x_hi), (state.y_lo, state.y_hi)]
    axes = tuple((lo.strip().lower(), hi.strip().lower())
                 for lo, hi in pairs if lo.strip() and hi.strip())
    known_words(space, " ".join(w for pair in axes for w in pair))  # names unknown poles
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
