"""Search and answer: vector search over real documents, then SmolLM2 answers with and without them."""
import streamlit as st

from explorer.core.markdown import escape_md
from explorer.core.sources import ModelUnavailable
from explorer.rag.state import RagState
from pages.rag import cache
from pages.rag.answers import answers_panel
from pages.rag.corpus_picker import library_panel
from pages.rag.index_stats import index_panel
from pages.rag.question import question_panel
from pages.rag.retrieval import retrieval_panel
from pages.shared.url_state import read_widgets, sync_widgets, write_url

st.title("Search and answer")
st.caption("Retrieval-augmented generation (RAG) with real parts: documents are cut into chunks, "
           "MiniLM turns each chunk into a vector, a FAISS index finds the chunks nearest to "
           "your question, and SmolLM2 answers with them pasted into its prompt. Compare that "
           "with no context and with random chunks.")
sync_widgets(RagState, "rag")
state = read_widgets(RagState, "rag")  # widget values are current before they are drawn
cache.faiss_threads()

st.subheader("1. Documents and chunks")
picked = library_panel(state)
question = None
if picked is not None:
    lib_key, lib = picked
    st.subheader("2. Question")
    question = question_panel(state)
    try:
        if question:
            st.subheader("3. Search")
            retrieval = retrieval_panel(state, lib_key, lib, question)
            st.subheader("4. Answer three ways")
            answers_panel(state, lib, question, retrieval)
    except ModelUnavailable as err:
        st.error(f"A model this page needs is missing: {escape_md(err)}")
    st.subheader("5. The index: exact or approximate?")
    index_panel(state, lib_key, lib, question)

state = write_url(RagState, "rag")
st.divider()
st.caption(f"Share this view: the link in your address bar restores the documents, chunking, "
           f"search and prompt settings, the question, the seed and how typed control tokens are read "
           f"({len(state.to_query())} settings differ from the defaults). Uploaded files are not in the link.")
