"""Playground CSV upload: the uploader, a worked example file, and parse errors shown inertly."""
from __future__ import annotations

import hashlib
import math

import streamlit as st

from explorer.core.markdown import escape_md
from explorer.playground.datasets import CSV_MAX_BYTES, CSV_MAX_ROWS, CsvData, DataError, example_csv, parse_csv

SS = st.session_state
EXAMPLE_CSV = example_csv()
UPLOAD_MB = math.ceil(CSV_MAX_BYTES / 1e6)  # the uploader refuses bigger files before they reach the server


def upload() -> tuple[CsvData | None, str]:
    """The uploaded CSV parsed (or None) and a digest that identifies it."""
    st.file_uploader(f"CSV with columns x1, x2, label (at most {CSV_MAX_ROWS:,} rows, "
                     f"{CSV_MAX_BYTES // 1000} KB)", type=["csv", "txt"], key="play_csv",
                     max_upload_size=UPLOAD_MB)
    st.download_button("Example CSV (XOR, 60 rows)", EXAMPLE_CSV, "xor_example.csv", "text/csv",
                       icon=":material/download:", on_click="ignore")
    uploaded = SS.get("play_csv")
    if uploaded is None:
        st.info("Upload a CSV to train on your own data. Integer labels (up to 6 values) or text labels make "
                "a classification task; other numbers make a regression task.")
        return None, ""
    raw = uploaded.getvalue()
    try:
        parsed = parse_csv(raw)
    except DataError as err:
        st.error(f"Cannot use this CSV: {escape_md(err)}")
        return None, ""
    for note in parsed.notes:
        st.caption(escape_md(note))
    return parsed, hashlib.sha1(raw).hexdigest()
