"""Sampling lab, side by side: two temperature / top-p settings on the same prompt and seed."""
from __future__ import annotations

import streamlit as st

from explorer.sampling import figures as figs
from explorer.sampling.generation import Prompt, RunConfig
from explorer.sampling.state import SamplingState
from pages.sampling import cache
from pages.shared.url_state import read_widgets, slider

P = "samp"
SIDES = ("a", "b")


def show(state: SamplingState, prompt: Prompt) -> None:
    """Two settings, same prompt and seed: a token strip each, then both entropy curves."""
    cols = st.columns(2)
    for col, side in zip(cols, SIDES):
        slider(col, f"Temperature {side.upper()}", SamplingState, P, f"{side}_temperature", step=0.05)
        slider(col, f"Top-p {side.upper()}", SamplingState, P, f"{side}_top_p", step=0.01)
    state = read_widgets(SamplingState, P)  # the sliders above may have just changed
    paths = {}
    for col, side in zip(cols, SIDES):
        cfg = state.side(side)
        with col, st.spinner(f"Generating {state.n_new} tokens for {side.upper()}..."):
            path = cache.path(prompt.ids, cfg, RunConfig(state.n_new, state.seed))
        label = f"{side.upper()}: T={cfg.temperature:g}, top-p {cfg.top_p:g}"
        paths[label] = path
        col.plotly_chart(figs.token_strip(path, line_chars=30), key=f"samp_side_{side}",
                         config={"displayModeBar": False})
        col.caption(f"{label} · seed {state.seed} · mean effective choices "
                    f"{path.mean_effective_choices:.1f} · stopped: {path.stopped}")
    st.plotly_chart(figs.entropy_chart(paths), key="samp_side_entropy", config={"displayModeBar": False})
    st.caption("Same prompt, same seed, same random numbers: only the settings differ. The study notes say "
               "higher values are 'more creative' and lower ones 'more precise'; here you can see what that "
               "means in tokens: low T sticks to the model's favourite, high T takes long shots (red).")
