"""Playground tabs shown while paused: backprop step, history scrubber, export and share."""
from __future__ import annotations

import dataclasses
import math
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from explorer.playground import network as pg
from explorer.playground import inspect
from explorer.playground import figures as figs
from explorer.playground.state import PlayState
from pages.playground.settings import plain

SS = st.session_state


def backprop_tab(live: pg.Trainer, class_names: tuple[str, ...]) -> None:
    """One mini-batch of backprop on a copy: loss, gradient per edge, update, before/after."""
    step = inspect.backprop_step(live)
    cfg = live.train_cfg
    st.markdown(f"The next mini-batch has **{step.batch_size}** training points. Backpropagation gives the "
                f"gradient dL/dw of the batch loss for every weight; the optimizer (**{cfg.optimizer}**, rate "
                f"{cfg.lr:g}) turns it into an update. This is a preview on a copy: the live network is unchanged.")
    c1, c2, c3 = st.columns(3)
    c1.metric("Batch loss before", f"{step.loss_before:.5f}")
    c2.metric("Batch loss after the update", f"{step.loss_after:.5f}",
              delta=f"{step.loss_after - step.loss_before:+.5f}", delta_color="inverse")
    rows = inspect.edge_table(step, live.net, class_names)
    biggest = max(rows, key=lambda r: abs(r["gradient dL/dw"]))
    edge = plain(f"{biggest['from']} → {biggest['to']}")  # class names may come from a user's CSV
    if cfg.optimizer == "sgd":
        st.markdown(f"Plain SGD: w_new = w − rate × gradient. For the edge **{edge}** "
                    f"(largest gradient): {biggest['weight before']:.4f} − {cfg.lr:g} × "
                    f"{biggest['gradient dL/dw']:.4f} = **{biggest['weight after']:.4f}**.")
    else:
        st.markdown(f"With {cfg.optimizer} the update also uses past gradients, so it is not just −rate × gradient. "
                    f"Edge **{edge}**: {biggest['weight before']:.4f} → "
                    f"{biggest['weight after']:.4f} (gradient {biggest['gradient dL/dw']:.4f}).")
    c3.metric("Largest |gradient|", f"{abs(biggest['gradient dL/dw']):.4g}")
    st.plotly_chart(figs.backprop_figure(step, live.net, class_names), key="play_grads")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=260,
                 column_config={c: st.column_config.NumberColumn(format="%.5f") for c in list(rows[0])[2:]})


def history_tab(live: pg.Trainer, class_names: tuple[str, ...]) -> None:
    """Scrub back through saved epochs and see the boundary as it was."""
    history = live.history
    if len(history) < 2:
        st.info("Train a few epochs first: every epoch is saved here (the oldest are thinned after 300).")
        return
    epochs = [s.epoch for s in history]
    pick = st.select_slider("Epoch to show", options=epochs, value=epochs[-1], key=f"play_scrub_{len(epochs)}")
    snap = history[epochs.index(pick)]
    loss = f"train loss {snap.train_loss:.4f}" + ("" if math.isnan(snap.test_loss) else f", test loss {snap.test_loss:.4f}")
    st.caption(f"Epoch {snap.epoch}: {loss}.")
    maps = inspect.neuron_maps(snap, live.net)
    left, right = st.columns([1.05, 1])
    left.plotly_chart(figs.boundary_figure(maps, live.data), key="play_hist_boundary")
    right.plotly_chart(figs.neuron_maps_figure(maps, live.net), key="play_hist_maps")
    if pick != epochs[-1] and right.button(f"Rewind training to epoch {pick}", key="play_rewind",
                                           icon=":material/history:"):
        live.restore(snap)
        st.rerun()


def export_tab(live: pg.Trainer, state: PlayState) -> None:
    """Download weights as JSON or as stand-alone PyTorch code; copy the share link."""
    snap = live.latest
    settings = {k: v for k, v in dataclasses.asdict(state).items() if not k.startswith("d_") and k != "drawn"}
    c1, c2 = st.columns(2)
    c1.download_button("Weights as JSON", inspect.export_json(snap, live.net, settings), "playground_weights.json",
                       "application/json", icon=":material/download:", on_click="ignore", key="play_dl_json")
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
