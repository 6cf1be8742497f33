"""The inference engine this server is configured with, and one shared client for it.

Used by the Sampling lab and the Ensemble sandbox's LLM voting (explorer.core.engine).
"""
from __future__ import annotations

import os

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from explorer.core.engine import KEY_ENV, EngineSettings, settings_from
from explorer.core.openai_engine import OpenAIEngine


def engine_settings() -> EngineSettings | None:
    """The engine configured by environment (API key also from Streamlit secrets); None = none.

    Raises ValueError naming the variable when a setting is unusable.
    """
    try:
        secrets = {KEY_ENV: st.secrets[KEY_ENV]} if KEY_ENV in st.secrets else {}
    except (FileNotFoundError, KeyError, StreamlitSecretNotFoundError):
        secrets = {}
    return settings_from(os.environ, secrets)


@st.cache_resource(show_spinner=False, max_entries=4)
def engine(settings: EngineSettings) -> OpenAIEngine:
    """One client per engine, shared by every session and page (it is thread-safe)."""
    return OpenAIEngine(settings)
