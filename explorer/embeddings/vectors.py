"""Word, sentence and contextual embeddings, with their intermediates shown.

GloVe (400,000 words x 50 dims) answers word questions: lookup with close
spellings, nearest neighbours, analogies and semantic axes, all computed in
the original 50-D space. MiniLM or SmolLM2 give the per-layer vectors of one
word in several sentences (sentence vectors live in explorer.core.sentence_vectors).

Example:
    >>> space = unit_space(glove)            # normalise the 400,000 rows once
    >>> solve_analogy(space, "king", "man", "woman").words[0]
    'queen'
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import numpy as np
import torch

METRICS = ("cosine", "euclidean")
SUGGEST_VOCAB = 50_000  # difflib over the most frequent words only: fast and relevant


@dataclass(frozen=True)
class UnitSpace:
    """GloVe rows and their unit-length copies, built once per server."""

    words: tuple[str, ...]
    index: dict[str, int]
    vectors: np.ndarray  # [word, dim] raw GloVe vectors
    unit: np.ndarray  # [word, dim] each row divided by its L2 norm
    sq_norms: np.ndarray  # [word] squared L2 norm of each raw row


def unit_space(wv) -> UnitSpace:
    """Normalise every GloVe row once (about 80 MB) so a query is one mat-vec."""
    vectors = np.ascontiguousarray(wv.vectors, dtype=np.float32)  # [word, dim]
    norms = np.linalg.norm(vectors, axis=1)  # [word]
    unit = vectors / np.maximum(norms, 1e-12)[:, None]
    return UnitSpace(tuple(wv.words), dict(wv.index), vectors, unit.astype(np.float32),
                     (norms ** 2).astype(np.float32))


@dataclass(frozen=True)
class Lookup:
    """Which input words GloVe knows; close spellings for the others."""

    found: tuple[str, ...]  # normalised, de-duplicated, in input order
    missing: tuple[str, ...]
    suggestions: dict[str, tuple[str, ...]]  # missing word -> close known words
    duplicates: tuple[str, ...]


def lookup(space: UnitSpace, words: list[str] | tuple[str, ...]) -> Lookup:
    """Split `words` into known and unknown (GloVe is lower-case), with suggestions."""
    found, missing, dups, seen = [], [], [], set()
    for raw in words:
        word = raw.strip().lower()
        if not word:
            continue
        if word in seen:
            dups.append(word)
            continue
        seen.add(word)
        (found if word in space.index else missing).append(word)
    vocab = space.words[:SUGGEST_VOCAB]
    sugg = {w: tuple(difflib.get_close_matches(w, vocab, n=4, cutoff=0.7)) for w in missing}
    return Lookup(tuple(found), tuple(missing), sugg, tuple(dups))


@dataclass(frozen=True)
class Neighbours:
    """The k rows closest to a query vector in the original 50-D space."""

    query: str
    metric: str
    words: tuple[str, ...]  # nearest first
    rows: np.ndarray  # [k] row indices into the vocabulary
    scores: np.ndarray  # [k] cosine similarity, or euclidean distance


def _scores(space: UnitSpace, vec: np.ndarray, metric: str) -> np.ndarray:
    """Score every row against `vec`: higher is closer ([word])."""
    if metric == "cosine":
        return space.unit @ (vec / max(float(np.linalg.norm(vec)), 1e-12))
    # -|x - q|^2 = 2 x.q - |x|^2 - |q|^2: one mat-vec, no [word, dim] temporary
    return 2.0 * (space.vectors @ vec) - space.sq_norms - float(vec @ vec)


def nearest(space: UnitSpace, vec: np.ndarray, k: int = 10, metric: str = "cosine",
            exclude: tuple[str, ...] = (), query: str = "") -> Neighbours:
    """Top-k rows for `vec` over the whole vocabulary (mat-vec + argpartition)."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    if not 1 <= k <= 1000:
        raise ValueError(f"k must be between 1 and 1000, got {k}")
    scores = _scores(space, np.asarray(vec, dtype=np.float32), metric)  # [word]
    for word in exclude:
        if word in space.index:
            scores[space.index[word]] = -np.inf
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]  # the k best, unordered
    top = top[np.argsort(-scores[top], kind="stable")]
    top = top[np.isfinite(scores[top])]  # excluded words never come back
    values = scores[top] if metric == "cosine" else np.sqrt(np.maximum(-scores[top], 0.0))
    return Neighbours(query, metric, tuple(space.words[i] for i in top), top, values.astype(np.float32))


def word_neighbours(space: UnitSpace, word: str, k: int = 10, metric: str = "cosine") -> Neighbours:
    """Neighbours of a known word, excluding the word itself."""
    word = word.strip().lower()
    if word not in space.index:
        raise KeyError(word)
    return nearest(space, space.vectors[space.index[word]], k, metric, (word,), word)


@dataclass(frozen=True)
class Analogy:
    """a - b + c, answered by cosine over all words except the three inputs."""

    a: str
    b: str
    c: str
    target: np.ndarray  # [dim] unit(a) - unit(b) + unit(c)
    words: tuple[str, ...]  # best answers first
    scores: np.ndarray  # [k] cosine(answer, target)
    with_inputs: tuple[str, ...]  # top answers if the inputs were NOT excluded


def solve_analogy(space: UnitSpace, a: str, b: str, c: str, k: int = 5) -> Analogy:
    """Solve a - b + c (king - man + woman); raises KeyError for an unknown word."""
    a, b, c = (w.strip().lower() for w in (a, b, c))
    for word in (a, b, c):
        if word not in space.index:
            raise KeyError(word)
    # 3CosAdd on unit vectors (as gensim's most_similar): each word counts equally
    va, vb, vc = (space.unit[space.index[w]] for w in (a, b, c))
    target = va - vb + vc  # [dim]
    best = nearest(space, target, k, "cosine", (a, b, c), f"{a} - {b} + {c}")
    naive = nearest(space, target, 3, "cosine", (), "")
    return Analogy(a, b, c, target, best.words, best.scores, naive.words)


def offset_cosine(space: UnitSpace, b: str, a: str, c: str, d: str) -> float:
    """How parallel the offsets b -> a and c -> d are in the full space (1 = parallel).

    The drawn parallelogram is a 2-D shadow; this is the real 50-D answer.
    """
    u = space.vectors[space.index[a]] - space.vectors[space.index[b]]  # [dim]
    v = space.vectors[space.index[d]] - space.vectors[space.index[c]]  # [dim]
    return float(u @ v / max(float(np.linalg.norm(u) * np.linalg.norm(v)), 1e-12))


@dataclass(frozen=True)
class AxisPlacement:
    """Words placed on directions defined by word pairs (man -> woman)."""

    words: tuple[str, ...]
    axes: tuple[str, ...]  # "man → woman" per axis
    coords: np.ndarray  # [word, axis] cosine(word, pole_b - pole_a)


def place_on_axes(space: UnitSpace, words: tuple[str, ...],
                  axes: tuple[tuple[str, str], ...]) -> AxisPlacement:
    """Project unit word vectors on each unit axis (b - a); unknown words raise KeyError."""
    if not axes:
        raise ValueError("give at least one axis (two different words)")
    dirs = []
    for low, high in axes:
        for word in (low, high):
            if word not in space.index:
                raise KeyError(word)
        d = space.vectors[space.index[high]] - space.vectors[space.index[low]]
        dirs.append(d / max(float(np.linalg.norm(d)), 1e-12))
    rows = [space.index[w] for w in words]
    coords = space.unit[rows] @ np.stack(dirs, axis=1)  # [word, axis]
    names = tuple(f"{low} → {high}" for low, high in axes)
    return AxisPlacement(tuple(words), names, coords.astype(np.float32))


def vectors_for(space: UnitSpace, words: tuple[str, ...]) -> np.ndarray:
    """Raw vectors of known words, [word, dim]."""
    return space.vectors[[space.index[w] for w in words]]


@dataclass(frozen=True)
class Contextual:
    """One word's hidden state in several sentences, at every layer.

    Layer 0 is the input embedding (token + position, before any attention);
    layer L is the output of transformer block L.
    """

    word: str
    sentences: tuple[str, ...]  # only those that contain the word
    skipped: tuple[str, ...]  # sentences without the word
    tokens: tuple[tuple[str, ...], ...]  # per sentence, the tokens the word was split into
    vectors: np.ndarray  # [layer, sentence, dim] mean over the word's tokens
    similarity: np.ndarray  # [layer, sentence, sentence] cosine between occurrences


def _word_span(sentence: str, word: str) -> tuple[int, int] | None:
    """Character span of the first whole-word, case-insensitive match."""
    match = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", sentence, flags=re.IGNORECASE)
    return match.span() if match else None


@torch.no_grad()
def _occurrence(model, tokenizer, sentence: str, span: tuple[int, int],
                device: torch.device) -> tuple[np.ndarray, tuple[str, ...]]:
    """Hidden states of the tokens overlapping `span`, averaged: [layer, dim]."""
    enc = tokenizer(sentence, return_offsets_mapping=True, return_tensors="pt",
                    truncation=True, max_length=256)
    offsets = enc.pop("offset_mapping")[0].tolist()  # [token, 2] character spans
    picked = [i for i, (s, e) in enumerate(offsets) if e > s and s < span[1] and e > span[0]]
    if not picked:
        raise ValueError(f"the tokenizer dropped the word in {sentence!r}")
    out = model(**enc.to(device), output_hidden_states=True)
    states = torch.stack(out.hidden_states)[:, 0, picked, :]  # [layer, word_token, dim]
    ids = enc["input_ids"][0, picked].tolist()
    return states.mean(1).float().cpu().numpy(), tuple(tokenizer.convert_ids_to_tokens(ids))


def contextual(model, tokenizer, word: str, sentences: list[str], *,
               device: torch.device) -> Contextual:
    """Embed `word` in each sentence that contains it, at every layer."""
    word = word.strip()
    if not word:
        raise ValueError("type the word to follow (for example: bank)")
    kept, skipped, vecs, toks = [], [], [], []
    for sentence in sentences:
        span = _word_span(sentence, word)
        if span is None:
            skipped.append(sentence)
            continue
        vec, tok = _occurrence(model, tokenizer, sentence, span, device)
        kept.append(sentence), vecs.append(vec), toks.append(tok)
    if not vecs:
        raise ValueError(f"no sentence contains the word {word!r}")
    stack = np.stack(vecs, axis=1)  # [layer, sentence, dim]
    unit = stack / np.maximum(np.linalg.norm(stack, axis=-1, keepdims=True), 1e-12)
    sim = np.einsum("lsd,ltd->lst", unit, unit)  # [layer, sentence, sentence]
    return Contextual(word, tuple(kept), tuple(skipped), tuple(toks), stack.astype(np.float32),
                      sim.astype(np.float32))


def sense_separation(sim: np.ndarray, labels: tuple[str, ...]) -> np.ndarray:
    """Per layer: mean cosine within the same label minus across labels. [layer]

    Higher means the model keeps the senses apart; NaN when there is no pair
    of each kind (one label only, or every label used once).
    """
    lab = np.asarray(labels)
    same = lab[:, None] == lab[None, :]
    off = ~np.eye(len(lab), dtype=bool)
    within, across = same & off, ~same
    if not within.any() or not across.any():
        return np.full(sim.shape[0], np.nan, np.float32)
    return (sim[:, within].mean(1) - sim[:, across].mean(1)).astype(np.float32)


def background_rows(space: UnitSpace, n: int, exclude: tuple[str, ...] = ()) -> list[int]:
    """Rows of the `n` most frequent purely alphabetic words (GloVe is frequency-sorted)."""
    skip, rows = set(exclude), []
    for i, word in enumerate(space.words):
        if len(rows) >= n:
            break
        if word.isalpha() and word not in skip:
            rows.append(i)
    return rows
