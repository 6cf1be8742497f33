"""Search and answer, step 1: pick the documents, chunk them, build the index (cached)."""
from __future__ import annotations

import hashlib

import streamlit as st

from explorer.core.markdown import escape_md
from explorer.core.sources import ModelUnavailable
from explorer.rag.chunking import MAX_CHUNKS
from explorer.rag.corpus import MAX_FILE_BYTES, MAX_FILES, UPLOAD_TYPES
from explorer.rag.library import Library
from explorer.rag.state import CORPUS_CHOICES, RagState
from pages.rag import cache
from pages.shared import control_tokens
from pages.shared.url_state import slider

CORPUS_LABELS = {"basics": "Python basics (19 topics)", "statements": "Python statements (22 topics)",
                 "reference": "Whole Python reference (79 topics: minutes to embed on a CPU)",
                 "upload": "Your files"}
ERROR_TITLES = {"EmptyFile": "Empty file", "FileTooLarge": "File too large", "NotText": "Not a text file",
                "UnsupportedType": "Unsupported file type", "TooManyFiles": "Too many files"}
CHUNKS_PER_SECOND = 7  # MiniLM on one busy CPU thread, measured by bench/bench_rag.py
UPLOAD_MB = 1  # the browser refuses bigger files; MAX_FILE_BYTES (200 KB) is the real limit, with a message


def _uploaded() -> tuple[str, tuple] | None:
    """(cache key, sections) of the uploaded files, with one named error per refused file."""
    files = st.file_uploader(
        f"Upload up to {MAX_FILES} .txt or .md files ({MAX_FILE_BYTES // 1000} KB each). "
        "Markdown is split at # headings, text at underlined headings.",
        type=[t.lstrip(".") for t in UPLOAD_TYPES], accept_multiple_files=True, key="rag_upload",
        max_upload_size=UPLOAD_MB)
    if not files:
        st.info("Upload a file to search it. A shared link cannot carry files: whoever opens it "
                "uploads their own.")
        return None
    raw = tuple((f.name, f.getvalue()) for f in files[:MAX_FILES])  # the rest are never read
    found, errors = cache.uploads(raw, len(files))
    for name, message in errors:
        st.error(f"**{ERROR_TITLES.get(name, name)}**: {escape_md(message)}")
    if not found:
        return None
    digest = hashlib.sha256(b"".join(n.encode() + b"\0" + d for n, d in raw)).hexdigest()[:16]
    return f"upload:{digest}", found


def _settings(state: RagState) -> None:
    st.segmented_control("Documents", CORPUS_CHOICES, format_func=CORPUS_LABELS.get,
                         key="rag.corpus", required=True)
    cols = st.columns(2)
    slider(cols[0], "Chunk size (words)", RagState, "rag", "size", step=10,
                   help="A chunk never crosses a heading. MiniLM reads at most 256 tokens "
                        "(about 180 words); longer chunks are cut for embedding.")
    half = state.size // 2
    if st.session_state.get("rag.overlap", 0) > half:  # the bound moves with the size
        st.session_state["rag.overlap"] = half
    cols[1].slider("Overlap (words)", 0, half, key="rag.overlap",
                   help="Words each chunk shares with the next, so a sentence cut at a chunk "
                        "border is whole in one of them.")


def library_panel(state: RagState) -> tuple[str, Library] | None:
    """Corpus and chunk controls, then (library key, cached library); None (with a message) when unusable."""
    _settings(state)
    if state.corpus == "upload":
        picked = _uploaded()
        if picked is None:
            return None
        key, sections = picked
    else:
        key, sections = state.corpus, cache.sections(state.corpus)
    kept, total = cache.chunk_count(key, state.size, state.overlap, sections)
    if total == 0:
        st.error("These documents have no words to index.")
        return None
    if total > kept:
        st.warning(f"{total:,} chunks is above the {MAX_CHUNKS:,} this page embeds: the first "
                   f"{kept:,} are used. Larger chunks or less overlap keep everything.")
    built = _build(state, key, sections, kept)
    if built is None:
        return None
    embed, lib = built
    s = lib.seconds
    st.caption(f"{len(lib.chunks):,} chunks from {lib.n_sections:,} sections. Built once per "
               f"server in {sum(s.values()):.1f} s: MiniLM embedding {s['embed']:.1f} s, FAISS flat "
               f"{s['flat'] * 1000:.1f} ms, IVF {s['ivf'] * 1000:.1f} ms ({lib.indexes.nlist} cells), "
               f"HNSW {s['hnsw'] * 1000:.1f} ms.")
    return f"{key}|{state.size}|{state.overlap}|{embed}", lib


def _build(state: RagState, key: str, sections, kept: int) -> tuple[str, Library] | None:
    """(how the documents' control-token strings were read, the cached library), or None after a message."""
    try:
        embed = cache.embed_control(key, state.control, sections)
        if state.corpus == "upload":
            text = "\n".join(f"{s.heading}\n{s.text}" for s in sections)
            control_tokens.notice(st, cache.search_tokenizer(), text, state.control, "MiniLM (your files)")
        with st.spinner(f"MiniLM is embedding {kept:,} chunks (about {kept / CHUNKS_PER_SECOND:.0f} s "
                        "on one CPU thread, once per server)...", show_time=True):
            return embed, cache.build(key, state.size, state.overlap, embed, sections)
    except ModelUnavailable as err:
        st.error(f"MiniLM is not available: {escape_md(err)}")
        return None
