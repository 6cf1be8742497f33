"""The typed-control-token switch and notice, for every page that tokenizes user text.

When a user types the text of a control token (`[CLS]`, `<|im_end|>`,
`<|endoftext|>`), each library has its own default (see
`explorer.core.encoding`). Every page shows the same switch, bound to its
ViewState's `control` field (URL key `control`), and the same notice saying
what the text contains and what the library did with it.

Usage in a page whose ViewState has `control: str = choice("library", CONTROL_MODES)`:

    mode = control_tokens.switch(st, SamplingState, "samp")
    control_tokens.notice(st, tokenizer, prompt, mode, "SmolLM2")
"""
from __future__ import annotations

from explorer.core.encoding import CONTROL_LABELS, is_tiktoken, library_default, typed_controls
from explorer.core.markdown import escape_md
from explorer.core.state import options
from pages.shared.url_state import key

LABEL = "Control tokens typed in the text"
HELP = ("Text such as [CLS], <|endoftext|> or <|im_end|> typed by a user. "
        "'As the library does': Hugging Face tokenizers turn it into the real control token, "
        "tiktoken refuses the text. 'As plain text': it is read as ordinary characters "
        "(split_special_tokens=True / encode_ordinary), the safe choice for untrusted text.")
SHOWN = 5  # distinct control strings named in a notice


def switch(where, cls, prefix: str, label: str = LABEL) -> str:
    """The switch bound to `<prefix>.control`; returns the mode ('library' or 'text')."""
    return where.radio(label, options(cls, "control"), format_func=CONTROL_LABELS.get,
                       key=key(prefix, "control"), horizontal=True, help=escape_md(HELP))


def _strings(found) -> str:
    """'[CLS] (101), <|im_end|> (2)': the distinct strings found, escaped for markdown."""
    seen: dict[str, int] = {}
    for f in found:
        seen.setdefault(f.text, f.token_id)
    named = [f"{escape_md(s)} (ID {i})" for s, i in list(seen.items())[:SHOWN]]
    return ", ".join(named) + (", …" if len(seen) > SHOWN else "")


def describe(tok, text: str, mode: str, name: str = "") -> tuple[str, str, int] | None:
    """(kind, markdown, count) of the notice, kind 'warning' or 'info'; None when the text has no control string."""
    found = typed_controls(tok, text)
    if not found:
        return None
    who = f"**{escape_md(name)}**: " if name else ""
    n = len(found)
    what = f"the text contains **{n}** control-token string{'s' if n > 1 else ''} ({_strings(found)})"
    default = escape_md(library_default(tok))
    if mode == "text":
        return "info", (f"{who}{what}, read here **as plain text**: typed control tokens: 0. "
                        f"The library's default would be: {default}."), n
    if is_tiktoken(tok):
        return "warning", (f"{who}{what}. tiktoken: **{default}** (its encode() raises). "
                           "Shown beside it: the plain-text reading (encode\\_ordinary)."), n
    return "warning", (f"{who}{what}: **{default}**, as Hugging Face does by default, so typed control "
                       f"tokens: {n}. Switch to *{escape_md(CONTROL_LABELS['text'])}* to read them as characters."), n


def notice(where, tok, text: str, mode: str, name: str = "") -> int:
    """Say how many control-token strings `text` holds and what the library did with them; return that count.

    `tok` is the tokenizer object itself (Hugging Face or tiktoken-style), `mode` one of CONTROL_MODES.
    """
    found = describe(tok, text, mode, name)
    if found is None:
        return 0
    kind, body, count = found
    getattr(where, kind)(body, icon=":material/warning:" if kind == "warning" else ":material/info:")
    return count
