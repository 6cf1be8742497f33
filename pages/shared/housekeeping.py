"""Per-process and per-run upkeep of the shared server, called by app.py around each run."""
from __future__ import annotations

import streamlit as st

from explorer.core import device, memory


@st.cache_resource(show_spinner=False)
def setup_process() -> int:
    """Once per process, before any page runs: malloc arenas capped and the mmap threshold fixed
    (script threads come and go all day), and the torch / BLAS / OpenMP thread counts set
    (process-wide, so never per request). Returns the thread count."""
    memory.tune_malloc(2)
    return device.configure_threads()


def after_run() -> None:
    """Give the memory a run freed back to the OS, so RSS tracks what the caches really hold."""
    memory.release_free_memory()
