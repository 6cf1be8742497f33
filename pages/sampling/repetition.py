"""Sampling lab, repetition lab: greedy vs each penalty vs sampling, repeated 3-grams outlined."""
from __future__ import annotations

import streamlit as st

from explorer.sampling import figures as figs
from explorer.sampling.generation import Prompt, RunConfig
from explorer.sampling.repetition import (
    FALLBACK_FREQUENCY, FALLBACK_PRESENCE, FALLBACK_REPETITION, comparison_runs, repeated_ngrams, repeated_share,
)
from explorer.sampling.state import SamplingState
from pages.sampling import cache

NGRAM = 3
PENALTIES_TEXT = (
    "- **Repetition penalty** (transformers, Keskar et al. 2019): every token already in the context, "
    "prompt included, has its logit divided by the penalty (multiplied if negative). Once, however often "
    "it appeared.\n- **Frequency penalty** (OpenAI API): subtract penalty x count, so the 5th repeat is "
    "punished 5 times as hard.\n- **Presence penalty** (OpenAI API): subtract the penalty once a token has "
    "appeared at all.\nThe last two count generated tokens only and are not options of `generate()`; "
    "the lab adds them as an extra logits processor.")


def show(state: SamplingState, prompt: Prompt) -> None:
    """Greedy vs penalties vs sampling on the same prompt; repeated 3-grams outlined in red."""
    runs = comparison_runs(state.sampling())
    st.caption(f"{state.n_new} tokens each (the sidebar's tokens per click) from the same prompt and seed "
               f"{state.seed}. Red outline = the token is part of a {NGRAM}-token sequence that already "
               f"appeared. Set the penalties in the sidebar (used here when off: repetition "
               f"{FALLBACK_REPETITION:g}, frequency {FALLBACK_FREQUENCY:g}, presence {FALLBACK_PRESENCE:g}).")
    bar = st.progress(0.0, text="Generating...")
    for i, (label, cfg) in enumerate(runs.items()):
        bar.progress(i / len(runs), text=f"Generating: {label}")
        path = cache.path(prompt.ids, cfg, RunConfig(state.n_new, state.seed))
        st.markdown(f"**{label}** · repeated {NGRAM}-gram tokens: **{repeated_share(path.token_ids, NGRAM):.0%}**")
        st.plotly_chart(figs.token_strip(path, highlight=repeated_ngrams(path.token_ids, NGRAM)),
                        key=f"samp_rep_{i}", config={"displayModeBar": False})
    bar.empty()
    st.markdown(PENALTIES_TEXT)
