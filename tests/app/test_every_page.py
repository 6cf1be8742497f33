"""AppTest over every page in the menu: each runs cleanly, with and without junk URLs."""
import pytest

from pages.shared.nav import available_pages
from tests.app._apptest import run_page

PAGES = [p.path for p in available_pages()]
JUNK = {"seed": "NaN", "text": "<img src=x onerror=alert(1)>", "layer": "-99", "mode": "\u202e"}


@pytest.mark.parametrize("path", PAGES)
def test_page_runs_without_exception(path):
    """Check the page runs to the end with a title and no exception."""
    at = run_page(path)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "every page starts with a title"


@pytest.mark.parametrize("path", PAGES)
def test_page_survives_junk_query_params(path):
    """Check unknown or invalid URL values never crash a page."""
    assert not run_page(path, JUNK).exception
