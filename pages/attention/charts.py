"""How every chart on the Attention page is drawn: full width, PNG export from the toolbar."""
from __future__ import annotations

import streamlit as st

PLOT_CONFIG = {"toImageButtonOptions": {"format": "png", "filename": "attention", "scale": 2},
               "displaylogo": False}


def show_chart(fig, key: str, where=st, **events):
    """Draw a plotly figure in `where` (the page or a column); `events` go to st.plotly_chart."""
    return where.plotly_chart(fig, width="stretch", config=PLOT_CONFIG, key=key, **events)
