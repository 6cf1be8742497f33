"""Sentences mode: MiniLM sentence vectors, projected and coloured by label, and searched by meaning."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from explorer.core.markdown import escape_md as md
from explorer.core.sentence_vectors import cosine_search
from explorer.core.sources import ModelUnavailable
from explorer.embeddings.presets import MAX_LINES, MAX_UPLOAD_BYTES, parse_csv, parse_labelled
from explorer.embeddings.state import EmbeddingsState
from pages.embeddings import cache
from pages.embeddings.projection import project, projection_controls, show_projection
from pages.shared import control_tokens, url_state


def _sentences(state) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Sentences and labels from the upload if any, else from the text box."""
    upload = st.file_uploader(f"…or upload a CSV with a `text` column and optional `label` "
                              f"(up to {MAX_LINES:,} rows, {MAX_UPLOAD_BYTES / 1e6:.0f} MB)",
                              type=["csv"], key="emb_upload")
    if upload is not None:
        try:
            return parse_csv(upload.getvalue())
        except ValueError as err:
            st.error(f"Could not use {md(upload.name)}: {md(str(err))}")
            return None
    texts, labels = parse_labelled(state.sentences)
    if len(texts) > MAX_LINES:
        st.warning(f"Only the first {MAX_LINES:,} of {len(texts):,} lines are embedded.")
    return texts[:MAX_LINES], labels[:MAX_LINES]


def _embed(texts: tuple[str, ...], control: str) -> np.ndarray | None:
    """Unit sentence vectors [sentence, 384], or None after saying MiniLM is missing."""
    try:
        with st.spinner(f"MiniLM is embedding {len(texts):,} sentences...", show_time=True):
            return cache.sentences(texts, control)
    except ModelUnavailable as err:
        st.error(f"MiniLM is not available: {md(err)}")
        return None


def show(state) -> None:
    """Embed sentences with MiniLM, project them, colour by label, search them."""
    projection_controls(state)
    url_state.text_area(st, "Sentences, one per line (optionally `label | sentence`)", EmbeddingsState, "emb",
                        "sentences", height=180)
    control_tokens.switch(st, EmbeddingsState, "emb")
    parsed = _sentences(state)
    if parsed is None:
        return
    texts, labels = parsed
    if not texts:
        st.warning("Type or upload at least one sentence.")
        return
    try:
        typed = "\n".join((*texts, state.search))
        control_tokens.notice(st, cache.tokenizer("minilm"), typed, state.control, "MiniLM")
    except ModelUnavailable:
        pass  # _embed says MiniLM is missing
    vectors = _embed(texts, state.control)
    if vectors is None:
        return
    proj = project(vectors, state)
    show_projection(proj, list(texts), [lab or "no label" for lab in labels], None, "sentences",
                    "emb_sent_chart", text_len=18)
    st.caption("Names are cut short on the chart; hover a point for the whole sentence.")
    url_state.text_input(st, "Search these sentences by meaning", EmbeddingsState, "emb", "search")
    if state.search.strip():
        _search(state.search.strip(), vectors, texts, labels, state.control)


def _search(query: str, vectors: np.ndarray, texts: tuple[str, ...], labels: tuple[str, ...],
            control: str) -> None:
    """The 5 sentences closest to `query` by cosine."""
    query_vec = _embed((query,), control)
    if query_vec is None:
        return
    rows, scores = cosine_search(query_vec[0], vectors, 5)
    st.dataframe(pd.DataFrame({"cosine": scores, "sentence": [texts[r] for r in rows],
                               "label": [labels[r] for r in rows]}).round(3),
                 hide_index=True, width="stretch")
    st.caption("Each sentence is one 384-number vector (mean of its token vectors, "
               "scaled to length 1), so cosine = dot product.")
