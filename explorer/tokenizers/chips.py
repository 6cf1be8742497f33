"""Colour-coded token chips as HTML, every piece of token text escaped.

Each token is a chip coloured by its ID (the same ID has the same colour in
every panel). Where a token came from is marked on its chip and its ID alike:
added by the tokenizer (dashed blue border), a control token parsed from
control-token text the user typed (thick red border, striped), or an ordinary
piece that spells a typed control string read as plain text (dotted amber
underline). Hovering a chip outlines its ID in the ID strip and the other
way round, with pure CSS (`:has()`), since st.html runs no script. Every
piece of text that came from the user or a vocabulary goes through
`html.escape` before it is placed in markup.

Example:
    >>> "<script>" in token_panel(tokenize("<script>"), panel="p0")
    False
"""
from __future__ import annotations

import html

import numpy as np

from explorer.tokenizers.adapters import Tokenized
from explorer.tokenizers.byte_pieces import show_bytes
from explorer.tokenizers.plain_text import ORIGIN_NAMES, origin_classes

GOLDEN = 0.6180339887498949
CHIP_CAP = 6_000  # chips drawn per panel; 20,000 emoji can make 80,000 byte tokens
HOVER_LINK_CAP = 600  # tokens per panel with hover linking (one :has() CSS rule each)
N_COLOURS = 24  # ID colours are classes c0..c23: same ID -> same class, and small HTML

CSS = """
.tokv{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:0.92rem;line-height:1.9;
  color:#1F2330}
.tokv .row{margin:0 0 .35rem 0;word-break:break-word;max-height:22rem;overflow-y:auto}
.tokv .tk,.tokv .ti,.tokv .lg{display:inline-block;white-space:pre;border-radius:4px;padding:0 3px;
  margin:1px 1px;unicode-bidi:isolate;border:1px solid rgba(0,0,0,.08);cursor:default}
.tokv .ti{font-size:.78rem;line-height:1.5}
.tokv .added{border:1px dashed #4F46E5;font-weight:600}
.tokv .typed{border:2px solid #DC2626;font-weight:700;background-image:repeating-linear-gradient(
  135deg,rgba(220,38,38,.18) 0 4px,transparent 4px 8px)}
.tokv .spelled{border:1px dotted #B45309;border-bottom:3px dotted #D97706}
.tokv .lg{font-size:.75rem;line-height:1.4;background-color:#F9FAFB}
.tokv .diff{box-shadow:inset 0 -3px 0 #E11D48}
.tokv .cap{font-size:.8rem;color:#555;margin:.1rem 0 .2rem 0;font-family:sans-serif}
.tokv .byte{color:#7C2D12}
""" + "".join(f".tokv .c{i}{{background-color:hsl({i * 360 / N_COLOURS:.0f},75%,84%)}}" for i in range(N_COLOURS))


def id_colour(token_id: int) -> str:
    """The colour class of a token ID (c0..c23): same ID, same colour, in every panel.

    The golden-ratio step spreads neighbouring IDs (101, 102) far apart in hue.
    """
    return f"c{int((int(token_id) * GOLDEN) % 1.0 * N_COLOURS)}"


def chip_text(piece: str, raw: bytes, markers: bool) -> str:
    """What a chip shows (unescaped): decoded bytes, or the vocab piece with markers.

    Bytes that are not valid UTF-8 on their own always show as <0xNN>.
    """
    if markers:
        try:
            raw.decode("utf-8")
            return piece
        except UnicodeDecodeError:
            return show_bytes(raw, visible_space=True)
    text = show_bytes(raw, visible_space=False)
    return text.replace("\n", "↵").replace("\t", "⇥")


def _title(tok: Tokenized, i: int, origin: str) -> str:
    hexes = " ".join(f"{b:02X}" for b in tok.raw[i][:12]) + (" …" if len(tok.raw[i]) > 12 else "")
    where = f"bytes {tok.starts[i]}–{tok.ends[i]}" if origin != "added" else ORIGIN_NAMES[origin]
    extra = f" · {ORIGIN_NAMES[origin]}" if origin in ("typed", "spelled") else ""
    return f"#{i} ID {int(tok.ids[i])} · {hexes or '-'} · {where}{extra}"


def legend(tok: Tokenized) -> str:
    """A one-line key to the marks this panel uses (empty when it uses none)."""
    used = [c for c in ("added", "typed", "spelled") if getattr(tok, c).any()]
    chips = "".join(f'<span class="lg {c}">{html.escape(ORIGIN_NAMES[c])}</span>' for c in used)
    return f'<div class="cap legend">{chips}</div>' if chips else ""


def _hover_css(panel: str, n: int) -> str:
    rules = [f".tokv.{panel}:has(.k{i}:hover) .k{i}{{outline:2px solid #111;outline-offset:1px}}"
             for i in range(min(n, HOVER_LINK_CAP))]
    return "\n".join(rules)


def token_panel(tok: Tokenized, panel: str, markers: bool = False,
                differs: np.ndarray | None = None) -> str:
    """Chips for the text and a strip of IDs; `panel` is a CSS-safe class name."""
    if not panel.isidentifier():
        raise ValueError(f"panel must be a CSS-safe name, got {panel!r}")
    chips, ids, origins = [], [], origin_classes(tok)
    for i in range(min(tok.n_tokens, CHIP_CAP)):
        cls = f"k{i} {id_colour(int(tok.ids[i]))} {origins[i]}".rstrip() + (
            " diff" if differs is not None and differs[i] else "")
        title = html.escape(_title(tok, i, origins[i]), quote=True)
        shown = html.escape(chip_text(tok.pieces[i], tok.raw[i], markers), quote=True)
        chips.append(f'<span class="tk {cls}" title="{title}">{shown}</span>')
        if tok.raw[i].endswith(b"\n") and not markers:
            chips.append("<br>")
        piece = html.escape(tok.pieces[i], quote=True)
        ids.append(f'<span class="ti {cls}" title="{piece}">{int(tok.ids[i])}</span>')
    note = "" if tok.n_tokens <= HOVER_LINK_CAP else (
        f'<div class="cap">Hover linking covers the first {HOVER_LINK_CAP:,} tokens.</div>')
    if tok.n_tokens > CHIP_CAP:
        note += (f'<div class="cap">Chips show the first {CHIP_CAP:,} of {tok.n_tokens:,} tokens; '
                 "the counts, the gauge, the bytes view and the CSV include all of them.</div>")
    return (f"<style>{CSS}{_hover_css(panel, tok.n_tokens)}</style>"
            f'<div class="tokv {panel}"><div class="row">{"".join(chips) or "(no tokens)"}</div>'
            f'<div class="cap">token IDs</div><div class="row">{"".join(ids)}</div>{legend(tok)}{note}</div>')


def piece_strip(pieces: tuple[str, ...], raw: tuple[bytes, ...], ids: np.ndarray,
                highlight: np.ndarray | None = None, markers: bool = True,
                marks: Tokenized | None = None) -> str:
    """A single row of chips (decode view, chat template); highlighted chips get a red underline.

    `marks`, a Tokenized record of the same tokens, adds the typed / spelled marks and their key.
    """
    chips, origins = [], origin_classes(marks) if marks is not None else [""] * len(pieces)
    for i, (piece, r) in enumerate(zip(pieces, raw)):
        cls = f"tk {id_colour(int(ids[i]))}" + (" diff" if highlight is not None and highlight[i] else "")
        cls += f" {origins[i]}".rstrip()
        shown = html.escape(chip_text(piece, r, markers), quote=True)
        title = html.escape(f"#{i} ID {int(ids[i])} · {piece}", quote=True)
        chips.append(f'<span class="{cls}" title="{title}">{shown}</span>')
    key = legend(marks) if marks is not None else ""
    return f'<style>{CSS}</style><div class="tokv"><div class="row">{"".join(chips)}</div>{key}</div>'
