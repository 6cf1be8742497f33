"""E2E: every page in the menu opens in Chromium at its URL and shows its heading."""
import pytest
from playwright.sync_api import Page, expect

from pages.shared.nav import available_pages
from tests.e2e._ui import assert_no_exception, open_app

PAGES = [p for p in available_pages() if not p.default]


@pytest.mark.parametrize("info", PAGES, ids=[p.url_path for p in PAGES])
def test_page_opens_with_heading(page: Page, app_url, info):
    """Check the page's URL renders its heading with no exception box."""
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    open_app(page, f"{app_url}/{info.url_path}")
    expect(page.locator("[data-testid='stMain'] h1").first).to_be_visible()
    assert_no_exception(page)
    assert not errors, errors
