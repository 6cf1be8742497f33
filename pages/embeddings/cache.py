"""The Embedding space page's cached spaces, lookups, projections and model embeddings.

Every cache is bounded by entries, and each entry by the page's own caps:
a lookup suggests spellings for at most SUGGEST_MAX words (~0.1 s each), a
projection draws at most explorer.core.projections.CAPS points, sentences
are at most MAX_LINES x 256 tokens (1.5 MB of vectors), a contextual run at
most 50 sentences x 31 layers (3.6 MB).
"""
from __future__ import annotations

import streamlit as st

from explorer.core import projections
from explorer.core.sentence_vectors import sentence_vectors
from explorer.embeddings.arithmetic import AxisEnds, axis_ends
from explorer.embeddings.contextual import Contextual, contextual_vectors
from explorer.embeddings.presets import parse_words
from explorer.embeddings.words import Lookup, UnitSpace, background_rows, lookup, unit_space
from pages.shared import model_cache


@st.cache_resource(show_spinner="Normalising 400,000 GloVe vectors (once per server)...")
def space() -> UnitSpace:
    """GloVe with unit-length rows, built once."""
    return unit_space(model_cache.glove().obj)


@st.cache_resource(show_spinner=False)
def umap_warmup() -> projections.UmapWarmup:
    """The background UMAP JIT warm-up, started once per server process."""
    return projections.UmapWarmup().start()


@st.cache_data(show_spinner=False, max_entries=64)
def typed_words(raw: str) -> Lookup:
    """The typed words split into known and unknown, with spellings for the first few unknown ones.

    Cached: each suggestion scans 50,000 words (~0.1 s), and the page reruns on every click.
    """
    return lookup(space(), parse_words(raw))


@st.cache_data(show_spinner=False, max_entries=16)
def background(n: int, exclude: tuple[str, ...]) -> list[int]:
    """Rows of the n most frequent alphabetic GloVe words, minus `exclude`."""
    return background_rows(space(), n, exclude)


@st.cache_data(show_spinner=False, max_entries=32)
def ends(low: str, high: str, k: int) -> AxisEnds:
    """The k frequent words leaning most to each end of the low → high axis."""
    return axis_ends(space(), low, high, k)


@st.cache_data(show_spinner=False, max_entries=32)
def project(x, method: str, dims: int, seed: int, n_neighbors: int, min_dist: float,
            perplexity: float, metric: str, keep: tuple[int, ...] = ()) -> projections.Projection:
    """explorer.core.projections.project, cached per matrix and settings."""
    cfg = projections.ProjectionConfig(method, dims, seed, n_neighbors, min_dist, perplexity, metric)
    return projections.project(x, cfg, keep)


@st.cache_data(show_spinner=False, max_entries=16)
def sentences(texts: tuple[str, ...], control: str = "library"):
    """MiniLM sentence vectors [sentence, 384], mean-pooled and L2-normalised."""
    model, tok = model_cache.encoder().obj
    return sentence_vectors(model, tok, list(texts), device=model_cache.device(), control=control)


def tokenizer(model_key: str):
    """The tokenizer of 'minilm' or 'smollm2' (for the control-token notice)."""
    return (model_cache.causal_lm() if model_key == "smollm2" else model_cache.encoder()).obj[1]


@st.cache_data(show_spinner=False, max_entries=16)
def contextual(model_key: str, word: str, texts: tuple[str, ...], control: str = "library") -> Contextual:
    """One word's per-layer hidden states in each sentence."""
    model, tok = (model_cache.causal_lm() if model_key == "smollm2" else model_cache.encoder()).obj
    return contextual_vectors(model, tok, word, list(texts), device=model_cache.device(), control=control)
