"""Typed control tokens, token by token: the plain-text reading with offsets, and where each came from.

`explorer.core.encoding` holds the rule (what each library does with a typed
`[CLS]` or `<|im_end|>`, and the plain-text reading). This module adds what
the inspector needs on top: character offsets for Hugging Face's plain-text
reading (the backend's normalizer, pre-tokenizer and model, run read-only on
a fresh `PreTokenizedString`, never reconfiguring the shared tokenizer), and
for every token whether it is a control token parsed from typed text or an
ordinary piece that spells a typed control string.

Example (SmolLM2, "Hi <|im_end|>"):
    >>> ids, offsets = hf_plain(tok, "Hi <|im_end|>")
    >>> ids[:3], offsets[:3]
    ([26843, 2067, 108], [(0, 2), (2, 4), (4, 5)])
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.core.encoding import control_strings, encode, typed_controls
from explorer.tokenizers.byte_pieces import char_to_byte_offsets


def hf_plain(tok, text: str) -> tuple[list[int], list[tuple[int, int]]]:
    """A fast HF tokenizer's plain-text ids of `text` (no added token matched) and their char offsets.

    Same ids as `encode(tok, text, add_special_tokens=False, control="text")`;
    offsets index `text` in characters, like `return_offsets_mapping`.
    """
    from tokenizers import PreTokenizedString

    if not text:
        return [], []
    backend = tok.backend_tokenizer
    pre = PreTokenizedString(text)
    normalizer, pre_tokenizer, model = backend.normalizer, backend.pre_tokenizer, backend.model
    if normalizer is not None:
        pre.normalize(normalizer.normalize)
    if pre_tokenizer is not None:
        pre_tokenizer.pre_tokenize(pre)
    pre.tokenize(lambda piece: model.tokenize(str(piece)))
    encoding = pre.to_encoding()
    return list(encoding.ids), [tuple(o) for o in encoding.offsets]


def hf_plain_added(tok, text: str, add_special: bool) -> tuple[list[int], list[bool], list[tuple[int, int]]]:
    """(ids, added by the tokenizer, char offsets) of the plain-text reading, [CLS]/[SEP] included.

    The ids are core's `encode(..., control="text")`; offsets come from `hf_plain`.
    """
    full = encode(tok, text, add_special_tokens=add_special, control="text")
    plain, offsets = hf_plain(tok, text)
    at = next((p for p in range(len(full) - len(plain) + 1) if full[p:p + len(plain)] == plain), None)
    if at is None:
        raise ValueError("The plain-text reading could not be aligned with its offsets.")
    after = len(full) - at - len(plain)
    added = [True] * at + [False] * len(plain) + [True] * after
    return full, added, [(0, 0)] * at + offsets + [(0, 0)] * after


# Where a token came from: its class name in the chips' HTML and its words in tables and tooltips.
ORIGIN_NAMES = {"added": "added by the tokenizer", "typed": "typed control token (parsed from the text)",
                "spelled": "typed control string, read as plain text", "": "text"}


def origin_classes(tok) -> list[str]:
    """[token] 'added', 'typed', 'spelled' or '' for a Tokenized record `tok`."""
    return ["added" if a else "typed" if t else "spelled" if s else ""
            for a, t, s in zip(tok.added.tolist(), tok.typed.tolist(), tok.spelled.tolist())]


@dataclass(frozen=True)
class Origins:
    """Where each token came from. Arrays are [token] bool."""

    typed: np.ndarray  # a control token parsed from control-token text the user typed
    spelled: np.ndarray  # an ordinary token inside a typed control string read as plain text
    n_strings: int  # control-token strings found in the text (this tokenizer's own)


def origins(tok, text: str, ids: np.ndarray, starts: np.ndarray, ends: np.ndarray,
            added: np.ndarray) -> Origins:
    """Mark typed control tokens and the pieces that spell typed control strings.

    `starts`/`ends` are byte spans in text.encode(); `added` marks tokens the
    tokenizer added itself ([CLS], BOS), which are neither.
    """
    found = typed_controls(tok, text)
    control_ids = np.fromiter(set(control_strings(tok).values()), dtype=np.int64)
    typed = ~added & np.isin(ids, control_ids)
    spelled = np.zeros(len(ids), dtype=bool)
    if found:
        to_byte = char_to_byte_offsets(text)
        cover = np.zeros(to_byte[-1] + 1, dtype=np.int64)  # [byte + 1] +1 where a string starts, -1 where it ends
        np.add.at(cover, [to_byte[f.start] for f in found], 1)
        np.add.at(cover, [to_byte[f.end] for f in found], -1)
        covered = np.concatenate([[0], np.cumsum(np.cumsum(cover)[:-1] > 0)])  # [byte + 1] covered bytes before
        spelled = (covered[ends] - covered[starts] > 0) & ~typed & ~added
    return Origins(typed, spelled, len(found))
