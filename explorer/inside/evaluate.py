"""Per-token surprise and perplexity of any text under a causal language model.

Token t is scored by the probability the model gave it after reading tokens
0..t-1, so the first token is not scored. Optionally the text starts with the
tokenizer's document-start token (SmolLM2: <|endoftext|>), so the first real
token is scored too and the model reads the text as a fresh document. Surprise is -log2 p in bits;
perplexity is exp(mean negative log-likelihood in nats) = 2^(mean bits), the
same number as exp(loss) from the model's own loss with labels = input ids.

Example:
    >>> s = score_text(model, tok, "The capital of France is Paris.")
    >>> s.bits.shape                          # [token]; bits[0] is nan
    (7,)
    >>> round(s.perplexity, 1)
    13.0
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from explorer.core.encoding import encode
from explorer.inside.forward import MAX_TOKENS


@dataclass(frozen=True)
class Scores:
    """How surprised the model is by each token of one text."""

    tokens: tuple[str, ...]  # [token]
    ids: np.ndarray  # [token]
    logprob: np.ndarray  # [token] natural log p(token | earlier tokens); nan for the first
    bits: np.ndarray  # [token] surprise -log2 p; nan for the first
    guess: tuple[str, ...]  # [token] the model's top guess for this slot ("" for the first)
    total_tokens: int  # tokens before the cap
    perplexity: float  # exp(mean nll); nan with fewer than 2 tokens

    @property
    def scored(self) -> int:
        """Number of tokens that got a score."""
        return int(np.isfinite(self.bits).sum())

    @property
    def mean_bits(self) -> float:
        """Average surprise per scored token, in bits."""
        return float(np.nanmean(self.bits)) if self.scored else math.nan


DOCUMENT_STARTS = ("<|endoftext|>", "<s>", "<|begin_of_text|>")


def start_id(tok) -> int | None:
    """The id that marks a new document, when the tokenizer does not add one itself; else None."""
    if len(encode(tok, "a")) > len(encode(tok, "a", add_special_tokens=False)):
        return None  # it already adds its own start token
    for name in (*DOCUMENT_STARTS, getattr(tok, "bos_token", None)):
        tid = tok.convert_tokens_to_ids(name) if name else None
        if isinstance(tid, int) and tok.convert_ids_to_tokens(tid) == name:
            return tid
    return None


def token_ids(tok, text: str, max_tokens: int = MAX_TOKENS, start: bool = False,
              control: str = "library") -> tuple[list[int], int]:
    """(the first `max_tokens` ids the model reads for `text`, the uncut count); start: prefix start_id.

    control: how control-token strings typed in `text` are read, "library" or "text".
    """
    first = start_id(tok) if start else None
    ids = ([first] if first is not None else []) + encode(tok, text, control=control)
    return ids[:max_tokens], len(ids)


@torch.no_grad()
def score_ids(model, tok, ids: list[int], total: int | None = None) -> Scores:
    """Log-probability of every token given the ones before it, for ids [token]."""
    device = model.get_input_embeddings().weight.device
    logits = model(torch.tensor([ids], device=device)).logits[0].float()  # [token, vocab]
    logp = torch.log_softmax(logits[:-1], -1)  # row t predicts token t + 1
    target = torch.tensor(ids[1:], device=device)
    picked = logp.gather(-1, target[:, None])[:, 0].cpu().numpy()
    logprob = np.concatenate([[np.nan], picked]).astype(np.float64)
    guesses = logp.argmax(-1).cpu().tolist()
    nll = -picked.mean() if picked.size else math.nan
    return Scores(tuple(tok.decode([i]) for i in ids), np.asarray(ids), logprob, -logprob / math.log(2),
                  ("",) + tuple(tok.decode([g]) for g in guesses), total or len(ids), float(math.exp(nll)))


def score_text(model, tok, text: str, max_tokens: int = MAX_TOKENS, start: bool = False,
               control: str = "library") -> Scores:
    """Scores of `text` (its first `max_tokens` tokens); raises ValueError when it has none."""
    if not text.strip():
        raise ValueError("the text is empty")
    ids, total = token_ids(tok, text, max_tokens, start, control)
    if not ids:
        raise ValueError("the text has no tokens")
    return score_ids(model, tok, ids, total)


def shuffle_words(text: str, seed: int) -> str:
    """The same words in a random order, reproducible from `seed`."""
    words = text.split()
    order = np.random.default_rng(seed).permutation(len(words))
    return " ".join(words[i] for i in order)
