"""Encode text with a shared Hugging Face tokenizer without ever changing it.

A loaded tokenizer is used by every session at the same moment. Passing
`padding=`, `truncation=` or `split_special_tokens=` to a fast tokenizer makes
transformers reconfigure the Rust tokenizer in place, so two sessions race
(`RuntimeError: Already borrowed`, or one session's truncation length in
another's result). Here the tokenizer is only ever asked to encode one text
with its defaults; truncation and padding are done on the ids in Python.

`freeze_defaults(tok)` is called once by the loaders, before the tokenizer is
shared, so that those default calls never need to reconfigure it either
(MiniLM's tokenizer.json, for one, ships with padding and truncation at 128).

Typed control tokens, one rule for every tokenizer. When a user types the
text of a control token (`[CLS]`, `<|im_end|>`, `<|endoftext|>`), each library
has its own default: Hugging Face tokenizers parse it as the control token,
tiktoken refuses the text. `control="library"` reproduces that default;
`control="text"` reads it as plain text (HF's `split_special_tokens=True`,
tiktoken's `encode_ordinary`), done without touching the shared tokenizer.

Example:
    >>> encode(tok, "The cat sat.", max_length=4)      # BERT: [CLS] the cat [SEP]
    [101, 1996, 4937, 102]
    >>> pad_rows([[1, 2, 3], [4]], pad_id=0)[1]         # attention mask [row, position]
    array([[1, 1, 1], [1, 0, 0]])
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

CONTROL_MODES = ("library", "text")  # URL values of every page's control-token switch
CONTROL_LABELS = {"library": "as the library does", "text": "as plain text"}


class ControlTokenRefused(ValueError):
    """tiktoken's default: text containing a control token's string is refused."""


@dataclass(frozen=True)
class TypedControl:
    """A control token's string found in typed text. start/end are character offsets."""

    start: int
    end: int
    text: str
    token_id: int


def is_tiktoken(tok) -> bool:
    """True for tiktoken-style encodings (tiktoken, quicktok), False for Hugging Face tokenizers."""
    return hasattr(tok, "encode_ordinary")


def control_strings(tok) -> dict[str, int]:
    """Every control token's string -> id: tiktoken's special tokens, or HF's added tokens.

    HF matches every added token whole, before normal tokenization, special flag
    or not (Phi-3's converted vocabulary has `</s>` as a non-special added token).
    """
    if is_tiktoken(tok):
        return {s: tok.encode_single_token(s) for s in tok.special_tokens_set}
    return {t.content: i for i, t in tok.added_tokens_decoder.items()}


def library_default(tok) -> str:
    """What this tokenizer's library does with a typed control-token string, in words."""
    if is_tiktoken(tok):
        return "refused by default: the text contains a control token"
    return "parsed as control tokens"


def typed_controls(tok, text: str) -> list[TypedControl]:
    """Where `text` contains a control token's string (longest match first, left to right)."""
    table = control_strings(tok)
    if not table or not text:
        return []
    pattern = re.compile("|".join(re.escape(s) for s in sorted(table, key=len, reverse=True)))
    return [TypedControl(m.start(), m.end(), m.group(), table[m.group()]) for m in pattern.finditer(text)]


def freeze_defaults(tok) -> None:
    """Switch off padding and truncation stored in a fast tokenizer's files, once, at load time."""
    backend = getattr(tok, "_tokenizer", None)
    if backend is None:
        return
    if backend.truncation is not None:
        backend.no_truncation()
    if backend.padding is not None:
        backend.no_padding()


def _added_around(tok) -> tuple[list[int], list[int]]:
    """The special ids the post-processor puts before and after one sequence ([CLS] ... [SEP])."""
    full = list(tok("a", add_special_tokens=True)["input_ids"])
    plain = list(tok("a", add_special_tokens=False)["input_ids"])
    start = next((p for p in range(len(full) - len(plain) + 1) if full[p:p + len(plain)] == plain), 0)
    return full[:start], full[start + len(plain):]


def _hf_ids(tok, text: str, add_special_tokens: bool, control: str) -> list[int]:
    if control == "library":
        return list(tok(text, add_special_tokens=add_special_tokens)["input_ids"])
    # Plain text: the backend's own normalizer, pre-tokenizer and model, skipping added
    # tokens: split_special_tokens=True's ids, read-only on the shared tokenizer (and
    # also for added tokens that are not flagged special, which that flag leaves whole).
    ids = list(tok._encode_without_added_tokens(text)) if text else []
    if not add_special_tokens:
        return ids
    before, after = _added_around(tok)
    return before + ids + after


def _ids(tok, text: str, add_special_tokens: bool, control: str = "library") -> list[int]:
    if control not in CONTROL_MODES:
        raise ValueError(f"control must be one of {CONTROL_MODES}, got {control!r}")
    if not is_tiktoken(tok):
        return _hf_ids(tok, text, add_special_tokens, control)
    if control == "text":
        return list(tok.encode_ordinary(text))
    found = typed_controls(tok, text)
    if found:
        raise ControlTokenRefused(f"tiktoken refuses this text by default: it contains the control "
                                  f"token {found[0].text!r}. Read control tokens as plain text to encode it.")
    return list(tok.encode(text))


def encode(tok, text: str, *, add_special_tokens: bool = True, max_length: int | None = None,
           control: str = "library") -> list[int]:
    """Token ids of `text`; above `max_length` the text is cut, the added special tokens kept.

    Same ids as `tok(text, truncation=True, max_length=...)` for one sequence,
    without touching the shared tokenizer's settings. `control` says how typed
    control-token strings are read ("library" or "text", see the module doc).
    """
    full = _ids(tok, text, add_special_tokens, control)
    if max_length is None or len(full) <= max_length:
        return full
    if not add_special_tokens:
        return full[:max_length]
    plain = _ids(tok, text, False, control)
    n_added = len(full) - len(plain)
    start = next((p for p in range(n_added + 1) if full[p:p + len(plain)] == plain), 0)
    prefix, suffix = full[:start], full[start + len(plain):]
    keep = max(0, max_length - len(prefix) - len(suffix))
    return prefix + plain[:keep] + suffix



def safe_ids(tok, text: str, cuts: list[tuple[int, int]]) -> list[int]:
    """Ids of `text` with the control strings at char spans `cuts` read as plain text, the rest as usual
    (a chat template's own control tokens stay control tokens).

    Like transformers' `encode_marked_chat`, every piece after the first is encoded
    after a newline that is then dropped, so SentencePiece adds no word-start space
    in the middle of the text.
    """
    bounds = [0] + [x for cut in cuts for x in cut] + [len(text)]
    newline = encode(tok, "\n", add_special_tokens=False)
    ids: list[int] = []
    for n in range(len(bounds) - 1):
        piece = text[bounds[n]:bounds[n + 1]]
        if not piece:
            continue
        control = "text" if n % 2 else "library"
        if n == 0:
            ids += encode(tok, piece, add_special_tokens=False, control=control)
            continue
        after = encode(tok, "\n" + piece, add_special_tokens=False, control=control)
        ids += after[len(newline):] if after[:len(newline)] == newline else \
            encode(tok, piece, add_special_tokens=False, control=control)
    return ids


def pad_rows(rows: list[list[int]], pad_id: int, side: str = "right") -> tuple[np.ndarray, np.ndarray]:
    """Stack id lists into ([row, position] ids, [row, position] attention mask), padding on `side`."""
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', got {side!r}")
    width = max((len(r) for r in rows), default=0)
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        at = slice(0, len(row)) if side == "right" else slice(width - len(row), width)
        ids[i, at] = row
        mask[i, at] = 1
    return ids, mask
