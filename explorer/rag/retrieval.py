"""Retrieval: a question's top-k chunks with cosine scores, a random control, and highlights.

The question is embedded like the chunks (MiniLM, unit length), so the inner
product an index returns is the cosine. The random control draws k other
chunks from a seeded numpy Generator: same prompt length, wrong content.

Example:
    >>> r = retrieve(idx, vectors, qvec, "What does pass do?", k=3, seed=0)
    >>> r.rows, r.scores                     # [k] chunk rows and cosines, best first
    >>> highlight_html('"pass" is a null operation', question_terms("What does pass do?"))
    '&quot;<mark>pass</mark>&quot; is a null operation'
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

import numpy as np

from explorer.rag.index import Indexes, search

MAX_QUESTION_CHARS = 500
MAX_K = 8
TERM = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+")
STOPWORDS = frozenset(
    "the a an and or not is are was were be been being of in on at to for from by with as "
    "what which who whom whose when where why how does do did done can could should would will "
    "shall may might must this that these those there here it its into than then you your "
    "about use used using get gets give gives python".split())


@dataclass(frozen=True)
class Retrieval:
    """The chunks found for one question and the random control."""

    kind: str  # index used: "flat" | "ivf" | "hnsw"
    rows: np.ndarray  # [k] chunk rows, best first
    scores: np.ndarray  # [k] cosine with the question
    random_rows: np.ndarray  # [k] seeded random chunks, none of them retrieved
    random_scores: np.ndarray  # [k] their cosine with the question
    ms: float  # search time

    @property
    def mean_scores(self) -> tuple[float, float]:
        """(mean cosine of the retrieved chunks, of the random ones); 0 for an empty list."""
        mean = (lambda s: float(np.mean(s)) if len(s) else 0.0)
        return mean(self.scores), mean(self.random_scores)


def random_rows(n: int, k: int, exclude: np.ndarray, seed: int) -> np.ndarray:
    """k distinct rows of n, avoiding `exclude` when enough others exist, from a seeded Generator."""
    pool = np.setdiff1d(np.arange(n), exclude)
    if len(pool) < k:
        pool = np.arange(n)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(pool, size=min(k, len(pool)), replace=False)).astype(np.int64)


def retrieve(indexes: Indexes, vectors: np.ndarray, question_vec: np.ndarray, k: int, *,
             seed: int = 0, kind: str = "flat", nprobe: int = 1, ef_search: int = 16) -> Retrieval:
    """Top-k chunks of vectors [chunk, dim] for question_vec [dim] from the `kind` index."""
    if not 1 <= k <= MAX_K:
        raise ValueError(f"k must be 1..{MAX_K}, got {k}")
    hits = search(indexes.get(kind), question_vec[None], k, nprobe=nprobe, ef_search=ef_search)
    keep = hits.rows[0] >= 0  # IVF with few cells probed can find fewer than k
    rows, scores = hits.rows[0][keep], hits.scores[0][keep]
    rand = random_rows(len(vectors), len(hits.rows[0]), rows, seed)
    return Retrieval(kind, rows, scores, rand, (vectors[rand] @ question_vec).astype(np.float32),
                     hits.ms_per_query)


def _stem(word: str) -> str:
    """Crude suffix stripping so 'raises' matches 'raised' and 'raise'."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def question_terms(question: str) -> tuple[str, ...]:
    """Stems of the question's content words (lowercase, no stopwords, 3+ characters)."""
    words = [w.lower() for w in TERM.findall(question)]
    stems = [_stem(w) for w in words if w not in STOPWORDS and (len(w) >= 3 or w.isdigit())]
    return tuple(dict.fromkeys(stems))


def match_spans(text: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) character spans of the words in text whose stem is one of terms."""
    wanted = set(terms)
    return [(m.start(), m.end()) for m in TERM.finditer(text) if _stem(m.group().lower()) in wanted]


def highlight_html(text: str, terms: tuple[str, ...]) -> str:
    """text HTML-escaped, with matched words wrapped in <mark>; nothing else is markup."""
    out, at = [], 0
    for start, end in match_spans(text, terms):
        out += [html.escape(text[at:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        at = end
    out.append(html.escape(text[at:]))
    return "".join(out)
