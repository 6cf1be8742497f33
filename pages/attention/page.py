"""Attention heatmaps: where each token of a real encoder, decoder or encoder-decoder looks, head by head."""
import streamlit as st

from explorer.attention.focus import pick_cell
from explorer.attention.seq2seq import CrossAttention
from explorer.attention.state import LONG, SHOWS, VIEWS, AttentionState
from pages.attention import (bertviz_view, compare, cross, focus, grid, head_tags, heatmap, inputs, show_work,
                             what_ran)
from pages.shared import url_state
from pages.shared.url_state import read_widgets, sync_widgets, write_url

P = "attn"

st.title("Attention heatmaps")
st.markdown(
    "Self-attention lets every token build its new meaning from a weighted mix of other tokens. "
    "Each **head** computes its own weights: a softmax over scores *q·k*, scaled (usually by 1/√d), "
    "one row per token (the *query*), one column per token it may read (the *key*). Below are the real "
    "weights of **MiniLM** (a BERT encoder: every token sees every token), **SmolLM2** (a decoder: a token "
    "sees only the past) or a hub model, encoder-decoders (T5, BART) included."
)
sync_widgets(AttentionState, P)
inputs.controls()

pre = read_widgets(AttentionState, P)
loaded = inputs.load_model(pre)
seq2seq = inputs.seq2seq_controls(loaded)
key = inputs.run_key(pre, seq2seq=seq2seq)
att = inputs.run(key) if loaded else None
layers, heads, n_q, n_k = inputs.dims(att)
for field, count in (("layer", layers), ("head", heads)):
    st.session_state[f"{P}.{field}"] = min(st.session_state[f"{P}.{field}"], count - 1)

row = st.columns([3, 2, 2])
row[0].segmented_control("View", VIEWS, key=f"{P}.view", required=True)
row[1].selectbox("Show", SHOWS, key=f"{P}.show",
                 help="One head, the mean or max over the layer's heads, or attention rollout "
                      "(heads averaged, the residual path added, multiplied through the layers).")
row[2].toggle("Hide [CLS]/[SEP]/first token", key=f"{P}.sinks",
              help="Attention sinks soak up most weight; hiding them renormalises each row.")
sliders = st.columns([3, 3, 2, 1])
# Layer and head stop at this model's count (the URL allows up to 64; the page clamped the value above).
sliders[0].slider("Layer", 0, max(layers - 1, 1), key=f"{P}.layer", disabled=layers < 2)
sliders[1].slider("Head", 0, max(heads - 1, 1), key=f"{P}.head", disabled=heads < 2)
sliders[2].selectbox("Long inputs", LONG, key=f"{P}.long",
                     help=f"auto: a full heatmap up to {heatmap.LONG_AT} tokens, top-k edges beyond.")
url_state.number_input(sliders[3], "k", AttentionState, P, "k", help="Keys kept per query in top-k mode.")
q_tokens, k_tokens = inputs.tokens(att) if att is not None else ((), ())
fmt_q = (lambda i: "automatic" if i < 0 else f"{i}: {q_tokens[i]}") if att is not None else str
fmt_k = (lambda i: "automatic" if i < 0 else f"{i}: {k_tokens[i]}") if att is not None else str
cells = st.columns(2)
cells[0].selectbox("Query token (row) to explain", inputs.position_options(n_q, ("query", "mask")),
                   key=f"{P}.query", format_func=fmt_q)
cells[1].selectbox("Key token (column)", inputs.position_options(n_k, ("key",)), key=f"{P}.key", format_func=fmt_k)
state = write_url(AttentionState, P)
if att is None:
    st.subheader("Compare")
    compare.controls(1, str)  # drawn anyway: a widget missing from a run loses its state
    st.stop()

what_ran.show(att, state, loaded, key)
if isinstance(att, CrossAttention):
    cross.show(att, state, key)
    query, cell_key = cross.cell(att, state)
    st.subheader("Show the work for one cell")
    show_work.show(key, state, query, cell_key, q_tokens, k_tokens)
    st.subheader("Compare")
    st.caption("Head patterns and comparisons are about self-attention: pick the encoder's or the "
               "decoder's self-attention above to see them.")
    compare.controls(n_q, fmt_q)
    st.stop()

if state.view == "heatmap":
    heatmap.show(att, state, key)
elif state.view == "grid":
    grid.show(att, state, key)
else:
    bertviz_view.show(att, state, key, "head" if state.view == "head view" else "model")

asked = state.target if key.part == "decoder" and state.target.strip() else state.text  # the preset question
cell = pick_cell(att, asked, state.layer, state.head, state.query, state.key)
st.subheader(f"Where does “{focus.token_md(att.tokens[cell.query])}” look?")
focus.show(att, state, cell, loaded.spec.title)
st.subheader("Show the work for one cell")
show_work.show(key, state, cell.query, cell.key, q_tokens, k_tokens)
st.subheader("Head patterns, measured")
head_tags.show(att, key)
st.subheader("Compare")
compare.controls(n_q, fmt_q)
if key.part == "decoder":
    st.caption("Comparisons run the encoder: pick the encoder's self-attention above to compare.")
else:
    compare.show(att, state, loaded)
