"""The Tokenizer inspector's cached adapters and results."""
from __future__ import annotations

import streamlit as st

from explorer.tokenizers import adapters
from explorer.tokenizers import batch as batches
from explorer.tokenizers import chat as chats
from explorer.tokenizers import decode as decoding
from pages.shared import model_cache


@st.cache_resource(show_spinner="Loading tokenizer...")
def adapter(key: str) -> adapters.Adapter:
    """A built-in tokenizer key ('gpt2') or 'hub:org/name', behind one interface."""
    if key.startswith("hub:"):
        return adapters.load_hub(key[4:])
    loaded = model_cache.tokenizer(key)
    return adapters.adapt(key, loaded.obj, loaded.spec.title, loaded.spec.context)


@st.cache_data(show_spinner=False, max_entries=256)
def tokenize(key: str, text: str, add_special: bool) -> adapters.Tokenized:
    """Tokenized record of `text`."""
    return adapter(key).tokenize(text, adapters.TokenizeConfig(add_special_tokens=add_special))


@st.cache_data(show_spinner=False, max_entries=128)
def batch(key: str, texts: tuple[str, ...], padding: str, max_length: int,
          truncation: bool, side: str, add_special: bool) -> batches.Batch:
    """Padded batch with its attention mask."""
    config = batches.BatchConfig(padding, max_length, truncation, side, add_special)
    return batches.make_batch(adapter(key), list(texts), config)


@st.cache_data(show_spinner=False, max_entries=64)
def chat(key: str, user: str, system: str, generation_prompt: bool) -> chats.ChatView:
    """Chat-template view."""
    return chats.chat_view(adapter(key), chats.ChatConfig(user, system, generation_prompt))


@st.cache_data(show_spinner=False, max_entries=128)
def decode(key: str, ids: tuple[int, ...]):
    """IDs back to text with pieces (explorer.tokenizers.adapters.Decoded)."""
    return decoding.decode(adapter(key), list(ids))
