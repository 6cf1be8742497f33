"""One interface over tiktoken, quicktok and Hugging Face tokenizers.

`adapt(key, obj)` wraps whatever `explorer.core.models.load_tokenizer` returned;
`Adapter.tokenize(text, config)` returns a `Tokenized` record with, per
token, its ID, the vocab piece (with Ġ / ▁ / ## markers), the exact bytes it
stands for, its byte span in the UTF-8 text, and where it came from: added by
the tokenizer, a control token parsed from typed text, or text.

Typed control-token strings follow `explorer.core.encoding`'s one rule:
`config.control="library"` reproduces each library's default (Hugging Face
parses them as control tokens; tiktoken refuses the text, kept in
`Tokenized.refused` beside the plain-text reading), `"text"` reads them as
plain text.

Example:
    >>> tok = adapt("gpt2", models.load_tokenizer("gpt2").obj)
    >>> t = tok.tokenize("Hello world", TokenizeConfig())
    >>> t.ids.tolist(), t.pieces, t.starts.tolist()
    ([15496, 995], ('Hello', 'Ġworld'), [0, 5])
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from explorer.core.encoding import CONTROL_MODES, ControlTokenRefused, encode
from explorer.tokenizers.byte_pieces import from_alphabet, locate, to_alphabet
from explorer.tokenizers.plain_text import hf_plain_added, origins

MAX_CHARS = 20_000  # longer inputs are refused with this limit named, never truncated
MAX_IDS = 5_000  # ids accepted by decode()

# Tokens a model's own HF tokenizer adds that quicktok's plain BPE does not.
BOS = {"llama3": "<|begin_of_text|>"}
# tiktoken encodings have no pad token: pad with end-of-text, the usual choice.
PAD_NOTE = "no pad token of its own: padded with its end-of-text token, the usual choice"


@dataclass(frozen=True)
class TokenizeConfig:
    """How to tokenize one text."""

    add_special_tokens: bool = True
    max_chars: int = MAX_CHARS
    control: str = "library"  # typed control-token strings: "library" (its default) or "text"

    def __post_init__(self) -> None:
        if not 1 <= self.max_chars <= 1_000_000:
            raise ValueError(f"max_chars must be 1..1,000,000, got {self.max_chars}")
        if self.control not in CONTROL_MODES:
            raise ValueError(f"control must be one of {CONTROL_MODES}, got {self.control!r}")


def check_text(text: str, max_chars: int = MAX_CHARS) -> str:
    """Raise ValueError (message names the limit) for text the page must refuse."""
    if not isinstance(text, str):
        raise ValueError("text must be a string")
    if len(text) > max_chars:
        raise ValueError(f"The text has {len(text):,} characters; the limit is {max_chars:,}. "
                         "Shorten it (the inspector never truncates silently).")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("The text holds a lone surrogate (half of an emoji): it is not "
                         "valid Unicode, so it has no UTF-8 bytes to tokenize.") from None
    return text


@dataclass(frozen=True)
class Tokenized:
    """One text through one tokenizer. Arrays are [token]; spans index text.encode()."""

    key: str
    title: str
    text: str
    ids: np.ndarray  # [token] int64 vocabulary IDs
    starts: np.ndarray  # [token] byte offset where the token's text starts
    ends: np.ndarray  # [token] byte offset where it ends (start == end for added tokens)
    added: np.ndarray  # [token] bool: added by the tokenizer (special), not typed
    pieces: tuple[str, ...]  # [token] vocab entry as stored, with Ġ / ▁ / ## markers
    raw: tuple[bytes, ...]  # [token] the bytes the token stands for
    context: int | None = None  # tokens the model can attend to
    typed: np.ndarray | None = None  # [token] bool: a control token parsed from typed text
    spelled: np.ndarray | None = None  # [token] bool: a piece of a typed control string read as text
    n_strings: int = 0  # control-token strings found in the text
    control: str = "library"  # how typed control strings were read (CONTROL_MODES)
    refused: str = ""  # the library's refusal (tiktoken); the tokens are then the plain-text reading

    def __post_init__(self) -> None:
        for name in ("typed", "spelled"):
            if getattr(self, name) is None:
                object.__setattr__(self, name, np.zeros(len(self.ids), dtype=bool))

    @property
    def n_tokens(self) -> int:
        return len(self.ids)

    @property
    def n_bytes(self) -> int:
        return len(self.text.encode("utf-8"))

    @property
    def n_words(self) -> int:
        return len(self.text.split())

    @property
    def n_added(self) -> int:
        """Tokens the tokenizer added itself ([CLS], [SEP], BOS)."""
        return int(self.added.sum())

    @property
    def n_typed(self) -> int:
        """Control tokens that came from control-token text the user typed."""
        return int(self.typed.sum())

    def stats(self) -> dict[str, float | int | None]:
        """Counts: tokens, characters, bytes per token, tokens per word, context used."""
        n = self.n_tokens
        return {"tokens": n, "characters": len(self.text), "bytes": self.n_bytes,
                "bytes_per_token": self.n_bytes / n if n else 0.0,
                "tokens_per_word": n / self.n_words if self.n_words else 0.0,
                "context_used": n / self.context if self.context else None}


@dataclass
class Adapter:
    """Base: subclasses fill `_encode` (ids, pieces, raw, added, char offsets)."""

    key: str
    title: str
    obj: Any
    context: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    kind = "base"

    @property
    def vocab_size(self) -> int:  # pragma: no cover - overridden
        raise NotImplementedError

    def tokenize(self, text: str, config: TokenizeConfig = TokenizeConfig()) -> Tokenized:
        """Encode `text` and locate every token's bytes in it."""
        check_text(text, config.max_chars)
        refused = ""
        try:
            ids, pieces, raw, added, offsets = self._encode(text, config.add_special_tokens, config.control)
        except ControlTokenRefused as err:  # shown as what it is, beside the plain-text reading
            refused = str(err)
            ids, pieces, raw, added, offsets = self._encode(text, config.add_special_tokens, "text")
        starts, ends = locate(text, raw, added, offsets)
        ids, added = np.asarray(ids, dtype=np.int64), np.asarray(added, dtype=bool)
        marks = origins(self.obj, text, ids, starts, ends, added)
        return Tokenized(self.key, self.title, text, ids, starts, ends, added, tuple(pieces),
                         tuple(raw), self.context, marks.typed, marks.spelled, marks.n_strings,
                         config.control, refused)

    def check_ids(self, ids: list[int]) -> list[int]:
        """Raise ValueError naming IDs outside the vocabulary."""
        if len(ids) > MAX_IDS:
            raise ValueError(f"{len(ids):,} IDs given; the limit is {MAX_IDS:,}.")
        bad = [i for i in ids if not 0 <= i < self.vocab_size or not self._known(i)]
        if bad:
            raise ValueError(f"{self.title} has IDs 0..{self.vocab_size - 1}; not in its "
                             f"vocabulary: {', '.join(map(str, bad[:10]))}")
        return ids

    def _known(self, token_id: int) -> bool:
        return True


class TiktokenAdapter(Adapter):
    """tiktoken.Encoding and quicktok.Tokenizer (same API)."""

    kind = "tiktoken"

    @property
    def vocab_size(self) -> int:
        return int(self.obj.n_vocab)

    def _known(self, token_id: int) -> bool:
        try:
            self.obj.decode_single_token_bytes(token_id)
        except (KeyError, ValueError):
            return False
        return True

    def raw(self, token_id: int) -> bytes:
        return self.obj.decode_single_token_bytes(int(token_id))

    def piece(self, token_id: int) -> str:
        """The vocab entry in the byte-level alphabet, as HF's copy of this vocab shows it."""
        raw = self.raw(token_id)
        return raw.decode("utf-8") if self.is_special(token_id) else to_alphabet(raw)

    def is_special(self, token_id: int) -> bool:
        return bool(self.obj.is_special_token(int(token_id))) if hasattr(
            self.obj, "is_special_token") else int(token_id) in self._special_ids()

    def _special_ids(self) -> set[int]:
        return {self.obj.encode_single_token(s) for s in self.obj.special_tokens_set}

    def _encode(self, text: str, add_special: bool, control: str):
        # "library" is tiktoken's encode(): a typed '<|endoftext|>' raises ControlTokenRefused.
        ids = encode(self.obj, text, add_special_tokens=False, control=control)
        added = [False] * len(ids)
        if add_special and self.key in BOS:
            ids, added = [self.obj.encode_single_token(BOS[self.key])] + ids, [True] + added
        raw = [self.raw(i) for i in ids]
        return ids, [self.piece(i) for i in ids], raw, added, None

    def decode(self, ids: list[int]) -> str:
        return self.obj.decode_bytes(list(ids)).decode("utf-8", errors="replace")

    def pad(self) -> tuple[int, str, str]:
        """(pad id, its text, why that one)."""
        eot = int(self.obj.eot_token)
        return eot, self.raw(eot).decode("utf-8", "replace"), PAD_NOTE


class HFAdapter(Adapter):
    """Hugging Face fast tokenizers (BERT WordPiece, SmolLM2 BPE, Phi-3 SentencePiece, hub)."""

    kind = "hf"

    @property
    def vocab_size(self) -> int:
        return len(self.obj)

    def _known(self, token_id: int) -> bool:
        return self.obj.convert_ids_to_tokens(int(token_id)) is not None

    @functools.cached_property
    def added_ids(self) -> frozenset[int]:
        return frozenset(self.obj.added_tokens_decoder)

    def raw_of(self, token_id: int, piece: str) -> bytes:
        """The bytes a vocab piece stands for, by the tokenizer family's convention."""
        if token_id in self.added_ids:
            return piece.encode("utf-8")
        if piece.startswith("<0x") and piece.endswith(">") and len(piece) == 6:
            return bytes([int(piece[3:5], 16)])  # SentencePiece byte fallback
        if "▁" in piece:
            return piece.replace("▁", " ").encode("utf-8")
        if self.byte_level:
            return from_alphabet(piece) or piece.encode("utf-8")
        return piece.removeprefix("##").encode("utf-8")

    @functools.cached_property
    def byte_level(self) -> bool:
        pre = getattr(self.obj.backend_tokenizer, "pre_tokenizer", None)
        return "ByteLevel" in repr(pre)

    def _encode(self, text: str, add_special: bool, control: str):
        if control == "text":  # typed control strings as plain text, [CLS]/[SEP] still added
            ids, added, offsets = hf_plain_added(self.obj, text, add_special)
            pieces = self.obj.convert_ids_to_tokens(ids)
            return ids, pieces, [self.raw_of(i, p) for i, p in zip(ids, pieces)], added, offsets
        enc = self.obj(text, add_special_tokens=add_special, return_offsets_mapping=True,
                       return_special_tokens_mask=True, return_attention_mask=False,
                       return_token_type_ids=False, verbose=False)
        ids = list(enc["input_ids"])
        pieces = self.obj.convert_ids_to_tokens(ids)
        raw = [self.raw_of(i, p) for i, p in zip(ids, pieces)]
        added = [bool(m) for m in enc["special_tokens_mask"]]
        return ids, pieces, raw, added, [tuple(o) for o in enc["offset_mapping"]]

    def decode(self, ids: list[int]) -> str:
        return self.obj.decode(list(ids), skip_special_tokens=False,
                               clean_up_tokenization_spaces=False)

    def raw(self, token_id: int) -> bytes:
        return self.raw_of(int(token_id), self.obj.convert_ids_to_tokens(int(token_id)))

    def piece(self, token_id: int) -> str:
        return self.obj.convert_ids_to_tokens(int(token_id))

    def is_special(self, token_id: int) -> bool:
        return int(token_id) in set(self.obj.all_special_ids)

    def pad(self) -> tuple[int, str, str]:
        if self.obj.pad_token_id is not None:
            return int(self.obj.pad_token_id), str(self.obj.pad_token), "its own pad token"
        eos = self.obj.eos_token_id if self.obj.eos_token_id is not None else 0
        return int(eos), str(self.obj.convert_ids_to_tokens(int(eos))), PAD_NOTE


def adapt(key: str, obj: Any, title: str | None = None, context: int | None = None) -> Adapter:
    """Wrap a loaded tokenizer object in the matching adapter."""
    cls = TiktokenAdapter if hasattr(obj, "decode_single_token_bytes") else HFAdapter
    return cls(key, title or key, obj, context)
