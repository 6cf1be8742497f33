"""E2E: the app serves Home at / and the Models page, in real Chromium, offline."""
from playwright.sync_api import Page, expect

from tests.e2e._ui import assert_no_exception, open_app, wait_ready


def test_home_opens_at_root_and_links_pages(page: Page, app_url):
    """Check / shows the Home heading and a working link to the Models page."""
    open_app(page, app_url + "/")
    expect(page.locator("h1").first).to_have_text("LLM Explorer")
    assert_no_exception(page)
    page.locator("[data-testid='stMain'] [data-testid='stPageLink'] a", has_text="Models").click()
    wait_ready(page)
    expect(page.locator("h1").first).to_have_text("Models")
    assert page.url.endswith("/models")


def test_models_page_lists_every_model_loaded(page: Page, app_url):
    """Check /models shows the table with every built-in model and no error box."""
    from explorer.core.models import SPECS

    open_app(page, app_url + "/models")
    expect(page.locator("[data-testid='stStatusWidget'], [data-testid='stExpander']").first
           ).to_contain_text(f"{len(SPECS)} of {len(SPECS)} models loaded", timeout=120_000)
    wait_ready(page)
    expect(page.locator("[data-testid='stDataFrame']")).to_be_visible()
    expect(page.locator("[data-testid='stMetricValue']").first).to_have_text("cpu")
    expect(page.locator("[data-testid='stAlertContentError']")).to_have_count(0)
    assert_no_exception(page)
    page.screenshot(path=str(_shot("models.png")), full_page=True)


def _shot(name):
    from pathlib import Path

    out = Path(__file__).resolve().parents[2] / "bench" / "out" / "screens"
    out.mkdir(parents=True, exist_ok=True)
    return out / name


def test_deep_link_as_first_request_keeps_the_app_menu(browser):
    """Check a fresh server whose first visitor opens a shared page link shows that page, the menu, no notice.

    With page files directly in pages/, Streamlit's legacy auto-discovery ran the
    page without app.py (every module listed in the menu, no wide layout); with
    only folders there, it still put "Page not found" over the right page until
    deploy/serve.py told Streamlit up front that st.navigation routes the app.
    """
    from pages.shared.nav import available_pages
    from tests.e2e._server import streamlit_server

    with streamlit_server() as (url, _proc):
        page = browser.new_page()
        open_app(page, url + "/models?shared=1")
        nav = page.locator("[data-testid='stSidebarNav'] a")
        expect(nav).to_have_count(len(available_pages()))
        expect(nav.filter(has_text="Neural-net playground")).to_have_count(1)
        expect(nav.filter(has_text="cache")).to_have_count(0)
        expect(page.locator("[data-testid='stMain'] h1").first).to_have_text("Models")
        expect(page.get_by_text("Page not found")).to_have_count(0)
        page.close()
