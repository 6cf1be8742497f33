"""Tokenizer inspector, batch mode: several sentences padded into input_ids and attention_mask."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.core.markdown import escape_md
from explorer.core.state import options
from explorer.tokenizers import figures as figs
from explorer.tokenizers.batch import MAX_ROWS, Batch, split_lines
from explorer.tokenizers.presets import NOTES_BATCH, PRESETS, batch_claim_rows
from explorer.tokenizers.state import TokenizerState
from pages.shared import control_tokens, url_state
from pages.tokenizer import cache
from pages.tokenizer.picker import title

SS = st.session_state


def _settings() -> None:
    url_state.text_area(st, "Sentences, one per line", TokenizerState, "tok", "batch", height=110,
                        help=f"Up to {MAX_ROWS} lines.")
    c = st.columns(5)
    c[0].radio("Padding", options(TokenizerState, "padding"), key="tok.padding")
    url_state.number_input(c[1], "max_length", TokenizerState, "tok", "maxlen")
    c[2].toggle("Truncation", key="tok.trunc")
    c[3].radio("Padding side", options(TokenizerState, "side"), key="tok.side")
    c[4].toggle("Add special tokens", key="tok.special")
    control_tokens.switch(st, TokenizerState, "tok")
    st.caption("input_ids is what the model receives; attention_mask tells it which cells are "
               "real (1) and which are padding to ignore (0).")


def show(keys: list[str]) -> None:
    """The sentences box and padding settings, then one batch per chosen tokenizer."""
    _settings()
    if not keys:
        return
    texts = tuple(split_lines(SS["tok.batch"]))
    if len(texts) < 2:
        st.warning("Batch mode needs two or more sentences, one per line.")
        return
    settings = (SS["tok.padding"], int(SS["tok.maxlen"]), SS["tok.trunc"], SS["tok.side"], SS["tok.special"],
                SS["tok.control"])
    for key in keys:
        with st.container(border=True):
            try:  # everything that can refuse a line (too long, bad IDs) stays inside
                b = cache.batch(key, texts, *settings)
                decoded = [cache.decode(key, tuple(row)).shown for row in b.as_lists()[0]]
            except cache.LOAD_ERRORS as err:
                st.error(f"**{escape_md(title(key))}**: {escape_md(err)}")
                continue
            _one_batch(key, b, decoded)
    if texts == NOTES_BATCH:
        _notes_batch(keys, texts, SS["tok.special"])


def _one_batch(key: str, b: Batch, decoded: list[str]) -> None:
    st.markdown(f"**{escape_md(title(key))}**: pad ID {b.pad_id} ({escape_md(b.pad_token)}, "
                f"{escape_md(b.pad_note)}); lengths before padding {b.lengths.tolist()}; "
                f"typed control tokens: {int(b.is_typed.sum())}")
    if b.refused:
        st.warning(f"{escape_md(b.refusal)} Rows {list(b.refused)} are refused by this library by "
                   "default; shown here: their plain-text reading.", icon=":material/warning:")
    if b.truncated.any():
        st.caption(f"Truncation dropped {b.truncated.tolist()} text tokens per row.")
    if b.ragged:
        st.warning("Rows have different lengths: with this padding choice the batch is "
                   "ragged and could not be stacked into one tensor. Pick 'longest', or "
                   "'max_length' with truncation.")
    if b.input_ids.shape[1] > figs.GRID_POSITIONS:
        st.caption(f"The grid draws the first {figs.GRID_POSITIONS} of {b.input_ids.shape[1]:,} positions; "
                   "the lists below hold them all.")
    st.plotly_chart(figs.batch_grid(b), width="stretch", key=f"tok_grid_{key}")
    ids, mask = b.as_lists()
    st.code(_python("input_ids", ids) + "\n" + _python("attention_mask", mask), language="python")
    st.caption("Each row decoded back, pads included (what the notes' step 3 prints):")
    st.code("\n".join(f"row {i}: {text!r}" for i, text in enumerate(decoded)), language=None)


def _python(name: str, rows: list[list[int]]) -> str:
    """Rows as a Python assignment, one row per line."""
    return f"{name} = [\n    " + ",\n    ".join(str(row) for row in rows) + ",\n]"


def _notes_batch(keys: list[str], texts: tuple[str, ...], special: bool) -> None:
    preset = PRESETS["padding"]
    st.subheader("The notes' batch vs the real one")
    st.markdown(f"The notes ran **{preset.claim_by}**; the WordPiece tokenizer here is MiniLM's "
                "*uncased* BERT vocabulary, so the IDs differ by design (`bert` is 14324 here).")
    real = cache.batch("bert", texts, "longest", 8, False, "right", special) if "bert" in keys else None
    st.dataframe(pd.DataFrame(batch_claim_rows(preset, real)), hide_index=True, width="stretch")
    st.info(preset.remark)
