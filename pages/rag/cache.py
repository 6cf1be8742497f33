"""The Search and answer page's cached corpus, library (vectors + FAISS indexes), searches and answers.

The library is a cache_resource (FAISS indexes are not picklable), one per
corpus, chunk setting and control-token reading, at most LIBRARIES of them.
Everything else is cache_data with max_entries. Arguments starting with "_"
are not hashed: the `key` / `lib_key` argument next to them names what they hold.

Largest object each cache can hold (measured: bench/bench_rag.py prints the sizes):
- sections: the whole reference corpus, 0.35 MB of text;
- uploads: the first MAX_FILES files, at most MAX_TOTAL_BYTES (500 KB) of text in all;
- build: a library of MAX_CHUNKS (3,000) chunks: 4.4 MB of vectors, flat / IVF / HNSW
  indexes of 4.4 / 4.5 / 4.8 MB and at most 1 MB of chunk text: about 20 MB, 80 MB for LIBRARIES;
- question_vector: 384 float32 (1.5 KB); project: MAX_CHUNKS + 1 2-D points (48 KB);
- prompt: MAX_PROMPT_TOKENS (2,048) ids, the text and its turns read two ways: about 40 KB;
- answer: MAX_NEW_TOKENS (96) tokens of text; chunk_count, embed_control: two numbers, one word.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.core import projections
from explorer.core.encoding import typed_controls
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
def uploads(files: tuple[tuple[str, bytes], ...], given: int
            ) -> tuple[tuple[corpus.Section, ...], tuple[tuple[str, str], ...]]:
    """Sections of the first MAX_FILES uploaded files (of `given`), and (error name, message) for each refused."""
    found, errors = corpus.parse_uploads(list(files), given)
    return found, tuple((type(e).__name__, str(e)) for e in errors)


@st.cache_data(show_spinner=False, max_entries=16)
def chunk_count(key: str, size: int, overlap: int, _sections) -> tuple[int, int]:
    """(chunks kept, chunks before the cap) for a corpus and chunk setting: cheap, no model."""
    chunks = chunk_corpus(_sections, ChunkConfig(size, overlap))
    return len(chunks), chunks.total


@st.cache_data(show_spinner=False, max_entries=16)
def embed_control(key: str, control: str, _sections) -> str:
    """The reading that changes the documents' MiniLM vectors: `control` when a section holds
    a MiniLM control-token string ([SEP], [CLS]), else "library" (both readings are the same,
    so the library is not built twice)."""
    tok = model_cache.encoder().obj[1]
    typed = any(typed_controls(tok, s.heading) or typed_controls(tok, s.text) for s in _sections)
    return control if typed else "library"


@st.cache_resource(show_spinner=False, max_entries=LIBRARIES)
def build(key: str, size: int, overlap: int, control: str, _sections) -> library.Library:
    """Chunks, MiniLM vectors and the three FAISS indexes, once per corpus, setting and reading."""
    model, tok = model_cache.encoder().obj
    return library.build_library(model, tok, _sections, ChunkConfig(size, overlap),
                                 device=model_cache.device(), control=control)


@st.cache_data(show_spinner=False, max_entries=256)
def question_vector(question: str, control: str = "library") -> np.ndarray:
    """The question's MiniLM vector [384], unit length; control: how a typed [SEP] is read."""
    model, tok = model_cache.encoder().obj
    return sentence_vectors(model, tok, [question], device=model_cache.device(), control=control)[0]


@st.cache_data(show_spinner=False, max_entries=32)
def project(lib_key: str, question: str, control: str, _lib: library.Library):
    """PCA of the chunk vectors with the question appended as the last row (always shown)."""
    x = np.vstack([_lib.vectors, question_vector(question, control)[None]])
    return projections.project(x, projections.ProjectionConfig("pca"), keep=(len(x) - 1,))


@st.cache_data(show_spinner=False, max_entries=32)
def sweeps(lib_key: str, k: int, _lib: library.Library) -> list[index.Sweep]:
    """IVF and HNSW recall@k and time per query over the library's evaluation queries."""
    return [index.sweep(_lib.indexes, kind, _lib.query_vectors, k) for kind in ("ivf", "hnsw")]


@st.cache_data(show_spinner=False, max_entries=128)
def prompt(question: str, contexts: tuple[tuple[str, str], ...], cfg: prompts.PromptConfig,
           control: str = "library") -> prompts.BuiltPrompt:
    """The chat-templated prompt, its SmolLM2 token ids and the turns the model reads."""
    return prompts.build_prompt(model_cache.causal_lm().obj[1], question, contexts, cfg, control=control)


def search_tokenizer():
    """MiniLM's tokenizer (reads the question and the documents for search); ModelUnavailable when missing."""
    return model_cache.encoder().obj[1]


def prompt_tokenizer():
    """SmolLM2's tokenizer (reads the prompt); ModelUnavailable when missing."""
    return model_cache.causal_lm().obj[1]


@st.cache_data(show_spinner=False, max_entries=128)
def answer(prompt_ids: tuple[int, ...], new_tokens: int) -> answers.Answer:
    """SmolLM2's greedy answer to one prompt: the prompt's ids hold question, settings and chunks."""
    model, tok = model_cache.causal_lm().obj
    return answers.generate_answer(model, tok, prompt_ids, max_new_tokens=new_tokens,
                                   device=model_cache.device())
