"""Embedding space: GloVe words, analogies, axes, neighbours; MiniLM sentences; contextual vectors."""
import streamlit as st

from explorer.core.markdown import escape_md
from explorer.core.sources import ModelUnavailable
from explorer.embeddings.state import MODES, EmbeddingsState
from pages.embeddings import analogy, axes, cache, contextual, neighbours, sentences, words
from pages.shared.url_state import read_widgets, sync_widgets, write_url

MODE_LABELS = {"words": "Words", "analogy": "Analogy", "axes": "Semantic axes",
               "neighbours": "Neighbours", "sentences": "Sentences", "contextual": "Contextual"}
GLOVE_MODES = {"words": words.show, "analogy": analogy.show, "axes": axes.show,
               "neighbours": neighbours.show}
MODEL_MODES = {"sentences": sentences.show, "contextual": contextual.show}
INTRO = {
    "words": "Each GloVe word is a list of 50 numbers. Nearby words were used in similar "
             "contexts. The picture squeezes 50 dimensions into 2 or 3, so it always lies a "
             "little: the trust score below says how much.",
    "analogy": "Vector arithmetic on meanings: take *a*, remove what *b* has, add what *c* has, "
               "then find the closest real word (never one of the three inputs).",
    "axes": "A pair of words defines a direction (man → woman). Every other word gets an exact "
            "coordinate along it: no projection involved.",
    "neighbours": "The closest words in the original 50 dimensions, searched over all 400,000 "
                  "words with one matrix-vector product.",
    "sentences": "all-MiniLM-L6-v2 turns a whole sentence into 384 numbers (average of its "
                 "token vectors, scaled to length 1). Similar meanings land close together.",
    "contextual": "GloVe gives “bank” one vector. A transformer gives it a different vector in "
                  "every sentence, built layer by layer. Watch where the senses pull apart.",
}

st.title("Embedding space")
sync_widgets(EmbeddingsState, "emb")
state = read_widgets(EmbeddingsState, "emb")  # widget values are current before they are drawn

st.segmented_control("Mode", MODES, format_func=MODE_LABELS.get, key="emb.mode",
                     required=True, label_visibility="collapsed")
mode = st.session_state.get("emb.mode") or "words"
st.caption(INTRO[mode])

try:
    if mode in MODEL_MODES:
        MODEL_MODES[mode](state)
    else:
        with st.spinner("Loading GloVe (400,000 words)..."):
            space = cache.space()
        GLOVE_MODES[mode](state, space)
except ModelUnavailable as err:
    st.error(f"A model this mode needs is missing: {escape_md(err)}")

state = write_url(EmbeddingsState, "emb")
st.divider()
st.caption(f"Share this view: the link in your address bar restores mode, words, method, "
           f"parameters and seed ({len(state.to_query())} settings differ from the defaults).")
