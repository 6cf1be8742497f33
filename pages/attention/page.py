"""Attention heatmaps: where each token of a real encoder or decoder looks, head by head."""
import streamlit as st

from explorer.attention.focus import pick_cell
from explorer.attention.state import LONG, SHOWS, VIEWS, AttentionState
from pages.attention import bertviz_view, compare, focus, grid, head_tags, heatmap, inputs, show_work
from pages.shared.url_state import read_widgets, sync_widgets, write_url

P = "attn"

st.title("Attention heatmaps")
st.markdown(
    "Self-attention lets every token build its new meaning from a weighted mix of other tokens. "
    "Each **head** computes its own weights: a softmax over *q·k/√d*, one row per token "
    "(the *query*), one column per token it may read (the *key*). Below are the real weights "
    "of **MiniLM** (a BERT encoder: every token sees every token) and **SmolLM2** (a decoder: "
    "a token sees only the past)."
)
sync_widgets(AttentionState, P)
inputs.controls()

pre = read_widgets(AttentionState, P)
loaded = inputs.load_model(pre)
att = inputs.run(pre, pre.text) if loaded else None
layers, heads, n = att.shape if att else (1, 1, 1)
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
sliders[0].slider("Layer", 0, max(layers - 1, 1), key=f"{P}.layer", disabled=layers < 2)
sliders[1].slider("Head", 0, max(heads - 1, 1), key=f"{P}.head", disabled=heads < 2)
sliders[2].selectbox("Long inputs", LONG, key=f"{P}.long",
                     help=f"auto: a full heatmap up to {heatmap.LONG_AT} tokens, top-k edges beyond.")
sliders[3].number_input("k", 1, 64, key=f"{P}.k", help="Keys kept per query in top-k mode.")
options = inputs.position_options(n)
fmt = (lambda i: "automatic" if i < 0 else f"{i}: {att.tokens[i]}") if att else str
cells = st.columns(2)
cells[0].selectbox("Query token (row) to explain", options, key=f"{P}.query", format_func=fmt)
cells[1].selectbox("Key token (column)", options, key=f"{P}.key", format_func=fmt)
state = write_url(AttentionState, P)
if att is None:
    st.subheader("Compare")
    compare.controls(1, str)  # drawn anyway: a widget missing from a run loses its state
    st.stop()

inputs.notices(att, state)
if state.view == "heatmap":
    heatmap.show(att, state)
elif state.view == "grid":
    grid.show(att, state)
else:
    bertviz_view.show(att, state, "head" if state.view == "head view" else "model")

cell = pick_cell(att, state.text, state.layer, state.head, state.query, state.key)
st.subheader(f"Where does “{att.tokens[cell.query].strip() or att.tokens[cell.query]}” look?")
focus.show(att, state, cell, loaded.spec.title)
st.subheader("Show the work for one cell")
show_work.show(att, state, cell.query, cell.key)
st.subheader("Head patterns, measured")
head_tags.show(att, state)
st.subheader("Compare")
compare.controls(n, fmt)
compare.show(att, state)
