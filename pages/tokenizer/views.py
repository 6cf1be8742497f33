"""Tokenizer inspector: one render function per mode (UI only, no math)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.tokenizers import figures as figs
from explorer.tokenizers.chips import piece_strip, token_panel
from explorer.core.models import SPECS
from explorer.core.sources import ModelUnavailable
from explorer.tokenizers.batch import split_lines
from explorer.tokenizers.decode import parse_ids
from explorer.tokenizers.diff import diff_tokenized
from explorer.tokenizers.presets import NOTES_BATCH, PRESETS, claim_matches, plain_pieces
from explorer.tokenizers.adapters import MAX_CHARS, check_text
from pages.tokenizer import cache

ERRORS = (ValueError, ModelUnavailable, OSError)


def title(key: str) -> str:
    """Menu label for a tokenizer key."""
    return SPECS[key].title if key in SPECS else key.removeprefix("hub:")


def _tokenize_all(keys: list[str], text: str, special: bool) -> list:
    results = []
    progress = st.progress(0.0, text="Tokenizing...") if len(text) > 2_000 else None
    for n, key in enumerate(keys):
        try:
            results.append(cache.tokenize(key, text, special))
        except ERRORS as err:
            st.error(f"**{title(key)}**: {err}")
        if progress:
            progress.progress((n + 1) / len(keys), text=f"Tokenized with {title(key)}")
    if progress:
        progress.empty()
    return results


def _added_line(r) -> str:
    added = [f"`{p}`={int(i)}" for p, i, a in zip(r.pieces, r.ids, r.added) if a]
    return "added " + ", ".join(added) if added else "adds no special tokens"


def counts_frame(results: list) -> pd.DataFrame:
    """The counts table: one row per tokenizer."""
    rows = []
    for r in results:
        s = r.stats()
        rows.append({"tokenizer": r.title, "tokens": s["tokens"], "characters": s["characters"],
                     "bytes": s["bytes"], "bytes / token": round(s["bytes_per_token"], 2),
                     "tokens / word": round(s["tokens_per_word"], 2),
                     "special tokens": int(r.added.sum()),
                     "context used": "?" if s["context_used"] is None else f"{100 * s['context_used']:.2f}%"})
    return pd.DataFrame(rows)


def compare_view(keys: list[str], text: str, markers: bool, special: bool) -> None:
    """Colour-coded tokens side by side, counts, cut differences, context gauge, bytes."""
    if not text:
        st.warning("The text box is empty: type or paste some text, or load a preset.")
        return
    try:
        check_text(text, MAX_CHARS)
    except ValueError as err:
        st.error(str(err))
        return
    results = _tokenize_all(keys, text, special)
    if not results:
        return
    if markers:
        st.caption("Markers: **Ġ** = a space glued to the next word (byte-level BPE), **▁** = a "
                   "space (SentencePiece), **##** = continues the previous piece (WordPiece), "
                   "**Ċ** = newline, **<0xE4>** = one raw byte, **·** = a space.")
    diff = diff_tokenized(results)
    st.dataframe(counts_frame(results), hide_index=True, width="stretch")
    if len(results) > 1:
        st.caption(f"{diff.n_differ} of {len(diff.differs)} stretches of text are cut differently "
                   "by these tokenizers (red underline). Hover a token to see its ID, bytes and "
                   "span; hover an ID to find its token. Same ID, same colour.")
    cols = st.columns(2 if len(results) > 1 else 1)
    for n, r in enumerate(results):
        with cols[n % len(cols)].container(border=True):
            st.markdown(f"**{r.title}** · {r.n_tokens:,} tokens · {_added_line(r)}")
            st.html(token_panel(r, f"p{n}", markers, diff.token_differs[n]))
    _notes_vs_real(text, results)
    st.subheader("Context window")
    st.plotly_chart(figs.context_gauge(results), width="stretch")
    diffs = list(diff.token_differs)
    if st.toggle("Bytes view: one row per token with its bytes and where it sits in the text",
                 key="tok_bytes_view"):
        st.dataframe(figs.token_table(results, diffs), hide_index=True, width="stretch")
    st.download_button("Download the token table (CSV)", key="tok_csv", file_name="tokens.csv",
                       mime="text/csv", on_click="ignore",
                       data=lambda: figs.token_table(results, diffs).to_csv(index=False))


def _notes_vs_real(text: str, results: list) -> None:
    preset = next((p for p in PRESETS.values() if p.mode == "compare" and p.text == text), None)
    if preset is None or not (preset.claim_tokens or preset.remark):
        return
    st.subheader("The notes vs the real tokenizers")
    if preset.claim_tokens:
        claim = " | ".join(preset.claim_tokens)
        ids = f", IDs {list(preset.claim_ids)}" if preset.claim_ids else ""
        st.markdown(f"**Notes ({preset.claim_by}):** `{claim}`{ids}")
        rows = [{"tokenizer": r.title, "real tokens": " | ".join(plain_pieces(r)),
                 "real IDs": str(r.ids.tolist()),
                 "same pieces as notes": claim_matches(preset, r)["tokens"]} for r in results]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if preset.remark:
        st.info(preset.remark)


def batch_view(keys: list[str], batch_text: str, padding: str, maxlen: int, trunc: bool,
               side: str, special: bool) -> None:
    """input_ids and attention_mask for several sentences, per tokenizer."""
    texts = split_lines(batch_text)
    if len(texts) < 2:
        st.warning("Batch mode needs two or more sentences, one per line.")
        return
    for key in keys:
        try:
            b = cache.batch(key, tuple(texts), padding, maxlen, trunc, side, special)
        except ERRORS as err:
            st.error(f"**{title(key)}**: {err}")
            continue
        with st.container(border=True):
            st.markdown(f"**{title(key)}**: pad ID {b.pad_id} (`{b.pad_token}`, {b.pad_note}); "
                        f"lengths before padding {b.lengths.tolist()}")
            if b.truncated.any():
                st.caption(f"Truncation dropped {b.truncated.tolist()} text tokens per row.")
            if b.ragged:
                st.warning("Rows have different lengths: with this padding choice the batch is "
                           "ragged and could not be stacked into one tensor. Pick 'longest', or "
                           "'max_length' with truncation.")
            st.plotly_chart(figs.batch_grid(b), width="stretch", key=f"tok_grid_{key}")
            st.code(_rows("input_ids", b.input_ids) + "\n" + _rows("attention_mask", b.attention_mask),
                    language="python")
            decoded = [cache.decode(key, tuple(int(v) for v in row if v >= 0)).shown
                       for row in b.input_ids]
            st.caption("Each row decoded back, pads included (what the notes' step 3 prints):")
            st.code("\n".join(f"row {i}: {text!r}" for i, text in enumerate(decoded)), language=None)
    if tuple(texts) == NOTES_BATCH:
        _notes_batch(keys, tuple(texts), special)


def _rows(name: str, grid) -> str:
    """A [row, position] grid as Python, one row per line; -1 cells (ragged) left out."""
    lines = [str([int(v) for v in row if v >= 0]) for row in grid]
    return f"{name} = [\n    " + ",\n    ".join(lines) + ",\n]"


def _notes_batch(keys: list[str], texts: tuple[str, ...], special: bool) -> None:
    preset = PRESETS["padding"]
    st.subheader("The notes' batch vs the real one")
    st.markdown(f"The notes ran **{preset.claim_by}**; the WordPiece tokenizer here is MiniLM's "
                "*uncased* BERT vocabulary, so the IDs differ by design (`bert` is 14324 here).")
    rows = [{"row": i, "notes (bert-base-cased)": str(list(r))} for i, r in enumerate(preset.claim_rows)]
    if "bert" in keys:
        real = cache.batch("bert", texts, "longest", 8, False, "right", special)
        for i, row in enumerate(real.input_ids.tolist()):
            rows[i]["real (MiniLM uncased, padding='longest')"] = str(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.info(preset.remark)


def chat_view(user: str, system: str, genprompt: bool) -> None:
    """SmolLM2's chat template: what the model sees around a message."""
    try:
        view = cache.chat("smollm2-tok", user, system, genprompt)
    except ERRORS as err:
        st.error(str(err))
        return
    n_user = int(view.from_user.sum())
    st.markdown(f"Your message is **{n_user}** tokens; the template adds "
                f"**{view.tokens.n_tokens - n_user}** more (underlined in red). "
                f"Same IDs as `apply_chat_template(tokenize=True)`: "
                f"**{view.tokens.ids.tolist() == view.template_ids.tolist()}**.")
    st.html(piece_strip(view.tokens.pieces, view.tokens.raw, view.tokens.ids, ~view.from_user))
    st.caption("The exact string the template renders:")
    st.code(view.rendered, language=None)


def decode_view(keys: list[str], ids_text: str) -> None:
    """Paste IDs, read them back with every selected tokenizer."""
    try:
        ids = parse_ids(ids_text)
    except ValueError as err:
        st.error(str(err))
        return
    st.caption("The same IDs mean different text in each vocabulary.")
    for key in keys:
        with st.container(border=True):
            try:
                dec = cache.decode(key, tuple(ids))
            except ERRORS as err:
                st.error(f"**{title(key)}**: {err}")
                continue
            st.markdown(f"**{title(key)}**")
            st.html(piece_strip(dec.pieces, dec.raw, dec.ids))
            st.code(dec.shown, language=None)
