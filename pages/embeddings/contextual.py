"""Contextual mode: one word in several sentences, layer by layer: where do its senses separate?"""
from __future__ import annotations

import streamlit as st

from explorer.core.markdown import escape_md as md
from explorer.core.sources import ModelUnavailable
from explorer.embeddings import figures
from explorer.embeddings.contextual import Contextual, peak_layer, sense_labels, sense_separation
from explorer.embeddings.presets import parse_labelled
from explorer.embeddings.state import EmbeddingsState
from pages.embeddings import cache
from pages.shared import control_tokens, url_state

MODEL_LABELS = {"minilm": "MiniLM (encoder, sees both sides)",
                "smollm2": "SmolLM2 (decoder, sees only the left)"}
MAX_SENTENCES = 50


def show(state) -> None:
    """The word, the model and the sentences; then the per-layer views."""
    cols = st.columns([2, 3])
    url_state.text_input(cols[0], "Word to follow", EmbeddingsState, "emb", "word")
    cols[1].radio("Model", list(MODEL_LABELS), format_func=MODEL_LABELS.get, key="emb.model",
                  horizontal=True)
    url_state.text_area(st, "Sentences, one per line, `sense | sentence`", EmbeddingsState, "emb", "contexts",
                        height=160)
    control_tokens.switch(st, EmbeddingsState, "emb")
    texts, labels = parse_labelled(state.contexts)
    if len(texts) > MAX_SENTENCES:
        st.warning(f"Only the first {MAX_SENTENCES} of {len(texts)} sentences are used.")
    if not state.word.strip() or not texts:
        st.warning("Type a word and at least two sentences that contain it.")
        return
    try:
        control_tokens.notice(st, cache.tokenizer(state.model), "\n".join(texts[:MAX_SENTENCES]), state.control,
                              MODEL_LABELS[state.model].split(" (")[0])
        with st.spinner(f"Running {state.model} on {len(texts)} sentences...", show_time=True):
            ctx = cache.contextual(state.model, state.word.strip(), texts[:MAX_SENTENCES], state.control)
    except (ValueError, ModelUnavailable) as err:
        st.error(md(str(err)))
        return
    if ctx.skipped:
        st.warning(f"{len(ctx.skipped)} sentence(s) do not contain “{md(ctx.word)}” "
                   "and were skipped.")
    splits = ", ".join(" + ".join(f"“{md(t)}”" for t in toks) for toks in dict.fromkeys(ctx.tokens))
    st.caption(f"The tokenizer turns the word into {splits}; when it takes several tokens, "
               "their vectors are averaged.")
    n_layers = ctx.vectors.shape[0] - 1
    if st.session_state.get("emb.layer", 0) > n_layers:
        st.session_state["emb.layer"] = n_layers
    layer = st.slider("Layer", 0, n_layers, key="emb.layer")
    _views(ctx, sense_labels(ctx, texts, labels), min(layer, n_layers), state)


def _views(ctx: Contextual, senses: tuple[str, ...], layer: int, state) -> None:
    """Cosines and a PCA picture at `layer`, then the separation of the senses across layers."""
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Cosine between the {len(senses)} “{md(ctx.word)}” vectors "
                    f"at layer {layer}**")
        st.plotly_chart(figures.similarity_figure(ctx.similarity[layer], list(senses)), width="stretch")
    with right:
        proj = cache.project(ctx.vectors[layer], "pca", state.dims, state.seed, 15, 0.1, 30.0, "cosine")
        fig = figures.projection_figure(proj.coords, [f"{i + 1}. {s}" for i, s in enumerate(senses)],
                                        list(senses))
        st.markdown(f"**PCA of those vectors (layer {layer})**")
        st.plotly_chart(fig.update_layout(height=420), width="stretch")
    sep = sense_separation(ctx.similarity, senses)  # [layer]
    best = peak_layer(sep)
    if best < 0:
        st.info("Label the sentences by sense (two or more of each) to score how well they separate.")
        return
    st.markdown("**Sense separation per layer** (mean cosine within a sense minus across senses)")
    st.plotly_chart(figures.separation_figure(sep, layer), width="stretch")
    st.markdown(
        f"- **Study notes:** positional encoding is what tells the same word's meanings apart.\n"
        f"- **This model:** at layer 0 (word + position, no attention yet) separation is "
        f"**{sep[0]:.3f}**; it peaks at layer **{best}** with **{sep[best]:.3f}**. Position alone "
        f"barely separates senses; attention to the surrounding words does.")
    if state.model == "smollm2":
        st.caption("SmolLM2 reads left to right: the vector for the word can only use the words "
                   "before it, so a sense given away later in the sentence is invisible to it.")
