"""The Search and answer page's cached corpus, library (vectors + FAISS indexes), searches and answers.

The library is a cache_resource (FAISS indexes are not picklable), one per
corpus and chunk setting, at most LIBRARIES of them. Everything else is
cache_data with max_entries. Arguments starting with "_" are not hashed: the
`key` / `lib_key` argument next to them names what they hold.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.core import projections
from explorer.core.sentence_vectors import sentence_vectors
from explorer.rag import answers, corpus, index, library, prompts
from explorer.rag.chunking import ChunkConfig, chunk_corpus
from pages.shared import model_cache

LIBRARIES = 4  # corpus x chunk settings kept per server: ~1-5 MB of vectors each


@st.cache_resource(show_spinner=False)
def faiss_threads() -> int:
    """FAISS's OpenMP thread count, set once per server like torch's."""
    return index.configure_threads()


@st.cache_data(show_spinner=False, max_entries=4)
def sections(name: str) -> tuple[corpus.Section, ...]:
    """A built-in corpus split into sections."""
    return corpus.python_topics(name)


@st.cache_data(show_spinner=False, max_entries=8)
def uploads(files: tuple[tuple[str, bytes], ...]) -> tuple[tuple[corpus.Section, ...], tuple[tuple[str, str], ...]]:
    """Sections of the uploaded files, and (error name, message) for each refused file."""
    found, errors = corpus.parse_uploads(list(files))
    return found, tuple((type(e).__name__, str(e)) for e in errors)


@st.cache_data(show_spinner=False, max_entries=16)
def chunk_count(key: str, size: int, overlap: int, _sections) -> tuple[int, int]:
    """(chunks kept, chunks before the cap) for a corpus and chunk setting: cheap, no model."""
    chunks = chunk_corpus(_sections, ChunkConfig(size, overlap))
    return len(chunks), chunks.total


@st.cache_resource(show_spinner=False, max_entries=LIBRARIES)
def build(key: str, size: int, overlap: int, _sections) -> library.Library:
    """Chunks, MiniLM vectors and the three FAISS indexes, once per corpus and setting."""
    model, tok = model_cache.encoder().obj
    return library.build_library(model, tok, _sections, ChunkConfig(size, overlap),
                                 device=model_cache.device())


@st.cache_data(show_spinner=False, max_entries=256)
def question_vector(question: str) -> np.ndarray:
    """The question's MiniLM vector [384], unit length."""
    model, tok = model_cache.encoder().obj
    return sentence_vectors(model, tok, [question], device=model_cache.device())[0]


@st.cache_data(show_spinner=False, max_entries=32)
def project(lib_key: str, question: str, _lib: library.Library):
    """PCA of the chunk vectors with the question appended as the last row (always shown)."""
    x = np.vstack([_lib.vectors, question_vector(question)[None]])
    return projections.project(x, projections.ProjectionConfig("pca"), keep=(len(x) - 1,))


@st.cache_data(show_spinner=False, max_entries=32)
def sweeps(lib_key: str, k: int, _lib: library.Library) -> list[index.Sweep]:
    """IVF and HNSW recall@k and time per query over the library's evaluation queries."""
    return [index.sweep(_lib.indexes, kind, _lib.query_vectors, k) for kind in ("ivf", "hnsw")]


@st.cache_data(show_spinner=False, max_entries=128)
def prompt(question: str, contexts: tuple[tuple[str, str], ...], cfg: prompts.PromptConfig
           ) -> prompts.BuiltPrompt:
    """The chat-templated prompt and its SmolLM2 token ids."""
    return prompts.build_prompt(model_cache.causal_lm().obj[1], question, contexts, cfg)


@st.cache_data(show_spinner=False, max_entries=128)
def answer(prompt_ids: tuple[int, ...], new_tokens: int) -> answers.Answer:
    """SmolLM2's greedy answer to one prompt: the prompt's ids hold question, settings and chunks."""
    model, tok = model_cache.causal_lm().obj
    return answers.generate_answer(model, tok, prompt_ids, max_new_tokens=new_tokens,
                                   device=model_cache.device())
