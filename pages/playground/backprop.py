"""Playground backprop tab: one mini-batch update previewed on a copy, edge by edge."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.core.markdown import escape_md
from explorer.playground import figures as figs
from explorer.playground import inspect
from explorer.playground.network import Trainer


def _update_rule(optimizer: str, lr: float, edge: dict) -> str:
    """The update of the edge with the largest gradient, as a sentence with its numbers."""
    name = escape_md(f"{edge['from']} → {edge['to']}")  # class names may come from a user's CSV
    before, grad, after = edge["weight before"], edge["gradient dL/dw"], edge["weight after"]
    if optimizer == "sgd":
        return (f"Plain SGD: w_new = w − rate × gradient. For the edge **{name}** (largest gradient): "
                f"{before:.4f} − {lr:g} × {grad:.4f} = **{after:.4f}**.")
    return (f"With {optimizer} the update also uses past gradients, so it is not just −rate × gradient. "
            f"Edge **{name}**: {before:.4f} → {after:.4f} (gradient {grad:.4f}).")


def show(live: Trainer, class_names: tuple[str, ...]) -> None:
    """One mini-batch of backprop on a copy: loss, gradient per edge, update, before/after."""
    step = inspect.backprop_step(live)
    cfg = live.train_cfg
    st.markdown(f"The next mini-batch has **{step.batch_size}** training points. Backpropagation gives the "
                f"gradient dL/dw of the batch loss for every weight; the optimizer (**{cfg.optimizer}**, rate "
                f"{cfg.lr:g}) turns it into an update. This is a preview on a copy: the live network is unchanged.")
    c1, c2, c3 = st.columns(3)
    c1.metric("Batch loss before", f"{step.loss_before:.5f}")
    c2.metric("Batch loss after the update", f"{step.loss_after:.5f}",
              delta=f"{step.loss_change:+.5f}", delta_color="inverse")
    rows = inspect.edge_table(step, live.net, class_names)
    biggest = inspect.largest_gradient(rows)
    st.markdown(_update_rule(cfg.optimizer, cfg.lr, biggest))
    c3.metric("Largest |gradient|", f"{abs(biggest['gradient dL/dw']):.4g}")
    st.plotly_chart(figs.backprop_figure(step, live.net, class_names), key="play_grads")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=260,
                 column_config={c: st.column_config.NumberColumn(format="%.5f") for c in list(rows[0])[2:]})
