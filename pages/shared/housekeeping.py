"""Per-process and per-run upkeep of the shared server, called by app.py around each run."""
from __future__ import annotations

import streamlit as st

from explorer.core import memory


@st.cache_resource(show_spinner=False)
def tune_malloc() -> bool:
    """Cap malloc arenas and fix the mmap threshold once per process (script threads come and go all day)."""
    return memory.tune_malloc(2)


def after_run() -> None:
    """Give the memory a run freed back to the OS, so RSS tracks what the caches really hold."""
    memory.release_free_memory()
