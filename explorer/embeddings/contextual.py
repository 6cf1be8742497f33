"""One word's vectors in several sentences, layer by layer, and how far its senses separate.

GloVe gives "bank" one vector; MiniLM or SmolLM2 give it one per sentence and
per layer. Layer 0 is the input embedding (token + position), layer L the
output of block L. Sentence vectors live in explorer.core.sentence_vectors.

Example:
    >>> ctx = contextual_vectors(model, tok, "bank", sentences, device=cpu)
    >>> sep = sense_separation(ctx.similarity, ("river", "river", "money", "money"))   # [layer]
    >>> peak_layer(sep)        # the layer where the two senses are furthest apart
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import torch


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


def contextual_vectors(model, tokenizer, word: str, sentences: list[str], *,
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


def peak_layer(separation: np.ndarray) -> int:
    """The layer where sense separation [layer] is highest, or -1 when no layer could be scored."""
    if np.isnan(separation).all():
        return -1
    return int(np.nanargmax(separation))


def sense_labels(ctx: Contextual, texts: tuple[str, ...], labels: tuple[str, ...]) -> tuple[str, ...]:
    """The sense label of each sentence `ctx` kept, 'sentence N' where the line had none.

    texts/labels: the parsed input lines (parse_labelled); ctx.sentences is a subset of texts.
    """
    return tuple(labels[texts.index(t)] or f"sentence {i + 1}" for i, t in enumerate(ctx.sentences))
