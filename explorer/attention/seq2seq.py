"""An encoder-decoder's three kinds of attention from one forward pass (T5, BART).

The encoder reads the source with full self-attention; the decoder reads its
own tokens causally (it starts from the decoder start token, then the target
text, as in training with teacher forcing); cross-attention lets each
decoder token look at every source token. Cross-attention is its own record
because its queries and keys are different token sequences.

Example:
    >>> s2s = extract_seq2seq(model, tok, "the cat sat", "le chat", device=cpu)
    >>> s2s.cross.weights.shape        # [layer, head, target_pos, source_pos]
    (6, 8, 4, 4)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from explorer.attention.extract import Attention, ExtractConfig, attention_of, encode
from explorer.core import encoding
from explorer.core.families import check


@dataclass(frozen=True)
class CrossAttention:
    """Decoder tokens (queries) looking at encoder tokens (keys), every layer and head."""

    query_tokens: tuple[str, ...]  # decoder positions
    key_tokens: tuple[str, ...]  # encoder positions
    weights: np.ndarray  # [layer, head, target_pos, source_pos] float32, rows sum to 1
    key_special: np.ndarray  # [source_pos] bool

    @property
    def shape(self) -> tuple[int, int, int, int]:
        """(layers, heads, target tokens, source tokens)."""
        return tuple(self.weights.shape)  # type: ignore[return-value]


@dataclass(frozen=True)
class Seq2Seq:
    """Encoder self-attention, decoder (causal) self-attention and cross-attention of one pass."""

    encoder: Attention  # [layer, head, source_pos, source_pos]
    decoder: Attention  # [layer, head, target_pos, target_pos], causal
    cross: CrossAttention  # [layer, head, target_pos, source_pos]

    @property
    def target_ids(self) -> list[int]:
        """The decoder's input ids (start token first), for show-the-work's target_ids."""
        return self.decoder.token_ids.tolist()


def decoder_ids(model: Any, tokenizer: Any, target: str, max_tokens: int, control: str) -> list[int]:
    """The decoder start token, then `target`'s tokens (no specials), cut to `max_tokens`."""
    start = model.config.decoder_start_token_id
    if start is None:
        raise ValueError("This encoder-decoder has no decoder_start_token_id in its config.")
    body = encoding.encode(tokenizer, target, add_special_tokens=False, control=control) if target.strip() else []
    return ([int(start)] + body)[:max_tokens]


@torch.inference_mode()
def extract_seq2seq(model: Any, tokenizer: Any, source: str, target: str = "", *, device: torch.device,
                    config: ExtractConfig = ExtractConfig(), control: str = "library",
                    keep_hidden: bool = False) -> Seq2Seq:
    """Run an encoder-decoder once on (source, target) and return all three attentions.

    keep_hidden: also keep the encoder's and the decoder's hidden states (Attention.hidden; the
    encoder's last one is what cross-attention reads), so show_work needs no second pass.
    """
    family = check(model, "cross-attention")
    ids, n_input = encode(tokenizer, source, "", config.max_tokens, control)
    target_ids = decoder_ids(model, tokenizer, target, config.max_tokens, control)
    out = model(input_ids=torch.tensor([ids], device=device), attention_mask=torch.ones(1, len(ids),
                dtype=torch.long, device=device), decoder_input_ids=torch.tensor([target_ids], device=device),
                output_attentions=True, output_hidden_states=keep_hidden)
    enc = attention_of(model, tokenizer, ids, [1] * len(ids), out.encoder_attentions, causal=False,
                       n_input=n_input, family=family.title, hidden=out.encoder_hidden_states if keep_hidden else None)
    dec = attention_of(model, tokenizer, target_ids, [1] * len(target_ids), out.decoder_attentions, causal=True,
                       n_input=len(target_ids), family=family.title,
                       hidden=out.decoder_hidden_states if keep_hidden else None)
    cross = torch.stack([a[0] for a in out.cross_attentions]).float().cpu().numpy()
    return Seq2Seq(enc, dec, CrossAttention(dec.tokens, enc.tokens, cross.astype(np.float32, copy=False), enc.special.copy()))

