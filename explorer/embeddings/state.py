"""Shareable view state of the Embedding space page (URL <-> widgets)."""
from __future__ import annotations

from dataclasses import dataclass

from explorer.core.encoding import CONTROL_MODES
from explorer.core.state import ViewState, choice, num, text
from explorer.embeddings.presets import DEFAULT_CONTEXT, DEFAULT_SENTENCES, WORD_SETS

MODES = ("words", "analogy", "axes", "neighbours", "sentences", "contextual")


@dataclass(frozen=True)
class EmbeddingsState(ViewState):
    """Everything needed to redraw the page: mode, inputs, projection and seed."""

    mode: str = choice("words", MODES)
    # word modes (GloVe)
    words: str = text(", ".join(WORD_SETS["royalty"]), max_len=4_000)
    background: int = num(0, lo=0, hi=50_000)  # most frequent words added as context
    method: str = choice("pca", ("pca", "umap", "tsne"))
    dims: int = num(2, lo=2, hi=3)
    seed: int = num(0, lo=0, hi=1_000_000)
    n_neighbors: int = num(15, lo=2, hi=100)
    min_dist: float = num(0.1, lo=0.0, hi=1.0)
    perplexity: float = num(30.0, lo=2.0, hi=100.0)
    metric: str = choice("cosine", ("cosine", "euclidean"))
    a: str = text("king", max_len=60)
    b: str = text("man", max_len=60)
    c: str = text("woman", max_len=60)
    topk: int = num(5, lo=1, hi=20)
    x_lo: str = text("man", max_len=60)
    x_hi: str = text("woman", max_len=60)
    y_lo: str = text("small", max_len=60)
    y_hi: str = text("big", max_len=60)
    query: str = text("frog", max_len=60)
    k: int = num(10, lo=1, hi=100)  # neighbours listed; in axes mode, words shown at each end of an axis
    # sentence mode (MiniLM)
    sentences: str = text(DEFAULT_SENTENCES, max_len=20_000)
    search: str = text("a pet animal", max_len=500)
    # contextual mode (MiniLM or SmolLM2)
    word: str = text("bank", max_len=60)
    contexts: str = text(DEFAULT_CONTEXT, max_len=10_000)
    model: str = choice("minilm", ("minilm", "smollm2"))
    layer: int = num(6, lo=0, hi=30)
    # sentence and contextual modes: typed [CLS] / [SEP] / <|im_end|> as control tokens or plain text
    control: str = choice("library", CONTROL_MODES)
