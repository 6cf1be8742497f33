"""Attention heatmaps: where each token of a real encoder or decoder looks, head by head."""
import streamlit as st

from explorer.attention.state import LONG, MAX_TEXT, MODELS, PRESETS, SHOWS, VIEWS, AttentionState
from pages.attention import panels as more
from pages.attention import heatmaps as views
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

top = st.columns([2, 3])
top[0].radio("Model", MODELS, key=f"{P}.model", format_func=views.MODEL_LABELS.get)
hub_off = st.session_state[f"{P}.model"] != "hub"
top[0].text_input("Hub model id", key=f"{P}.hub", placeholder="bert-base-uncased", max_chars=120,
                  disabled=hub_off)
top[0].radio("The hub model is a", ("encoder", "decoder"), key=f"{P}.kind", horizontal=True, disabled=hub_off)
top[1].selectbox("Presets from the study notes", list(PRESETS), index=None, key="attn_preset",
                 placeholder="Pick a sentence from the notes...", on_change=views.apply_preset)
top[1].text_area("Text", key=f"{P}.text", max_chars=MAX_TEXT, height=90,
                 help="Up to 512 tokens are run; longer text is cut with a notice.")

pre = read_widgets(AttentionState, P)
loaded = views.load_model(pre)
att = views.run(pre, pre.text) if loaded else None
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
                     help=f"auto: a full heatmap up to {views.LONG_AT} tokens, top-k edges beyond.")
sliders[3].number_input("k", 1, 64, key=f"{P}.k", help="Keys kept per query in top-k mode.")
options = more.position_options(n)
fmt = (lambda i: "automatic" if i < 0 else f"{i}: {att.tokens[i]}") if att else str
cells = st.columns(2)
cells[0].selectbox("Query token (row) to explain", options, key=f"{P}.query", format_func=fmt)
cells[1].selectbox("Key token (column)", options, key=f"{P}.key", format_func=fmt)
state = write_url(AttentionState, P)
if att is None:
    st.subheader("Compare")
    more.compare_controls(st, 1, str)  # drawn anyway: a widget missing from a run loses its state
    st.stop()

views.notices(att, state)
if state.view == "heatmap":
    views.heatmap_view(att, state)
elif state.view == "grid":
    views.grid_view(att, state)
else:
    views.bertviz_view(att, state, "head" if state.view == "head view" else "model")

auto_q, target, claim = views.question_targets(att, state.text)
plain = [i for i in range(len(att.tokens)) if not att.special[i]] or [0]
query = state.query if state.query >= 0 else (auto_q if auto_q >= 0 else plain[-1])
key = state.key if state.key >= 0 else (target if target >= 0 else
                                        int(att.weights[state.layer, state.head, query].argmax()))
name = loaded.spec.title

st.subheader(f"Where does “{att.tokens[query].strip() or att.tokens[query]}” look?")
views.focus_panel(att, state, query, target if state.query < 0 else -1, name, claim)
st.subheader("Show the work for one cell")
more.work_panel(att, state, query, key)
st.subheader("Head patterns, measured")
more.tags_panel(att, state)
st.subheader("Compare")
more.compare_controls(st, n, fmt)
more.compare_panel(att, state)
