"""What the user typed, shown safely: markdown-escaped, and checked against GloVe's vocabulary."""
from __future__ import annotations

import streamlit as st

from explorer.core.markdown import escape_md
from explorer.embeddings.words import SUGGEST_MAX
from pages.embeddings import cache

NAMED = 12  # unknown words named in the summary line beyond the first SUGGEST_MAX


def known_words(raw: str) -> tuple[str, ...]:
    """Parse typed words; warn about unknown ones (close spellings for the first few) and duplicates."""
    found = cache.typed_words(raw)
    for word in found.missing[:SUGGEST_MAX]:
        close = found.suggestions.get(word, ())
        hint = f" Did you mean: {escape_md(', '.join(close))}?" if close else " No close spelling found."
        st.warning(f"“{escape_md(word)}” is not in GloVe's 400,000-word vocabulary.{hint}",
                   icon=":material/help:")
    rest = found.missing[SUGGEST_MAX:]
    if rest:
        named = ", ".join(rest[:NAMED]) + (", …" if len(rest) > NAMED else "")
        st.warning(f"{len(rest)} more words are not in GloVe either (no spelling suggestions beyond the "
                   f"first {SUGGEST_MAX}): {escape_md(named)}", icon=":material/help:")
    if found.duplicates:
        st.caption(f"Ignored duplicates: {escape_md(', '.join(dict.fromkeys(found.duplicates)))}")
    return found.found
