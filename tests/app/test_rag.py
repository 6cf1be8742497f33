"""AppTest for the Search and answer page: default view, shared links, bad URLs, bad files, hostile text."""
import pytest

from explorer.rag.presets import BY_KEY, PRESETS
from tests.app._apptest import run_page

PAGE = "pages/rag/page.py"
RETURN = BY_KEY["return"].question


def _texts(at, kind: str) -> str:
    return " ".join(str(e.value) for e in getattr(at, kind))


def _html(at) -> list[str]:
    return [h.proto.body for h in at.get("html")]


def test_default_view_searches_and_answers_three_ways():
    """Check the default link embeds the basics, shows 3 highlighted chunks and 3 judged answers."""
    at = run_page(PAGE)
    assert not at.exception and not at.error
    assert "33 chunks from 19 sections" in _texts(at, "caption")
    cards = [h for h in _html(at) if "cosine" in h]
    assert len(cards) == 3 and "<mark>Ellipsis</mark>" in cards[0]
    markdown = _texts(at, "markdown")
    for title in ("No context", "Retrieved chunks", "Random chunks"):
        assert f"**{title}**" in markdown
    assert at.text_area(key="rag.question").value == PRESETS[0].question
    assert len(at.get("metric")) == 3
    assert dict(at.query_params) == {}


def test_shared_link_restores_every_setting():
    """Check a link's corpus, chunking, search, prompt switches, question and seed reach the widgets and stay in the URL."""
    query = {"size": "60", "overlap": "10", "k": "2", "index": "hnsw", "ef": "32",
             "question": RETURN, "few_shot": "1", "system": "0", "new_tokens": "8", "seed": "5"}
    at = run_page(PAGE, query)
    assert not at.exception and not at.error
    assert at.slider(key="rag.size").value == 60 and at.slider(key="rag.overlap").value == 10
    assert at.slider(key="rag.k").value == 2 and at.slider(key="rag.ef").value == 32
    assert at.radio(key="rag.index").value == "hnsw"
    assert at.toggle(key="rag.few_shot").value is True and at.toggle(key="rag.system").value is False
    assert at.text_area(key="rag.question").value == RETURN
    assert len([h for h in _html(at) if "cosine" in h]) == 2
    assert dict(at.query_params) == query


def test_junk_url_values_fall_back_to_defaults():
    """Check unparseable values and unknown choices in a link fall back, and a 10,000-character question is refused."""
    at = run_page(PAGE, {"k": "abc", "size": "NaN", "overlap": "1e999", "corpus": "nope",
                         "index": "<script>", "seed": "-1", "new_tokens": "x", "system": "maybe",
                         "question": "x" * 10_000})
    assert not at.exception
    assert "10,000 characters" in _texts(at, "error")
    assert "**No context**" not in _texts(at, "markdown")
    assert at.slider(key="rag.k").value == 3 and at.slider(key="rag.size").value == 120
    assert at.slider(key="rag.overlap").value == 20


def test_ten_thousand_character_question_is_refused():
    """Check a 10,000-character question typed in gets a clear error and no search or answers."""
    at = run_page(PAGE)
    at.text_area(key="rag.question").set_value("why " * 2_500).run()
    assert not at.exception
    assert "10,000 characters" in _texts(at, "error")
    assert "**No context**" not in _texts(at, "markdown")


def test_script_in_question_stays_text():
    """Check HTML and script in a question are never emitted as markup."""
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)> How is the Ellipsis object written?"
    at = run_page(PAGE, {"question": hostile, "new_tokens": "8"})
    assert not at.exception
    assert at.text_area(key="rag.question").value == hostile
    assert all("<script" not in h and "<img" not in h for h in _html(at))
    assert "**Retrieved chunks**" in _texts(at, "markdown")


def test_empty_upload_corpus_asks_for_files():
    """Check choosing 'Your files' with nothing uploaded explains what to do instead of searching."""
    at = run_page(PAGE, {"corpus": "upload"})
    assert not at.exception and not at.error
    assert "Upload a file" in _texts(at, "info")
    assert not [h for h in _html(at) if "cosine" in h]


@pytest.mark.parametrize("name,content,message", [
    ("empty.txt", b"", "Empty file"),
    ("huge.txt", b"word " * 60_000, "File too large"),
    ("binary.txt", bytes(range(256)) * 4, "Not a text file"),
    ("latin1.md", "# Caf\xe9\nna\xefve".encode("latin-1"), "Not a text file"),
])
def test_bad_files_are_named(name, content, message):
    """Check an empty, huge or binary upload gets its own error and nothing is searched."""
    at = run_page(PAGE, {"corpus": "upload"})
    at.file_uploader(key="rag_upload").upload(name, content, "text/plain").run()
    assert not at.exception
    assert message in _texts(at, "error") and name.split(".")[0] in _texts(at, "error")
    assert not [h for h in _html(at) if "cosine" in h]


def test_good_upload_is_searched_and_escaped():
    """Check an uploaded Markdown file is chunked, searched and its markup shown as text."""
    doc = ("# Teapots\nThe <b>teapot</b> <script>alert(1)</script> holds tea; it is made of clay.\n"
           "# Trains\nA steam train runs on coal and water.\n").encode()
    at = run_page(PAGE, {"corpus": "upload", "question": "What is a teapot made of?",
                         "new_tokens": "8", "k": "1"})
    at.file_uploader(key="rag_upload").upload("notes.md", doc, "text/markdown").run()
    assert not at.exception and not at.error
    assert "2 chunks from 2 sections" in _texts(at, "caption")
    card = [h for h in _html(at) if "cosine" in h][0]
    assert "Teapots" in card and "&lt;script&gt;" in card and "<script" not in card
