"""Attention weights from real transformers: one forward pass, every layer and head.

Every array is named by its dimensions. The core record is
`Attention.weights`: [layer, head, query_pos, key_pos], each row a softmax
over keys (sums to 1; in a decoder the keys after the query are exactly 0).
The matrices drawn from it live in `matrices`, head tags in `patterns`.

Example:
    >>> att = extract(model, tok, "The cat sat on the mat.", device=cpu)
    >>> att.weights.shape            # MiniLM: 6 layers x 12 heads x 9 x 9 tokens
    (6, 12, 9, 9)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch


@dataclass(frozen=True)
class ExtractConfig:
    """How to run a model for its attentions."""

    max_tokens: int = 512  # longer inputs are truncated (the page says so)
    mask_position: int = -1  # token position to mask for the comparison; -1 = none

    def __post_init__(self) -> None:
        if not 2 <= self.max_tokens <= 8192:
            raise ValueError(f"max_tokens must be in [2, 8192], got {self.max_tokens}")
        if self.mask_position < -1:
            raise ValueError(f"mask_position must be -1 (none) or a position, got {self.mask_position}")


@dataclass(frozen=True)
class Attention:
    """One forward pass's attention weights and the tokens they refer to."""

    tokens: tuple[str, ...]  # display text per position, e.g. ' cat' or '[CLS]'
    token_ids: np.ndarray  # [pos] int64
    weights: np.ndarray  # [layer, head, query_pos, key_pos] float32
    special: np.ndarray  # [pos] bool: [CLS]/[SEP]/BOS-like tokens
    causal: bool  # decoder: a query sees only itself and earlier keys
    n_input_tokens: int  # tokens before truncation
    kv_heads: int  # key/value heads (grouped-query attention shares them)
    masked: str = ""  # how a masked token was hidden, '' when none

    @property
    def truncated(self) -> bool:
        """True when the text had more tokens than were run."""
        return self.n_input_tokens > len(self.tokens)

    @property
    def shape(self) -> tuple[int, int, int]:
        """(layers, heads, tokens)."""
        layers, heads, n, _ = self.weights.shape
        return layers, heads, n


def display_token(token: str) -> str:
    """Byte-level BPE / SentencePiece markers turned into readable text."""
    return token.replace("Ġ", " ").replace("▁", " ").replace("Ċ", "\\n").replace("ĉ", "\\t")


def is_causal(model: Any) -> bool:
    """True for decoder-only models (their attention is masked to the past)."""
    config = model.config
    return bool(getattr(config, "is_decoder", False)) or any(
        a.endswith("ForCausalLM") for a in (getattr(config, "architectures", None) or [])
    ) or type(model).__name__.endswith("ForCausalLM")


def encode(tokenizer: Any, text: str, text_b: str = "", max_tokens: int = 512) -> tuple[list[int], int]:
    """Token ids (truncated to `max_tokens`) and the untruncated count."""
    if not text.strip():
        raise ValueError("Type some text first: the input is empty.")
    pair = (text, text_b) if text_b.strip() else (text,)
    ids = tokenizer(*pair, add_special_tokens=True)["input_ids"]
    if len(ids) <= max_tokens:
        return list(ids), len(ids)
    # Let the tokenizer truncate so closing specials ([SEP]) survive the cut.
    cut = tokenizer(*pair, add_special_tokens=True, truncation=True, max_length=max_tokens)["input_ids"]
    return list(cut[:max_tokens]), len(ids)


def _mask_inputs(tokenizer: Any, ids: list[int], position: int, causal: bool) -> tuple[list[int], list[int], str]:
    """Hide one token: [MASK] where the tokenizer has one, else block it in the attention mask."""
    mask = [1] * len(ids)
    if position < 0:
        return ids, mask, ""
    if position >= len(ids):
        raise ValueError(f"Cannot mask position {position}: the text has {len(ids)} tokens.")
    mask_id = getattr(tokenizer, "mask_token_id", None)
    if mask_id is not None and not causal:
        return ids[:position] + [mask_id] + ids[position + 1:], mask, f"replaced by {tokenizer.mask_token}"
    mask[position] = 0
    return ids, mask, "hidden with attention_mask = 0 (no key can attend to it)"


@torch.inference_mode()
def extract(model: Any, tokenizer: Any, text: str, text_b: str = "", *, device: torch.device,
            config: ExtractConfig = ExtractConfig()) -> Attention:
    """Run `model` once on `text` (and optional second segment) and return its attentions."""
    causal = is_causal(model)
    ids, n_input = encode(tokenizer, text, text_b, config.max_tokens)
    ids, mask, masked = _mask_inputs(tokenizer, ids, config.mask_position, causal)
    out = model(input_ids=torch.tensor([ids], device=device),
                attention_mask=torch.tensor([mask], device=device), output_attentions=True)
    if not out.attentions or out.attentions[0] is None:
        raise ValueError("This model returned no attention weights (load it with eager attention).")
    weights = torch.stack([a[0] for a in out.attentions]).float().cpu().numpy()  # [layer, head, q, k]
    special_ids = set(getattr(tokenizer, "all_special_ids", []) or [])
    raw = tokenizer.convert_ids_to_tokens(ids)
    cfg = model.config
    heads = getattr(cfg, "num_attention_heads", weights.shape[1])
    return Attention(
        tokens=tuple(display_token(t) for t in raw),
        token_ids=np.asarray(ids, dtype=np.int64),
        weights=weights.astype(np.float32),
        special=np.array([i in special_ids for i in ids], dtype=bool),
        causal=causal, n_input_tokens=n_input,
        kv_heads=int(getattr(cfg, "num_key_value_heads", None) or heads), masked=masked,
    )


def sink_positions(att: Attention) -> np.ndarray:
    """[pos] bool: special tokens, plus position 0 of a decoder (its usual attention sink)."""
    sinks = att.special.copy()
    if att.causal and len(sinks):
        sinks[0] = True
    return sinks
