"""AppTest: Home and Models pages run without exceptions and show real content."""
from tests.app._apptest import run_page


def test_home_links_only_existing_pages():
    """Check Home renders and links exactly the pages whose files exist."""
    from pages.shared.nav import available_pages

    at = run_page("pages/home/page.py")
    assert not at.exception
    assert at.title[0].value == "LLM Explorer"
    expected = [p.title for p in available_pages() if not p.default]
    assert len(expected) >= 1
    # page_link elements are not exposed by AppTest; their topic lines are.
    text = " ".join(m.value for m in at.markdown)
    for page in available_pages():
        if not page.default:
            assert page.topics in text


def test_models_page_loads_every_builtin_offline():
    """Check the Models page loads all built-in models from bundled packages."""
    from explorer.core.models import SPECS

    at = run_page("pages/models/page.py")
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    frame = at.dataframe[0].value
    assert list(frame["Model"]) == [s.title for s in SPECS.values()]
    assert set(frame["Status"]) == {"loaded"}
    assert not frame["Source"].str.startswith("hub").any()
    assert at.metric[0].value == "cpu"


def test_bad_query_params_do_not_break_pages():
    """Check junk in the URL leaves Home and Models working."""
    junk = {"layer": "<script>alert(1)</script>", "zzz": "\u0000" * 10}
    for page in ("pages/home/page.py", "pages/models/page.py"):
        assert not run_page(page, junk).exception
