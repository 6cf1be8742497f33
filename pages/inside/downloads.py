"""The page's numbers as files (JSON: everything; CSV: per-token surprise) and the share note."""
from __future__ import annotations

import streamlit as st

from explorer.inside.export import report_json, scores_csv


def show(walk, lens, archs, a, b) -> None:
    """Download buttons for the JSON report and the surprise CSV."""
    cols = st.columns(2)
    cols[0].download_button("Download every number (JSON)", report_json(walk, lens, archs, a, b),
                            file_name="inside-a-transformer.json", mime="application/json",
                            icon=":material/download:", on_click="ignore")
    cols[1].download_button("Download per-token surprise (CSV)", scores_csv(a, b),
                            file_name="inside-a-transformer-surprise.csv", mime="text/csv",
                            icon=":material/download:", on_click="ignore")
    st.caption("Share what you see: this page's URL holds the prompt, the chat switch, how typed control tokens "
               "are read, the block, head and token you follow, the two evaluation texts and the shuffle seed.")
