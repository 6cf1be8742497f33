"""Tokenizer inspector, batch mode: several sentences padded into input_ids and attention_mask."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.tokenizers import figures as figs
from explorer.tokenizers.batch import MAX_LENGTH, PADDINGS, SIDES, Batch, split_lines
from explorer.tokenizers.presets import NOTES_BATCH, PRESETS, batch_claim_rows
from pages.tokenizer import cache
from pages.tokenizer.picker import title

SS = st.session_state


def show(keys: list[str]) -> None:
    """The sentences box and padding settings, then one batch per chosen tokenizer."""
    st.text_area("Sentences, one per line", key="tok.batch", height=110)
    c = st.columns(5)
    c[0].radio("Padding", PADDINGS, key="tok.padding")
    c[1].number_input("max_length", 1, MAX_LENGTH, key="tok.maxlen")
    c[2].toggle("Truncation", key="tok.trunc")
    c[3].radio("Padding side", SIDES, key="tok.side")
    c[4].toggle("Add special tokens", key="tok.special")
    st.caption("input_ids is what the model receives; attention_mask tells it which cells are "
               "real (1) and which are padding to ignore (0).")
    if not keys:
        return
    texts = tuple(split_lines(SS["tok.batch"]))
    if len(texts) < 2:
        st.warning("Batch mode needs two or more sentences, one per line.")
        return
    settings = (SS["tok.padding"], int(SS["tok.maxlen"]), SS["tok.trunc"], SS["tok.side"], SS["tok.special"])
    for key in keys:
        try:
            b = cache.batch(key, texts, *settings)
        except cache.LOAD_ERRORS as err:
            st.error(f"**{title(key)}**: {err}")
            continue
        with st.container(border=True):
            _one_batch(key, b)
    if texts == NOTES_BATCH:
        _notes_batch(keys, texts, SS["tok.special"])


def _one_batch(key: str, b: Batch) -> None:
    st.markdown(f"**{title(key)}**: pad ID {b.pad_id} (`{b.pad_token}`, {b.pad_note}); "
                f"lengths before padding {b.lengths.tolist()}")
    if b.truncated.any():
        st.caption(f"Truncation dropped {b.truncated.tolist()} text tokens per row.")
    if b.ragged:
        st.warning("Rows have different lengths: with this padding choice the batch is "
                   "ragged and could not be stacked into one tensor. Pick 'longest', or "
                   "'max_length' with truncation.")
    st.plotly_chart(figs.batch_grid(b), width="stretch", key=f"tok_grid_{key}")
    ids, mask = b.as_lists()
    st.code(_python("input_ids", ids) + "\n" + _python("attention_mask", mask), language="python")
    decoded = [cache.decode(key, tuple(row)).shown for row in ids]
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
