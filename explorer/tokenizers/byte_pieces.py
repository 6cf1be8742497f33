"""Token bytes: honest display (<0xE4>, never U+FFFD) and byte spans in the text.

A byte-level BPE token may hold only part of a character (the first two of
the three bytes of a CJK character, say). Decoding it alone with
errors="replace" prints a meaningless U+FFFD; here those bytes are shown as
they are.

Example:
    >>> show_bytes("你".encode()[:2])
    '<0xE4><0xBD>'
    >>> show_bytes(b" hi\\n", visible_space=True)
    '·hi↵'
    >>> show_bytes("\\u200d".encode())
    '<U+200D>'
"""
from __future__ import annotations

import functools
import unicodedata

import numpy as np

# Shown in place of invisible characters when whitespace is made visible.
VISIBLE = {" ": "·", "\n": "↵", "\t": "⇥", "\r": "␍"}


@functools.lru_cache(maxsize=1)
def byte_alphabet() -> dict[int, str]:
    """GPT-2's byte -> printable character map (the alphabet behind Ġ = space).

    Byte-level BPE vocabularies store each byte as one printable character so
    that the vocab file is text: printable ASCII and Latin-1 map to themselves,
    the other 68 bytes to U+0100 onwards (space 0x20 -> 'Ġ', newline -> 'Ċ').
    """
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    chars, extra = {}, 0
    for b in range(256):
        if b in keep:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + extra)
            extra += 1
    return chars


@functools.lru_cache(maxsize=1)
def byte_alphabet_inverse() -> dict[str, int]:
    """Printable character -> byte, the inverse of `byte_alphabet()`."""
    return {c: b for b, c in byte_alphabet().items()}


def to_alphabet(raw: bytes) -> str:
    """Bytes written in the byte-level alphabet: b' hi' -> 'Ġhi'."""
    table = byte_alphabet()
    return "".join(table[b] for b in raw)


def from_alphabet(piece: str) -> bytes | None:
    """Byte-level piece back to bytes ('Ġhi' -> b' hi'); None if it is not one."""
    table = byte_alphabet_inverse()
    try:
        return bytes(table[c] for c in piece)
    except KeyError:
        return None


def hex_bytes(raw: bytes) -> str:
    """Bytes as '<0xE4><0xBD>'."""
    return "".join(f"<0x{b:02X}>" for b in raw)


def _show_char(ch: str, visible_space: bool) -> str:
    if visible_space and ch in VISIBLE:
        return VISIBLE[ch]
    if ch in ("\n", "\t", " "):
        return ch
    category = unicodedata.category(ch)
    if category == "Cc":
        # Control characters (NUL, ESC, ...) are invisible or break layout: show the byte.
        return hex_bytes(ch.encode())
    if category == "Cf":
        # Invisible format characters (zero-width joiner, right-to-left override): name them.
        return f"<U+{ord(ch):04X}>"
    return ch


def show_bytes(raw: bytes, visible_space: bool = False) -> str:
    """Display text for a token's bytes: valid UTF-8 as text, the rest as <0xNN>.

    Control characters are always shown as bytes; spaces, newlines and tabs
    become ·, ↵, ⇥ when `visible_space` is set.
    """
    out, pos = [], 0
    while pos < len(raw):
        try:
            chunk = raw[pos:].decode("utf-8")
            out.extend(_show_char(c, visible_space) for c in chunk)
            break
        except UnicodeDecodeError as err:
            good = raw[pos:pos + err.start].decode("utf-8")
            out.extend(_show_char(c, visible_space) for c in good)
            bad_end = pos + max(err.end, err.start + 1)
            out.append(hex_bytes(raw[pos + err.start:bad_end]))
            pos = bad_end
    return "".join(out)


def char_to_byte_offsets(text: str) -> list[int]:
    """[char + 1] prefix sums: byte offset in text.encode() of each char index."""
    offsets, total = [0], 0
    for ch in text:
        total += len(ch.encode("utf-8", "surrogatepass"))
        offsets.append(total)
    return offsets


def locate(text: str, raw: list[bytes], added: list[bool],
           offsets: list[tuple[int, int]] | None) -> tuple[np.ndarray, np.ndarray]:
    """Byte spans [token] of each token in text.encode().

    Byte-level tokenizers: the tokens' bytes concatenate to the text exactly,
    so spans are running sums. SentencePiece prepends one space ('▁'): the
    same, shifted by one byte. WordPiece normalises (lowercase, accents) so its
    char offsets are the only truth; tokens sharing one char split its bytes.
    """
    data = text.encode("utf-8")
    typed = [r for r, a in zip(raw, added) if not a]
    joined = b"".join(typed)
    if joined in (data, b" " + data):
        return _running(raw, added, len(joined) - len(data), len(data))
    if offsets is None:
        raise ValueError("token bytes do not rebuild the text and no offsets were given")
    return _from_offsets(text, raw, added, offsets)


def _running(raw, added, shift: int, total: int) -> tuple[np.ndarray, np.ndarray]:
    starts, ends, pos = [], [], -shift
    for r, a in zip(raw, added):
        if a:
            starts.append(max(pos, 0))
            ends.append(max(pos, 0))
            continue
        starts.append(max(pos, 0))
        pos += len(r)
        ends.append(min(max(pos, 0), total))
    return np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)


def _from_offsets(text, raw, added, offsets) -> tuple[np.ndarray, np.ndarray]:
    to_byte = char_to_byte_offsets(text)
    starts = [to_byte[s] for s, _ in offsets]
    ends = [to_byte[e] for _, e in offsets]
    i = 0
    while i < len(raw):  # tokens sharing one span (byte fallback) split it by their sizes
        j = i
        while j + 1 < len(raw) and offsets[j + 1] == offsets[i] and not added[j + 1]:
            j += 1
        sizes = [len(r) for r in raw[i:j + 1]]
        if j > i and sum(sizes) == ends[i] - starts[i]:
            pos = starts[i]
            for k, size in zip(range(i, j + 1), sizes):
                starts[k], ends[k] = pos, pos + size
                pos += size
        i = j + 1
    last = max(ends, default=0)
    for k, a in enumerate(added):  # added tokens sit where they were added
        if a:
            starts[k] = ends[k] = 0 if k == 0 else (last if k == len(added) - 1 else ends[k - 1])
    return np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)
