"""E2E: the Embedding space page in real Chromium: plots, shared links, XSS, UMAP warm-up."""
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Page, expect

from tests.e2e._ui import assert_no_exception, open_app, record_dialogs, wait_ready

SCREENS = Path(__file__).resolve().parents[2] / "bench" / "out" / "screens"
METRIC = "[data-testid='stMetricValue']"
PLOT = "[data-testid='stPlotlyChart'] .js-plotly-plot"


def _shot(page: Page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 2200})  # Streamlit scrolls inside stMain
    page.locator("[data-testid='stMain'] h1").first.wait_for()
    page.screenshot(path=str(SCREENS / f"embeddings-{name}.png"), full_page=True)


def test_words_view_draws_webgl_scatter(page: Page, app_url):
    """Check /embeddings draws the royalty words as a WebGL scatter with honesty metrics."""
    open_app(page, app_url + "/embeddings")
    expect(page.locator(PLOT).first).to_be_visible(timeout=60_000)
    expect(page.locator(f"{PLOT} canvas").first).to_be_attached()  # Scattergl draws on WebGL
    expect(page.locator(METRIC).first).to_have_text("10 of 10")
    expect(page.get_by_text("Nearest to “king”")).to_be_visible()
    assert_no_exception(page)
    _shot(page, "words")


def test_shared_link_restores_analogy(page: Page, app_url):
    """Check a shared analogy link restores its inputs and answers rome."""
    open_app(page, app_url + "/embeddings?mode=analogy&a=paris&b=france&c=italy&dims=2")
    expect(page.get_by_label("a", exact=True)).to_have_value("paris")
    expect(page.get_by_label("minus b")).to_have_value("france")
    expect(page.get_by_label("plus c")).to_have_value("italy")
    expect(page.locator("[data-testid='stAlertContentSuccess']")).to_contain_text("≈ rome")
    expect(page.locator(PLOT).first).to_be_visible(timeout=60_000)
    assert_no_exception(page)
    _shot(page, "analogy")


def test_script_in_words_stays_text(page: Page, app_url):
    """Check script-like words are shown as text and never open a dialog."""
    dialogs = record_dialogs(page)
    open_app(page, app_url + "/embeddings")
    box = page.get_by_label("Words (comma or space separated)")
    box.fill("king queen <img src=x onerror=alert(1)> <script>alert(2)</script>")
    box.press("Control+Enter")
    warning = page.locator("[data-testid='stAlertContentWarning']", has_text="onerror")
    expect(warning.first).to_be_visible(timeout=60_000)
    wait_ready(page)
    expect(page.locator(METRIC).first).to_have_text("2 of 2")
    assert dialogs == []
    assert_no_exception(page)


def test_sentence_mode_by_click(page: Page, app_url):
    """Check switching to Sentences embeds the preset with MiniLM and updates the URL."""
    open_app(page, app_url + "/embeddings")
    page.get_by_role("radio", name="Sentences").click()
    expect(page.locator(METRIC).first).to_have_text("16 of 16", timeout=120_000)
    wait_ready(page)
    assert "mode=sentences" in page.url
    expect(page.locator(PLOT).first).to_be_visible(timeout=60_000)
    assert_no_exception(page)
    _shot(page, "sentences")


def test_contextual_link_shows_layers(page: Page, app_url):
    """Check the contextual mode link shows the notes-vs-model comparison and plots."""
    open_app(page, app_url + "/embeddings?mode=contextual&layer=4")
    expect(page.get_by_text("peaks at layer")).to_be_visible(timeout=120_000)
    expect(page.locator(PLOT)).to_have_count(3)
    assert_no_exception(page)
    _shot(page, "contextual")


def test_umap_link_answers_then_upgrades(page: Page, app_url):
    """Check a UMAP link renders at once (PCA while warming) and switches to UMAP by itself."""
    open_app(page, app_url + "/embeddings?method=umap&dims=2")
    expect(page.locator(PLOT).first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("UMAP time")).to_be_visible(timeout=300_000)
    assert_no_exception(page)
    _shot(page, "umap")


CLICK_TARGET = """(word) => {
  const gd = document.querySelector("[data-testid='stPlotlyChart'] .js-plotly-plot");
  for (const tr of gd._fullData) {
    const i = Array.from(tr.hovertext || []).indexOf(word);
    if (i < 0) continue;
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
    return {x: box.left + xa._offset + xa.l2p(tr.x[i]), y: box.top + ya._offset + ya.l2p(tr.y[i])};
  }
  return null;
}"""


def test_click_a_point_lists_its_neighbours(page: Page, app_url):
    """Check clicking 'queen' in the scatter lists queen's neighbours in the original space."""
    open_app(page, app_url + "/embeddings")
    expect(page.get_by_text("Nearest to “king”")).to_be_visible(timeout=60_000)
    plot = page.locator(PLOT).first
    plot.scroll_into_view_if_needed()
    point = page.evaluate(CLICK_TARGET, "queen")
    assert point is not None
    page.mouse.click(point["x"], point["y"])
    expect(page.get_by_text("Nearest to “queen”")).to_be_visible(timeout=60_000)
    assert_no_exception(page)


MARKDOWN = "[x](http://e) ![i](http://e/i.png) `tick` *star* # hash"


def test_markdown_in_words_makes_no_link_or_image(page: Page, app_url):
    """Check a link, an image and code typed as words are named in the warnings as characters."""
    open_app(page, app_url + "/embeddings?words=" + quote(f"king, queen, {MARKDOWN}"))
    warning = page.locator("[data-testid='stAlertContentWarning']", has_text="tick")
    expect(warning.first).to_be_visible(timeout=60_000)
    expect(page.locator('a[href="http://e"]')).to_have_count(0)
    expect(page.locator('img[src="http://e/i.png"]')).to_have_count(0)
    expect(page.locator("[data-testid='stMain'] [data-testid='stMarkdownContainer'] code",
                        has_text="tick")).to_have_count(0)
    expect(page.locator(METRIC).first).to_have_text("4 of 4")  # king, queen, and GloVe's own '#' and 'hash'
    assert_no_exception(page)


def test_sentences_link_reads_control_tokens_as_text(page: Page, app_url):
    """Check a sentences link with control=text sets the switch, says so, and embeds both lines."""
    sentences = quote("a | [CLS] a cat sat\nb | a dog ran")
    open_app(page, app_url + f"/embeddings?mode=sentences&control=text&search=&sentences={sentences}")
    main = page.locator("[data-testid='stMain']")
    expect(main.get_by_role("radio", name="as plain text")).to_be_checked(timeout=60_000)
    expect(page.locator("[data-testid='stAlertContentInfo']", has_text="as plain text").first).to_be_visible()
    expect(page.locator(METRIC).first).to_have_text("2 of 2", timeout=120_000)
    assert_no_exception(page)
