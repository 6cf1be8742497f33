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


@st.cache_resource(show_spinner=False)
def device() -> torch.device:
    """The torch device for this server, with the thread count set once."""
    devices.configure_threads()
    return devices.pick_device()


@st.cache_resource(show_spinner="Loading SmolLM2-135M-Instruct...")
def causal_lm(hub_id: str = "") -> models.Loaded:
    """SmolLM2 (or a hub causal LM); obj is (model, tokenizer)."""
    return models.load_causal_lm(device(), hub_id or None)


@st.cache_resource(show_spinner="Loading all-MiniLM-L6-v2...")
def encoder(hub_id: str = "") -> models.Loaded:
    """MiniLM (or a hub encoder); obj is (model, tokenizer)."""
    return models.load_encoder(device(), hub_id or None)


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
