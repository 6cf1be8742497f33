"""Sampling lab, logit lens: the inspected token's rank after every layer of SmolLM2."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.core.markdown import escape_md
from explorer.sampling import figures as figs
from explorer.sampling.generation import Path, Prompt
from explorer.sampling.state import SamplingState
from pages.sampling import cache


def show(state: SamplingState, prompt: Prompt, path: Path | None) -> None:
    """Rank of the inspected token after every layer (final norm + lm_head on each hidden state)."""
    ids = state.path_ids()
    if state.at and path is not None:
        context, target = prompt.ids + ids[: state.at - 1], int(path.token_ids[state.at - 1])
        what = f"token #{state.at}"
    else:
        context, target = prompt.ids + ids, cache.decision(prompt.ids, ids, state.sampling()).top_id
        what = "the model's top next token"
    piece = cache.piece(target)
    with st.spinner("Decoding every layer..."):
        lens = cache.lens(tuple(context), target)
    st.plotly_chart(figs.lens_chart(lens, piece), key="samp_lens", config={"displayModeBar": False})
    first = lens.first_top_layer
    st.markdown(f"Logit lens for {what}, **{escape_md(repr(piece))}**: each layer's hidden state is sent through the final "
                f"norm and the output head as if it were the last layer. "
                + (f"It becomes the top prediction at layer **{first}** of {lens.layers[-1]}."
                   if first is not None else "No layer ranks it first (it was a sampled long shot)."))
    st.dataframe(pd.DataFrame({"layer": lens.layers, "rank of token": lens.rank, "p(token)": lens.prob,
                               "layer's top token": [repr(p) for p in lens.top_pieces]}),
                 width="stretch", height=240, hide_index=True)
