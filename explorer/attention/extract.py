"""Attention weights from real transformers: one forward pass, every layer and head.

Every array is named by its dimensions. The core record is
`Attention.weights`: [layer, head, query_pos, key_pos], each row a softmax
over keys (sums to 1; in a decoder the keys after the query are exactly 0).
The matrices drawn from it live in `matrices`, head tags in `patterns`.
Any family in explorer.core.families works; for an encoder-decoder this is
the encoder's self-attention (the decoder and cross-attention: `seq2seq`).

Tokenizers are shared by every session, so the text is encoded through
explorer.core.encoding (truncation done on the ids, never by reconfiguring
the tokenizer); `control` says how typed control-token strings such as
[CLS] or <|im_end|> are read ("library" default or plain "text").

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

from explorer.core import encoding
from explorer.core.families import check


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
    weights: np.ndarray  # [layer, head, query_pos, key_pos] float32 (float16 with weights_dtype)
    special: np.ndarray  # [pos] bool: [CLS]/[SEP]/BOS-like tokens
    causal: bool  # decoder: a query sees only itself and earlier keys
    n_input_tokens: int  # tokens before truncation
    kv_heads: int  # key/value heads (grouped-query attention shares them)
    masked: str = ""  # how a masked token was hidden, '' when none
    family: str = ""  # the model's family, e.g. 'GPT-2' (explorer.core.families)
    # [layer + 1, pos, hidden] float32 with keep_hidden: hidden[l] is block l's input (what
    # show_work recomputes q and k from), hidden[-1] the stack's output; None otherwise
    hidden: np.ndarray | None = None

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
    return check(model, "attention").causal


def _pair_template(tok: Any) -> tuple[list[int], list[int], list[int]]:
    """The special ids a pair gets before A, between A and B, and after B ([CLS] A [SEP] B [SEP])."""
    full = list(tok("a", "b", add_special_tokens=True)["input_ids"])
    a = list(tok("a", add_special_tokens=False)["input_ids"])
    b = list(tok("b", add_special_tokens=False)["input_ids"])
    i = next(p for p in range(len(full)) if full[p:p + len(a)] == a)
    j = next(p for p in range(i + len(a), len(full)) if full[p:p + len(b)] == b)
    return full[:i], full[i + len(a):j], full[j + len(b):]


def _cut_longest(a: list[int], b: list[int], budget: int) -> tuple[list[int], list[int]]:
    """Drop tokens from the end of the longer segment until both fit in `budget` (longest first)."""
    a, b = list(a), list(b)
    while len(a) + len(b) > max(budget, 0) and (a or b):
        (a if len(a) > len(b) else b).pop()
    return a, b


def encode(tokenizer: Any, text: str, text_b: str = "", max_tokens: int = 512,
           control: str = "library") -> tuple[list[int], int]:
    """Token ids (truncated to `max_tokens`, closing specials kept) and the untruncated count."""
    if not text.strip():
        raise ValueError("Type some text first: the input is empty.")
    if not text_b.strip():
        full = encoding.encode(tokenizer, text, control=control)
        if len(full) <= max_tokens:
            return full, len(full)
        return encoding.encode(tokenizer, text, max_length=max_tokens, control=control), len(full)
    a = encoding.encode(tokenizer, text, add_special_tokens=False, control=control)
    b = encoding.encode(tokenizer, text_b, add_special_tokens=False, control=control)
    before, middle, after = _pair_template(tokenizer)
    added = len(before) + len(middle) + len(after)
    cut_a, cut_b = _cut_longest(a, b, max_tokens - added)
    return (before + cut_a + middle + cut_b + after)[:max_tokens], added + len(a) + len(b)


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


def _stacked(weights: list[torch.Tensor], dtype: torch.dtype) -> np.ndarray:
    """[layer, head, q, k] from one [1, head, q, k] tensor per layer, copied into one array in `dtype`.

    Filled layer by layer: no second full-size copy (a 512-token SmolLM2 run is 283 MB in float32).
    """
    out = torch.empty((len(weights), *weights[0].shape[1:]), dtype=dtype)
    for layer, w in enumerate(weights):
        out[layer].copy_(w[0])
    return out.numpy()


def attention_of(model: Any, tokenizer: Any, ids: list[int], mask: list[int], weights: list[torch.Tensor],
                 *, causal: bool, n_input: int, masked: str = "", family: str = "",
                 hidden: tuple[torch.Tensor, ...] | None = None, dtype: torch.dtype = torch.float32) -> Attention:
    """Pack one stack's attentions ([1, head, q, k] per layer) with its tokens (and hidden states if given)."""
    stacked = _stacked(weights, dtype)  # [layer, head, q, k]
    special_ids = set(getattr(tokenizer, "all_special_ids", []) or [])
    cfg = model.config
    heads = getattr(cfg, "num_attention_heads", stacked.shape[1])
    kv = getattr(cfg, "num_key_value_heads", None) or heads
    return Attention(
        tokens=tuple(display_token(t) for t in tokenizer.convert_ids_to_tokens(ids)),
        token_ids=np.asarray(ids, dtype=np.int64), weights=stacked,
        special=np.array([i in special_ids for i in ids], dtype=bool),
        causal=causal, n_input_tokens=n_input, kv_heads=int(kv), masked=masked, family=family,
        hidden=None if hidden is None else torch.stack([h[0] for h in hidden]).float().cpu().numpy())


@torch.inference_mode()
def extract(model: Any, tokenizer: Any, text: str, text_b: str = "", *, device: torch.device,
            config: ExtractConfig = ExtractConfig(), control: str = "library",
            keep_hidden: bool = False, weights_dtype: torch.dtype = torch.float32) -> Attention:
    """Run `model` once on `text` (and optional second segment) and return its attentions.

    control: how typed control-token strings are read, one of explorer.core.encoding.CONTROL_MODES.
    keep_hidden: also keep every block's input (Attention.hidden), so show_work needs no second pass.
    weights_dtype: torch.float16 halves the weights' memory (enough to draw them; not to check them).
    """
    family = check(model, "attention")
    ids, n_input = encode(tokenizer, text, text_b, config.max_tokens, control)
    ids, mask, masked = _mask_inputs(tokenizer, ids, config.mask_position, family.causal)
    runner = model.get_encoder() if family.kind == "encoder-decoder" else model
    out = runner(input_ids=torch.tensor([ids], device=device),
                 attention_mask=torch.tensor([mask], device=device), output_attentions=True,
                 output_hidden_states=keep_hidden)
    if not out.attentions or out.attentions[0] is None:
        raise ValueError("This model returned no attention weights (load it with eager attention).")
    return attention_of(model, tokenizer, ids, mask, out.attentions, causal=family.causal, n_input=n_input,
                        masked=masked, family=family.title, hidden=out.hidden_states if keep_hidden else None,
                        dtype=weights_dtype)


def sink_positions(att: Attention) -> np.ndarray:
    """[pos] bool: special tokens, plus position 0 of a decoder (its usual attention sink)."""
    sinks = att.special.copy()
    if att.causal and len(sinks):
        sinks[0] = True
    return sinks
