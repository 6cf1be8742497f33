"""A searchable library: chunks, their MiniLM vectors, three FAISS indexes, evaluation queries.

Built once per corpus and chunk setting (the page caches it). The evaluation
queries (the section headings plus the preset questions) are what recall@k
and query time are measured on, so exact and approximate search are always
compared on the same real queries.

Example:
    >>> lib = build_library(model, tok, python_topics("basics"), ChunkConfig(), device=cpu)
    >>> lib.vectors.shape, lib.seconds["embed"]
    ((33, 384), 5.3)
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from explorer.core.sentence_vectors import sentence_vectors
from explorer.rag.chunking import ChunkConfig, Chunks, chunk_corpus
from explorer.rag.corpus import Section
from explorer.rag.index import Indexes, build_indexes
from explorer.rag.presets import PRESETS

MAX_EVAL_QUERIES = 64


@dataclass(frozen=True)
class Library:
    """Everything search needs for one corpus and chunk setting."""

    chunks: Chunks
    vectors: np.ndarray  # [chunk, dim] unit rows
    indexes: Indexes
    queries: tuple[str, ...]  # [query] evaluation queries
    query_vectors: np.ndarray  # [query, dim]
    n_sections: int
    seconds: dict  # "embed", "flat", "ivf", "hnsw", "queries" -> build seconds


def eval_queries(chunks: Chunks, limit: int = MAX_EVAL_QUERIES, seed: int = 0) -> tuple[str, ...]:
    """The preset questions, then a seeded sample of the distinct section headings."""
    presets = [p.question for p in PRESETS]
    headings = sorted(set(chunks.headings))
    rng = np.random.default_rng(seed)
    room = max(0, limit - len(presets))
    picked = rng.choice(len(headings), size=min(room, len(headings)), replace=False)
    return tuple(presets + [headings[i] for i in sorted(picked)])


def build_library(model, tok, sections: tuple[Section, ...], cfg: ChunkConfig, *,
                  device: torch.device, control: str = "library") -> Library:
    """Chunk the sections, embed every chunk with the encoder, build the indexes.

    control: how control-token strings ([SEP]) in the documents are read, "library" or "text".
    """
    chunks = chunk_corpus(sections, cfg)
    if not len(chunks):
        raise ValueError("the corpus has no words to index")
    start = time.perf_counter()
    vectors = sentence_vectors(model, tok, [chunks.embedding_text(i) for i in range(len(chunks))],
                               device=device, control=control)
    embed = time.perf_counter() - start
    indexes = build_indexes(vectors)
    queries = eval_queries(chunks)
    start = time.perf_counter()
    query_vectors = sentence_vectors(model, tok, list(queries), device=device, control=control)
    seconds = {"embed": embed, **indexes.seconds, "queries": time.perf_counter() - start}
    return Library(chunks, vectors, indexes, queries, query_vectors, len(sections), seconds)
