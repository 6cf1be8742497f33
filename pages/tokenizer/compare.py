"""Tokenizer inspector, compare mode: one text through every chosen tokenizer, side by side."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.core.markdown import escape_md
from explorer.tokenizers import figures as figs
from explorer.tokenizers.adapters import MAX_CHARS, Tokenized, check_text
from explorer.tokenizers.chips import token_panel
from explorer.tokenizers.diff import diff_tokenized
from explorer.tokenizers.presets import claim_rows, preset_for
from explorer.tokenizers.state import TokenizerState
from pages.shared import control_tokens, url_state
from pages.tokenizer import cache
from pages.tokenizer.picker import title

SS = st.session_state
MARKERS_HELP = ("Markers: **Ġ** = a space glued to the next word (byte-level BPE), **▁** = a "
                "space (SentencePiece), **##** = continues the previous piece (WordPiece), "
                "**Ċ** = newline, **<0xE4>** = one raw byte, **·** = a space.")


def show(keys: list[str]) -> None:
    """The text box and its switches, then the comparison (when a tokenizer is chosen)."""
    url_state.text_area(st, "Text", TokenizerState, "tok", "text", height=110,
                        help=f"Up to {MAX_CHARS:,} characters. Longer text is refused, never cut silently.")
    left, right = st.columns(2)
    left.toggle("Show raw pieces (Ġ ▁ ##) and whitespace", key="tok.markers")
    left.toggle("Add special tokens (add_special_tokens)", key="tok.special")
    control_tokens.switch(right, TokenizerState, "tok")
    if keys:
        _compare(keys, SS["tok.text"], SS["tok.markers"], SS["tok.special"], SS["tok.control"])


def _tokenize_all(keys: list[str], text: str, special: bool, control: str) -> list[Tokenized]:
    results = []
    progress = st.progress(0.0, text="Tokenizing...") if len(text) > 2_000 else None
    for n, key in enumerate(keys):
        try:
            results.append(cache.tokenize(key, text, special, control))
        except cache.LOAD_ERRORS as err:
            st.error(f"**{escape_md(title(key))}**: {escape_md(err)}")
        if progress:
            progress.progress((n + 1) / len(keys), text=f"Tokenized with {title(key)}")
    if progress:
        progress.empty()
    return results


def counts_line(r: Tokenized) -> str:
    """'added by the tokenizer: 2 ([CLS]=101, [SEP]=102) · typed control tokens: 1', escaped."""
    added = [f"{escape_md(p)}={int(i)}" for p, i, a in zip(r.pieces, r.ids, r.added) if a][:6]
    detail = f" ({', '.join(added)})" if added else ""
    return f"added by the tokenizer: {r.n_added}{detail} · typed control tokens: {r.n_typed}"


def _panel(n: int, r: Tokenized, markers: bool, differs) -> None:
    st.markdown(f"**{escape_md(r.title)}** · {r.n_tokens:,} tokens · {counts_line(r)}")
    control_tokens.notice(st, cache.adapter(r.key).obj, r.text, r.control)
    if r.refused:
        st.caption("Refused by the library; beside the refusal, the same text read as plain text:")
    st.html(token_panel(r, f"p{n}", markers, differs))


def _compare(keys: list[str], text: str, markers: bool, special: bool, control: str) -> None:
    """Colour-coded tokens side by side, counts, cut differences, context gauge, bytes."""
    if not text:
        st.warning("The text box is empty: type or paste some text, or load a preset.")
        return
    try:
        check_text(text, MAX_CHARS)
    except ValueError as err:
        st.error(escape_md(err))
        return
    results = _tokenize_all(keys, text, special, control)
    if not results:
        return
    if markers:
        st.caption(MARKERS_HELP)
    diff = diff_tokenized(results)
    st.dataframe(figs.counts_table(results), hide_index=True, width="stretch")
    if len(results) > 1:
        st.caption(f"{diff.n_differ} of {len(diff.differs)} stretches of text are cut differently "
                   "by these tokenizers (red underline). Hover a token to see its ID, bytes and "
                   "span; hover an ID to find its token. Same ID, same colour.")
    cols = st.columns(2 if len(results) > 1 else 1)
    for n, r in enumerate(results):
        with cols[n % len(cols)].container(border=True):
            _panel(n, r, markers, diff.token_differs[n])
    _notes_vs_real(text, results)
    _context_and_bytes(results, list(diff.token_differs))


def _notes_vs_real(text: str, results: list[Tokenized]) -> None:
    preset = preset_for(text)
    if preset is None or not (preset.claim_tokens or preset.remark):
        return
    if preset.claim_tokens:
        st.subheader("The notes vs the real tokenizers")
        claim = " | ".join(preset.claim_tokens)
        ids = f", IDs {list(preset.claim_ids)}" if preset.claim_ids else ""
        st.markdown(f"**Notes ({preset.claim_by}):** `{claim}`{ids}")  # the notes' own words, not user text
        st.dataframe(pd.DataFrame(claim_rows(preset, results)), hide_index=True, width="stretch")
    if preset.remark:
        st.info(preset.remark)


def _context_and_bytes(results: list[Tokenized], diffs: list) -> None:
    st.subheader("Context window")
    st.plotly_chart(figs.context_gauge(results), width="stretch")
    if st.toggle("Bytes view: one row per token with its bytes, where it sits in the text and where it came from",
                 key="tok_bytes_view"):
        st.dataframe(figs.token_table(results, diffs), hide_index=True, width="stretch")
    st.download_button("Download the token table (CSV)", key="tok_csv", file_name="tokens.csv",
                       mime="text/csv", on_click="ignore",
                       data=lambda: figs.token_table(results, diffs).to_csv(index=False))
