"""Unit tests for explorer.core.markdown.escape_md and the ViewState bounds helpers."""
import re
import string
from dataclasses import dataclass

import pytest

from explorer.core.markdown import escape_md
from explorer.core.state import ViewState, bounds, choice, max_chars, num, options, text

HOSTILE = ["[x](http://e)", "![i](http://e/i.png)", "a `code` b", "*bold* _it_", "# heading",
           ":red[x] :material/home:", "$x^2$", "<script>alert(1)</script>", "https://e.example/a",
           "www.e.example", "me@e.example", "line one\nline two", "back\\slash"]


@pytest.mark.parametrize("raw", HOSTILE)
def test_every_markdown_character_is_escaped(raw):
    """Check no ASCII punctuation is left unescaped, so no link, image, code span or heading can form."""
    out = escape_md(raw)
    unescaped = re.findall(r"(?<!\\)[" + re.escape(string.punctuation.replace("\\", "")) + "]", out)
    assert unescaped == []
    assert "\n" not in out
    assert out.replace("\\", "").replace("\u2060", "") == " ".join(raw.replace("\\", "").splitlines())


def test_bare_urls_and_addresses_cannot_autolink():
    """Check '://', 'www.' and '@' carry a word joiner, which stops GFM's autolinks."""
    out = escape_md("see https://e.example www.e.example me@e.example")
    assert "://" not in out.replace("\\", "") and "www." not in out.replace("\\", "")
    assert out.count("\u2060") == 3


@dataclass(frozen=True)
class _Demo(ViewState):
    n: int = num(5, lo=1, hi=20)
    mode: str = choice("a", ("a", "b"))
    words: str = text("hi", max_len=30)


def test_bounds_come_from_the_fields_the_url_parser_uses():
    """Check bounds/options/max_chars read the same metadata from_query clamps with."""
    assert bounds(_Demo, "n") == (1, 20)
    assert _Demo.from_query({"n": "99"}).n == 20 and _Demo.from_query({"n": "-3"}).n == 1
    assert options(_Demo, "mode") == ("a", "b")
    assert max_chars(_Demo, "words") == 30 and _Demo.from_query({"words": "x" * 31}).words == "hi"
    with pytest.raises(ValueError):
        bounds(_Demo, "mode")
    with pytest.raises(KeyError):
        bounds(_Demo, "nope")
