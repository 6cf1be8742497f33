"""Sampling lab, steps view: each generated token's probability and effective number of choices."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.sampling import figures as figs
from explorer.sampling.generation import Path


def show(path: Path | None) -> None:
    """Per-step probabilities and effective number of choices."""
    if path is None:
        st.info("Generate some tokens first: each step's entropy and alternatives appear here.")
        return
    st.plotly_chart(figs.entropy_chart({"path": path}), key="samp_entropy", config={"displayModeBar": False})
    st.caption("Effective choices = exp(entropy): 1 means the model had no real choice; 10 means it was "
               "as unsure as a fair 10-sided die. Dotted: the raw model at T=1.")
    table = pd.DataFrame({"token": [repr(p) for p in path.pieces], "p_final": path.p_final,
                          "p_base": path.p_base, "model rank": path.rank_base,
                          "effective choices": path.effective_choices, "replayed": path.forced})
    st.dataframe(table, width="stretch", height=260,
                 column_config={"p_final": st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1),
                                "p_base": st.column_config.NumberColumn(format="percent")})
