"""Make any text safe to show inside Streamlit markdown: it renders as the characters typed.

User text, hub ids from a link, tokens and error messages end up in
`st.markdown`, `st.error`, `st.caption` and friends, which all parse markdown
(links, images, emphasis, headings, code spans, `$math$`, `:red[colour]` and
`:material/icons:`). CommonMark lets a backslash escape any ASCII punctuation,
so escaping all of it shows the text literally and can never open a link.
Checked in Chromium: escaped `[x](http://e)`, `![i](http://e/i.png)`,
backticks, `*`, `#`, `$x$`, `:red[x]`, `:material/home:`, `<script>` and bare
URLs all render as the typed characters, with no link or image.

Example:
    >>> st.error(f"Could not load {escape_md(hub_id)}")
"""
from __future__ import annotations

import re
import string

_PUNCT = re.compile("([" + re.escape(string.punctuation) + "])")
_JOIN = "\u2060"  # WORD JOINER: invisible, but "http:/\u2060/" is no longer a URL to autolink
_AUTOLINK = re.compile(r"(://|www\.|@)", re.I)


def escape_md(text: object) -> str:
    """`text` with every ASCII punctuation character backslash-escaped; newlines become spaces.

    GitHub-flavoured markdown also turns bare `https://...`, `www.` and e-mail
    addresses into links even when escaped, so those get an invisible word joiner.
    """
    flat = " ".join(str(text).splitlines())
    flat = _AUTOLINK.sub(lambda m: m.group(1)[:-1] + _JOIN + m.group(1)[-1], flat)
    return _PUNCT.sub(r"\\\1", flat)

