"""Embedding space page, GloVe modes: words, analogy, semantic axes, neighbours."""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
import streamlit as st

from explorer.embeddings import vectors as emb
from explorer.embeddings.presets import ANALOGIES, WORD_GROUPS, WORD_SETS, parse_words
from explorer.embeddings import figures as figs
from pages.embeddings import cache
from pages.embeddings.projection import md, project, projection_controls, show_projection


def _set_words() -> None:
    st.session_state["emb.words"] = ", ".join(WORD_SETS[st.session_state["emb_preset"]])


def known_words(space, raw: str) -> tuple[str, ...]:
    """Parse typed words; warn about unknown ones (with close spellings) and duplicates."""
    found = emb.lookup(space, parse_words(raw))
    for word in found.missing:
        close = found.suggestions[word]
        hint = f" Did you mean: {md(', '.join(close))}?" if close else " No close spelling found."
        st.warning(f"“{md(word)}” is not in GloVe's 400,000-word vocabulary.{hint}",
                   icon=":material/help:")
    if found.duplicates:
        st.caption(f"Ignored duplicates: {md(', '.join(dict.fromkeys(found.duplicates)))}")
    return found.found


def _neighbour_table(space, word: str, k: int, metric: str) -> None:
    start = time.perf_counter()
    result = emb.word_neighbours(space, word, k, metric)
    ms = (time.perf_counter() - start) * 1000
    st.markdown(f"**Nearest to “{md(word)}”** over all {len(space.words):,} words, {metric}, "
                f"in the original 50 dimensions ({ms:.0f} ms):")
    st.plotly_chart(figs.neighbours_figure(list(result.words), result.scores, metric),
                    width="stretch", key=f"emb_nb_{word}")


def words_mode(state, space) -> None:
    """Project a word set (plus optional frequent background words)."""
    projection_controls(state)
    st.selectbox("Preset", list(WORD_SETS), index=None, key="emb_preset", on_change=_set_words,
                 placeholder="Load a preset word set...")
    st.text_area("Words (comma or space separated)", key="emb.words", height=80, max_chars=4_000)
    st.slider("Background: add the N most frequent words", 0, 50_000, step=500,
              key="emb.background", help="Grey dots give the picture context. PCA draws them all; "
              "UMAP and t-SNE are sampled above their caps and the page says so.")
    words = known_words(space, state.words)
    if not words:
        st.warning("Type at least one word GloVe knows, for example: king, queen, man, woman.")
        return
    rows = [space.index[w] for w in words] + cache.background(state.background, words)
    x = space.vectors[rows]  # [point, 50]
    labels = [space.words[r] for r in rows]
    groups = [WORD_GROUPS.get(w, "your words") for w in words]
    groups += ["background"] * (len(rows) - len(words))
    focus = np.arange(len(rows)) < len(words)
    proj = project(x, state, keep=tuple(range(len(words))))
    clicked = show_projection(proj, labels, groups, focus, "words", "emb_words_chart")
    target = clicked if clicked in space.index else words[0]
    if state.dims == 2:
        st.caption("Click a point to list its neighbours.")
    _neighbour_table(space, target, 10, state.metric)


def _set_analogy() -> None:
    a, b, c = ANALOGIES[st.session_state["emb_analogy"]]
    st.session_state.update({"emb.a": a, "emb.b": b, "emb.c": c})


def analogy_mode(state, space) -> None:
    """a - b + c with inputs excluded, and the parallelogram in a PCA picture."""
    st.selectbox("Preset", list(ANALOGIES), index=None, key="emb_analogy", on_change=_set_analogy,
                 placeholder="Load a preset analogy...")
    cols = st.columns([3, 3, 3, 2])
    cols[0].text_input("a", key="emb.a", max_chars=60)
    cols[1].text_input("minus b", key="emb.b", max_chars=60)
    cols[2].text_input("plus c", key="emb.c", max_chars=60)
    cols[3].slider("answers", 1, 20, key="emb.topk")
    if not known_words(space, f"{state.a} {state.b} {state.c}") or \
            len({state.a.strip().lower(), state.b.strip().lower(), state.c.strip().lower()}) < 3:
        st.warning("Give three different words that GloVe knows.")
        return
    try:
        result = emb.solve_analogy(space, state.a, state.b, state.c, state.topk)
    except KeyError as err:
        st.warning(f"GloVe has no single word “{md(str(err.args[0]))}”: put one word in each box.")
        return
    best = result.words[0]
    st.success(f"**{md(result.a)} − {md(result.b)} + {md(result.c)} ≈ {md(best)}** "
               f"(cosine {result.scores[0]:.3f})")
    st.caption(f"Input words are excluded. Without that rule the top answers would be "
               f"{md(', '.join(result.with_inputs))}: the sum usually stays closest to one of "
               "its inputs.")
    st.dataframe(pd.DataFrame({"answer": result.words, "cosine": np.round(result.scores, 4)}),
                 hide_index=True, width="content")
    words = (result.a, result.b, result.c, *result.words)
    x = np.vstack([emb.vectors_for(space, words), result.target])  # [point, 50]
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    roles = ["a", "b", "c", "answer", *["other"] * (len(result.words) - 1), "target"]
    st.radio("Dimensions", [2, 3], key="emb.dims", horizontal=True)
    proj = cache.project(x, "pca", state.dims, state.seed, 15, 0.1, 30.0, "cosine")
    st.plotly_chart(figs.analogy_figure(proj.coords, [*words, "a − b + c"], roles),
                    width="stretch", key="emb_analogy_chart")
    st.caption(f"PCA of these {len(words) + 1} unit vectors (linear, so a parallelogram stays one; "
               f"UMAP/t-SNE would bend it). It keeps {proj.explained.sum():.0%} of their variance.")
    par = emb.offset_cosine(space, result.b, result.a, result.c, best)
    st.markdown(f"- **In the picture** the two solid sides look parallel.\n"
                f"- **In all 50 dimensions** the offsets {md(result.b)} → {md(result.a)} and "
                f"{md(result.c)} → {md(best)} have cosine **{par:.2f}** (1 would be exactly "
                f"parallel). The answer is just the nearest word to a − b + c "
                f"(cosine {result.scores[0]:.2f}, not 1): the arithmetic lands near it, not on it.")


def axes_mode(state, space) -> None:
    """Place words on directions defined by word pairs (man → woman, small → big)."""
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
    place = emb.place_on_axes(space, words, axes)
    st.plotly_chart(figs.axes_figure(place.coords, list(place.words), list(place.axes)),
                    width="stretch", key="emb_axes_chart")
    st.caption("Each coordinate is the cosine between a word and the direction (to − from): "
               "positive leans to the 'to' word. These are exact, not a projection's guess.")
    frame = pd.DataFrame(np.round(place.coords, 3), columns=list(place.axes))
    st.dataframe(frame.assign(word=list(place.words)).set_index("word"), width="content")


def neighbours_mode(state, space) -> None:
    """Nearest neighbours of any word over all 400,000, cosine or euclidean."""
    cols = st.columns([3, 2, 3])
    cols[0].text_input("Word", key="emb.query", max_chars=60)
    cols[1].radio("Distance", ["cosine", "euclidean"], key="emb.metric")
    cols[2].slider("k", 1, 100, key="emb.k")
    words = known_words(space, state.query)
    if not words:
        st.warning("Type one word that GloVe knows.")
        return
    _neighbour_table(space, words[0], state.k, state.metric)
