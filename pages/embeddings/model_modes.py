"""Embedding space page, model modes: sentences (MiniLM) and contextual word vectors."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from explorer.embeddings import vectors as emb
from explorer.embeddings.presets import MAX_LINES, MAX_UPLOAD_BYTES, parse_csv, parse_labelled
from explorer.embeddings import figures as figs
from explorer.core.sentence_vectors import cosine_search
from explorer.core.sources import ModelUnavailable
from pages.embeddings import cache
from pages.embeddings.projection import md, project, projection_controls, show_projection

MODEL_LABELS = {"minilm": "MiniLM (encoder, sees both sides)",
                "smollm2": "SmolLM2 (decoder, sees only the left)"}
LAYERS = {"minilm": 6, "smollm2": 30}


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


def _embed(texts: tuple[str, ...]) -> np.ndarray | None:
    try:
        with st.spinner(f"MiniLM is embedding {len(texts):,} sentences...", show_time=True):
            return cache.sentences(texts)
    except ModelUnavailable as err:
        st.error(f"MiniLM is not available: {err}")
        return None


def sentences_mode(state) -> None:
    """Embed sentences with MiniLM, project them, colour by label, search them."""
    projection_controls(state)
    st.text_area("Sentences, one per line (optionally `label | sentence`)", key="emb.sentences",
                 height=180, max_chars=20_000)
    parsed = _sentences(state)
    if parsed is None:
        return
    texts, labels = parsed
    if not texts:
        st.warning("Type or upload at least one sentence.")
        return
    vectors = _embed(texts)
    if vectors is None:
        return
    groups = [lab or "no label" for lab in labels]
    proj = project(vectors, state)
    show_projection(proj, list(texts), groups, np.ones(len(texts), bool), "sentences",
                    "emb_sent_chart", text_len=18)
    st.caption("Names are cut short on the chart; hover a point for the whole sentence.")
    st.text_input("Search these sentences by meaning", key="emb.search", max_chars=500)
    if state.search.strip():
        query = _embed((state.search.strip(),))
        if query is not None:
            rows, scores = cosine_search(query[0], vectors, 5)
            st.dataframe(pd.DataFrame({"cosine": np.round(scores, 3),
                                       "sentence": [texts[r] for r in rows],
                                       "label": [labels[r] for r in rows]}),
                         hide_index=True, width="stretch")
            st.caption("Each sentence is one 384-number vector (mean of its token vectors, "
                       "scaled to length 1), so cosine = dot product.")


def contextual_mode(state) -> None:
    """One word in several sentences, per layer: where do its senses separate?"""
    cols = st.columns([2, 3])
    cols[0].text_input("Word to follow", key="emb.word", max_chars=60)
    cols[1].radio("Model", list(MODEL_LABELS), format_func=MODEL_LABELS.get, key="emb.model",
                  horizontal=True)
    st.text_area("Sentences, one per line, `sense | sentence`", key="emb.contexts", height=160,
                 max_chars=10_000)
    texts, labels = parse_labelled(state.contexts)
    if len(texts) > 50:
        st.warning(f"Only the first 50 of {len(texts)} sentences are used.")
    if not state.word.strip() or not texts:
        st.warning("Type a word and at least two sentences that contain it.")
        return
    try:
        with st.spinner(f"Running {state.model} on {len(texts)} sentences...", show_time=True):
            ctx = cache.contextual(state.model, state.word.strip(), texts[:50])
    except (ValueError, ModelUnavailable) as err:
        st.error(md(str(err)))
        return
    if ctx.skipped:
        st.warning(f"{len(ctx.skipped)} sentence(s) do not contain “{md(ctx.word)}” "
                   "and were skipped.")
    splits = ", ".join(" + ".join(f"`{t}`" for t in toks) for toks in dict.fromkeys(ctx.tokens))
    st.caption(f"The tokenizer turns the word into {splits}; when it takes several tokens, "
               "their vectors are averaged.")
    senses = tuple(labels[texts.index(t)] or f"sentence {i + 1}" for i, t in enumerate(ctx.sentences))
    n_layers = ctx.vectors.shape[0] - 1
    if st.session_state.get("emb.layer", 0) > n_layers:
        st.session_state["emb.layer"] = n_layers
    layer = st.slider("Layer", 0, n_layers, key="emb.layer")
    _contextual_views(ctx, senses, min(layer, n_layers), state)


def _contextual_views(ctx, senses: tuple[str, ...], layer: int, state) -> None:
    sep = emb.sense_separation(ctx.similarity, senses)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Cosine between the {len(senses)} “{md(ctx.word)}” vectors "
                    f"at layer {layer}**")
        st.plotly_chart(figs.similarity_figure(ctx.similarity[layer], list(senses)), width="stretch")
    with right:
        x = ctx.vectors[layer]  # [sentence, dim]
        proj = cache.project(x, "pca", state.dims, state.seed, 15, 0.1, 30.0, "cosine")
        fig = figs.projection_figure(proj.coords, [f"{i + 1}. {s}" for i, s in enumerate(senses)],
                                     list(senses), np.ones(len(senses), bool))
        st.markdown(f"**PCA of those vectors (layer {layer})**")
        st.plotly_chart(fig.update_layout(height=420), width="stretch")
    if np.isnan(sep).all():
        st.info("Label the sentences by sense (two or more of each) to score how well they separate.")
        return
    best = int(np.nanargmax(sep))
    st.markdown("**Sense separation per layer** (mean cosine within a sense minus across senses)")
    st.plotly_chart(figs.separation_figure(sep, layer), width="stretch")
    st.markdown(
        f"- **Study notes:** positional encoding is what tells the same word's meanings apart.\n"
        f"- **This model:** at layer 0 (word + position, no attention yet) separation is "
        f"**{sep[0]:.3f}**; it peaks at layer **{best}** with **{sep[best]:.3f}**. Position alone "
        f"barely separates senses; attention to the surrounding words does.")
    if state.model == "smollm2":
        st.caption("SmolLM2 reads left to right: the vector for the word can only use the words "
                   "before it, so a sense given away later in the sentence is invisible to it.")
