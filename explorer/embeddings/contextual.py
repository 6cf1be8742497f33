"""One word's vectors in several sentences, layer by layer, and how far its senses separate.

GloVe gives "bank" one vector; MiniLM or SmolLM2 give it one per sentence and
per layer. Layer 0 is the input embedding (token + position), layer L the
output of block L (for an encoder-decoder: its encoder). Any family in
explorer.core.families works. Sentence vectors live in explorer.core.sentence_vectors.
The shared tokenizer is only read: ids come from explorer.core.encoding, the
word's character spans from a default call or the backend's own pipeline.

Example:
    >>> ctx = contextual_vectors(model, tok, "bank", sentences, device=cpu)
    >>> sep = sense_separation(ctx.similarity, ("river", "river", "money", "money"))   # [layer]
    >>> peak_layer(sep)        # the layer where the two senses are furthest apart
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import tokenizers
import torch

from explorer.core import encoding
from explorer.core.families import check

MAX_TOKENS = 256  # per sentence


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


def _plain_spans(tok, text: str) -> tuple[list[int], list[tuple[int, int]]]:
    """Ids and character spans of `text` read as plain text (no added tokens matched), read-only.

    The backend's own normalizer, pre-tokenizer and model run on a fresh
    PreTokenizedString: the shared tokenizer is only read, never reconfigured.
    """
    backend = tok._tokenizer
    pre = tokenizers.PreTokenizedString(text)
    if backend.normalizer is not None:
        pre.normalize(lambda piece: backend.normalizer.normalize(piece))
    if backend.pre_tokenizer is not None:
        backend.pre_tokenizer.pre_tokenize(pre)
    pre.tokenize(lambda piece: backend.model.tokenize(piece))
    enc = pre.to_encoding()
    return list(enc.ids), [tuple(span) for span in enc.offsets]


def token_spans(tok, text: str, *, max_length: int = MAX_TOKENS,
                control: str = "library") -> tuple[list[int], list[tuple[int, int]]]:
    """Ids as explorer.core.encoding.encode gives them, and each token's character span ((0, 0) for specials).

    control: "library" (typed [CLS] / <|im_end|> parsed as control tokens) or "text" (plain text).
    """
    if getattr(tok, "_tokenizer", None) is None:
        raise ValueError("contextual vectors need a fast (Rust-backed) tokenizer for character offsets")
    full = encoding.encode(tok, text, control=control)
    plain = encoding.encode(tok, text, add_special_tokens=False, control=control)
    start = next((p for p in range(len(full) - len(plain) + 1) if full[p:p + len(plain)] == plain), 0)
    suffix = len(full) - start - len(plain)
    if control == "library":  # defaults only: no truncation or padding, so nothing is reconfigured
        spans = [tuple(span) for span in tok(text, return_offsets_mapping=True)["offset_mapping"]]
    else:
        spans = [(0, 0)] * start + _plain_spans(tok, text)[1] + [(0, 0)] * suffix
    if len(full) <= max_length:
        return full, spans
    cut = encoding.encode(tok, text, max_length=max_length, control=control)
    kept = len(cut) - start - suffix
    return cut, spans[:start + kept] + spans[len(full) - suffix:]


@torch.no_grad()
def _occurrence(runner, tokenizer, sentence: str, span: tuple[int, int], device: torch.device,
                control: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Hidden states of the tokens overlapping `span`, averaged: [layer, dim]. runner: model or its encoder."""
    ids, offsets = token_spans(tokenizer, sentence, control=control)
    picked = [i for i, (s, e) in enumerate(offsets) if e > s and s < span[1] and e > span[0]]
    if not picked:
        raise ValueError(f"the tokenizer dropped the word in {sentence!r}")
    ids_t = torch.tensor([ids], device=device)
    out = runner(input_ids=ids_t, attention_mask=torch.ones_like(ids_t), output_hidden_states=True)
    states = torch.stack(out.hidden_states)[:, 0, picked, :]  # [layer, word_token, dim]
    return states.mean(1).float().cpu().numpy(), tuple(tokenizer.convert_ids_to_tokens([ids[i] for i in picked]))


def contextual_vectors(model, tokenizer, word: str, sentences: list[str], *,
                       device: torch.device, control: str = "library") -> Contextual:
    """Embed `word` in each sentence that contains it, at every layer.

    control: how typed control-token strings are read, one of explorer.core.encoding.CONTROL_MODES.
    """
    word = word.strip()
    if not word:
        raise ValueError("type the word to follow (for example: bank)")
    runner = model.get_encoder() if check(model, "contextual").kind == "encoder-decoder" else model
    kept, skipped, vecs, toks = [], [], [], []
    for sentence in sentences:
        span = _word_span(sentence, word)
        if span is None:
            skipped.append(sentence)
            continue
        vec, tok = _occurrence(runner, tokenizer, sentence, span, device, control)
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
