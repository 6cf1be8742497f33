"""Playground history tab: scrub back through saved epochs and rewind training to one."""
from __future__ import annotations

import streamlit as st

from explorer.playground import figures as figs
from explorer.playground import inspect
from explorer.playground.network import Trainer


def show(live: Trainer) -> None:
    """Scrub back through saved epochs and see the boundary as it was."""
    history = live.history
    if len(history) < 2:
        st.info("Train a few epochs first: every epoch is saved here (the oldest are thinned after 300).")
        return
    epochs = [s.epoch for s in history]
    pick = st.select_slider("Epoch to show", options=epochs, value=epochs[-1], key=f"play_scrub_{len(epochs)}")
    snap = history[epochs.index(pick)]
    test = f", test loss {snap.test_loss:.4f}" if live.data.has_test else ""
    st.caption(f"Epoch {snap.epoch}: train loss {snap.train_loss:.4f}{test}.")
    maps = inspect.neuron_maps(snap, live.net)
    left, right = st.columns([1.05, 1])
    left.plotly_chart(figs.boundary_figure(maps, live.data), key="play_hist_boundary")
    right.plotly_chart(figs.neuron_maps_figure(maps, live.net), key="play_hist_maps")
    if pick != epochs[-1] and right.button(f"Rewind training to epoch {pick}", key="play_rewind",
                                           icon=":material/history:"):
        live.restore(snap)
        st.rerun()
