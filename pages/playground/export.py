"""Playground export tab: the weights as JSON, equivalent PyTorch code, and the share link."""
from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from explorer.playground import inspect
from explorer.playground.network import Trainer
from explorer.playground.state import PlayState


def show(live: Trainer, state: PlayState) -> None:
    """Download weights as JSON or as stand-alone PyTorch code; copy the share link."""
    snap = live.latest
    c1, c2 = st.columns(2)
    c1.download_button("Weights as JSON", inspect.export_json(snap, live.net, state.export_settings()),
                       "playground_weights.json", "application/json", icon=":material/download:",
                       on_click="ignore", key="play_dl_json")
    code = inspect.export_torch(snap, live.net)
    c2.download_button("Equivalent PyTorch code", code, "playground_model.py", "text/x-python",
                       icon=":material/code:", on_click="ignore", key="play_dl_code")
    st.markdown("**Share this run.** The link holds the data, network, training settings and seed: opening it "
                "rebuilds the same data and initial weights, and pressing Play repeats the same run. "
                "Uploaded CSV files are not in the link; drawn points are.")
    query = urlencode(state.to_query())
    base = st.context.url or "/playground"
    st.code(f"{base}?{query}" if query else base, language=None)
    with st.expander("The exported PyTorch code"):
        st.code(code, language="python")
