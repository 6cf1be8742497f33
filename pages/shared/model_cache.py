"""The models every page shares, loaded once per server process.

Each is a read-only singleton used by every session at once: never mutate
one per request. Each page's own cached computations live in its folder's
`cache.py`.
"""
from __future__ import annotations

import streamlit as st
import torch

from explorer.core import device as devices
from explorer.core import models
from explorer.core.sources import hub_max_models


@st.cache_resource(show_spinner=False)
def device() -> torch.device:
    """The torch device for this server (thread counts: pages/shared/housekeeping.setup_process)."""
    return devices.pick_device()


def causal_lm(hub_id: str = "") -> models.Loaded:
    """SmolLM2 (or a hub causal LM); obj is (model, tokenizer)."""
    return hub_model(hub_id, "causal") if hub_id else _smollm2()


def encoder(hub_id: str = "") -> models.Loaded:
    """MiniLM (or a hub encoder); obj is (model, tokenizer)."""
    return hub_model(hub_id, "encoder") if hub_id else _minilm()


@st.cache_resource(show_spinner="Loading SmolLM2-135M-Instruct...")
def _smollm2() -> models.Loaded:
    return models.load_causal_lm(device())


@st.cache_resource(show_spinner="Loading all-MiniLM-L6-v2...")
def _minilm() -> models.Loaded:
    return models.load_encoder(device())


# Typed hub models are few and evictable: at most hub_max_models() stay loaded
# (the least recently used goes) and none stays longer than an hour unused.
@st.cache_resource(show_spinner="Loading a model from the Hugging Face hub...",
                   max_entries=hub_max_models(), ttl=3600)
def hub_model(hub_id: str, kind: str) -> models.Loaded:
    """A hub model a visitor asked for, after explorer.core.sources' checks; kind: causal | encoder."""
    load = models.load_causal_lm if kind == "causal" else models.load_encoder
    return load(device(), hub_id)


@st.cache_resource(show_spinner="Loading GloVe 6B 50d...")
def glove() -> models.Loaded:
    """GloVe word vectors; obj is a WordVectors."""
    return models.load_glove()


@st.cache_resource(show_spinner="Loading tokenizer...")
def tokenizer(key: str) -> models.Loaded:
    """A built-in tokenizer by registry key."""
    return models.load_tokenizer(key)


def builtin(key: str) -> models.Loaded:
    """Any built-in model by registry key, through the cached loaders above."""
    special = {"smollm2": causal_lm, "minilm": encoder, "glove": glove}
    return special[key]() if key in special else tokenizer(key)
