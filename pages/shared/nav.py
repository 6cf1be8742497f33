"""The app's pages, in menu order, and which of them exist on disk.

app.py builds st.navigation from this list and Home links only the pages
whose file is present, so a page appears everywhere the moment it is added.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class PageInfo:
    path: str  # relative to the repository root
    title: str
    icon: str
    url_path: str
    topics: str  # the study notes' sections this page brings to life
    default: bool = False

    @property
    def file(self) -> str:
        """The page script's absolute path: st.Page and st.page_link resolve it from any entry point."""
        return str(ROOT / self.path)


PAGES = (
    PageInfo("pages/home/page.py", "Home", ":material/home:", "home", "", default=True),
    PageInfo("pages/playground/page.py", "Neural-net playground", ":material/hub:", "playground",
             "What is a neural network? Neurons, layers, activations, gradient descent, "
             "backpropagation, handwritten digits"),
    PageInfo("pages/tokenizer/page.py", "Tokenizer inspector", ":material/token:", "tokenizer",
             "Tokenization vs embedding, subwords and ##, special tokens, token IDs, "
             "decoding, padding and attention masks, the context window"),
    PageInfo("pages/embeddings/page.py", "Embedding space", ":material/scatter_plot:", "embeddings",
             "Embeddings, word2vec / GloVe (king - man + woman), BERT embeddings, vector search"),
    PageInfo("pages/attention/page.py", "Attention heatmaps", ":material/grid_on:", "attention",
             "Self-attention (does 'it' look at 'mat'?), multi-head attention, "
             "masked self-attention in decoders"),
    PageInfo("pages/sampling/page.py", "Sampling lab", ":material/casino:", "sampling",
             "Temperature and top-k sampling, why outputs vary, next-word prediction"),
    PageInfo("pages/inside/page.py", "Inside a transformer", ":material/account_tree:", "inside",
             "How do GPT LLMs answer questions? The architectures of popular LLMs, positional "
             "encoding, evaluating LLMs (perplexity)"),
    PageInfo("pages/rag/page.py", "Search and answer", ":material/manage_search:", "rag",
             "Retrieval-augmented generation (RAG), vector databases (exact and approximate "
             "search), embeddings for search, prompt engineering (system prompt, instructions, "
             "few-shot examples)"),
    PageInfo("pages/ensembles/page.py", "Ensemble sandbox", ":material/groups:", "ensembles",
             "Bagging, boosting, stacking, voting, meta-learners"),
    PageInfo("pages/models/page.py", "Models", ":material/inventory_2:", "models",
             "Every built-in model: where it was loaded from, its size and load time"),
)


def available_pages() -> list[PageInfo]:
    """Pages whose file exists, in menu order."""
    return [p for p in PAGES if (ROOT / p.path).exists()]


def page_file(url_path: str) -> str:
    """The absolute script path of the page served at `/url_path`, for st.page_link."""
    return next(p.file for p in PAGES if p.url_path == url_path)
