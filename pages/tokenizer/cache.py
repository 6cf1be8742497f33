"""The Tokenizer inspector's cached adapters and results, and the errors they raise on bad input."""
from __future__ import annotations

import streamlit as st

from explorer.core.sources import ModelUnavailable, hub_max_models
from explorer.tokenizers import adapters
from explorer.tokenizers.batch import Batch, BatchConfig, make_batch
from explorer.tokenizers.chat import ChatConfig, ChatView, chat_view
from explorer.tokenizers.decode import Decoded
from explorer.tokenizers.decode import decode as decode_ids
from explorer.tokenizers.hub import load_hub
from pages.shared import model_cache

LOAD_ERRORS = (ValueError, ModelUnavailable, OSError)  # bad text or IDs, a missing or unreachable tokenizer


def adapter(key: str) -> adapters.Adapter:
    """A built-in tokenizer key ('gpt2') or 'hub:org/name', behind one interface."""
    return _hub_adapter(key[4:]) if key.startswith("hub:") else _builtin_adapter(key)


@st.cache_resource(show_spinner="Loading tokenizer...")
def _builtin_adapter(key: str) -> adapters.Adapter:
    loaded = model_cache.tokenizer(key)
    return adapters.adapt(key, loaded.obj, loaded.spec.title, loaded.spec.context)


# Typed hub tokenizers: a few at a time, the least recently used goes.
@st.cache_resource(show_spinner="Loading a tokenizer from the hub...", max_entries=hub_max_models(), ttl=3600)
def _hub_adapter(hub_id: str) -> adapters.Adapter:
    return load_hub(hub_id)


@st.cache_data(show_spinner=False, max_entries=256)
def tokenize(key: str, text: str, add_special: bool, control: str = "library") -> adapters.Tokenized:
    """Tokenized record of `text`; `control` says how typed control-token strings are read."""
    config = adapters.TokenizeConfig(add_special_tokens=add_special, control=control)
    return adapter(key).tokenize(text, config)


@st.cache_data(show_spinner=False, max_entries=128)
def batch(key: str, texts: tuple[str, ...], padding: str, max_length: int,
          truncation: bool, side: str, add_special: bool, control: str = "library") -> Batch:
    """Padded batch with its attention mask."""
    config = BatchConfig(padding, max_length, truncation, side, add_special, control)
    return make_batch(adapter(key), list(texts), config)


@st.cache_data(show_spinner=False, max_entries=64)
def chat(key: str, user: str, system: str, generation_prompt: bool) -> ChatView:
    """Chat-template view, read both ways (typed control strings as the library does, and as text)."""
    return chat_view(adapter(key), ChatConfig(user, system, generation_prompt))


@st.cache_data(show_spinner=False, max_entries=128)
def decode(key: str, ids: tuple[int, ...]) -> Decoded:
    """IDs back to text with pieces."""
    return decode_ids(adapter(key), list(ids))
