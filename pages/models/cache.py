"""The Models page's cached rows.

The three models other pages use come from the shared singletons. A tokenizer's
row is cached, not the tokenizer: keeping all eight loaded because someone
opened this page held about 160 MB (o200k, Llama-3 and Qwen3 alone) for
every visitor; the Tokenizer inspector loads the ones it shows.
"""
from __future__ import annotations

import streamlit as st

from explorer.core import catalog, models
from explorer.core.sources import ModelUnavailable
from pages.shared import model_cache

LOAD_ERRORS = (ModelUnavailable, OSError, ValueError)


@st.cache_data(show_spinner=False, max_entries=len(models.TOKENIZER_KEYS), ttl=3600)
def tokenizer_row(key: str) -> dict[str, str]:
    """The catalog row of a built-in tokenizer, loaded once for the facts and then let go."""
    return _row(key, models.load_tokenizer)


def model_row(key: str) -> dict[str, str]:
    """The catalog row of SmolLM2, MiniLM or GloVe, from the shared singletons."""
    return _row(key, model_cache.builtin)


def _row(key: str, load) -> dict[str, str]:
    """The catalog row of `key` as `load(key)` gives it, or its error row."""
    spec = models.SPECS[key]
    try:
        return catalog.catalog_row(spec, load(key))
    except LOAD_ERRORS as err:
        return catalog.catalog_row(spec, None, str(err))
