"""Home: what LLM Explorer is, and which page brings each topic of the notes to life."""
import streamlit as st

from pages.shared.nav import available_pages

st.title("LLM Explorer")
st.markdown(
    "See how large language models work by watching **real models** do it: a small "
    "PyTorch network training live, real tokenizers cutting text into IDs, real "
    "embeddings, the attention of a real encoder and decoder, and the next-token "
    "distribution of a real 135M-parameter chat model. Everything runs offline on "
    "models bundled with the app; pick a page to start."
)

pages = [p for p in available_pages() if not p.default]
st.subheader("Study-note topics and where to see them")
for page in pages:
    with st.container(border=True):
        left, right = st.columns([1, 2], vertical_alignment="center")
        left.page_link(page.file, label=page.title, icon=page.icon)
        right.markdown(page.topics)

st.caption(
    "Every page keeps its settings in the URL: copy the address to share exactly "
    "what you see. Models run on a CUDA GPU when one is present, else on the CPU."
)
