"""What the user typed, shown safely: markdown-escaped, and checked against GloVe's vocabulary."""
from __future__ import annotations

import re

import streamlit as st

from explorer.embeddings.presets import parse_words
from explorer.embeddings.words import UnitSpace, lookup


def md(text: str) -> str:
    """User text made literal inside Streamlit markdown (no links, emphasis or HTML)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~:$])", r"\\\1", text)


def known_words(space: UnitSpace, raw: str) -> tuple[str, ...]:
    """Parse typed words; warn about unknown ones (with close spellings) and duplicates."""
    found = lookup(space, parse_words(raw))
    for word in found.missing:
        close = found.suggestions[word]
        hint = f" Did you mean: {md(', '.join(close))}?" if close else " No close spelling found."
        st.warning(f"“{md(word)}” is not in GloVe's 400,000-word vocabulary.{hint}",
                   icon=":material/help:")
    if found.duplicates:
        st.caption(f"Ignored duplicates: {md(', '.join(dict.fromkeys(found.duplicates)))}")
    return found.found
