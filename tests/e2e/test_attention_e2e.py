"""E2E: the Attention page in real Chromium, offline: heatmaps, bertviz, long input, XSS."""
import re
from pathlib import Path
from urllib.parse import quote, urlparse

from playwright.sync_api import Page, expect

from tests.e2e._ui import assert_no_exception, open_app, record_dialogs, wait_ready

SCREENS = Path(__file__).resolve().parents[2] / "bench" / "out" / "screens"
PLOT = "[data-testid='stPlotlyChart'] .main-svg"
INJECT = "</script><script>alert('x')</script><img src=x onerror=alert('y')> end"
MARKDOWN = "[x](http://e) ![i](http://e/i.png) `tick` *star* # hash"
REACH_TOP = "() => { try { return String(window.top.document.title) } catch (e) { return e.name } }"


def _bertviz(page: Page):
    """bertviz's own page: inside the sandboxed iframe inside Streamlit's iframe."""
    return page.frame_locator("[data-testid='stIFrame']").frame_locator("iframe[sandbox='allow-scripts']")


def _url(app_url: str, **params: str) -> str:
    return app_url + "/attention" + ("?" + "&".join(f"{k}={quote(v)}" for k, v in params.items()) if params else "")


def _offline(page: Page, app_url: str) -> list[str]:
    """Abort every request that leaves the app server; return the blocked URLs."""
    host, blocked = urlparse(app_url).netloc, []

    def route(r):
        if urlparse(r.request.url).netloc in (host, "") or r.request.url.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return blocked


def _shot(page: Page, name: str, height: int = 2600) -> None:
    """Screenshot the whole page: Streamlit scrolls inside the app, so grow the viewport instead."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": height})
    wait_ready(page)
    page.screenshot(path=str(SCREENS / f"attention-{name}.png"))
    page.set_viewport_size(size)


def test_default_heatmap_renders_with_labels(page: Page, app_url):
    """Check the default preset draws a labelled heatmap and names where 'it' looks."""
    open_app(page, _url(app_url))
    expect(page.locator("h1").first).to_have_text("Attention heatmaps")
    expect(page.locator(PLOT).first).to_be_visible(timeout=60_000)
    expect(page.locator("[data-testid='stPlotlyChart']").first).to_contain_text("mat")
    expect(page.get_by_text("ranks #", exact=False).first).to_be_visible()
    assert_no_exception(page)
    _shot(page, "heatmap")


def test_shared_link_restores_widgets(page: Page, app_url):
    """Check a link with model, text, layer, head and toggles reopens that exact view."""
    text = "France is a country. It is beautiful."
    open_app(page, _url(app_url, model="smollm2", text=text, layer="7", head="4", sinks="1", show="max of heads"))
    main = page.locator("[data-testid='stMain']")
    expect(main.get_by_role("radio", name="Decoder: SmolLM2")).to_be_checked()
    expect(main.locator("textarea[aria-label='Text']")).to_have_value(text)
    expect(main.get_by_role("slider", name="Layer")).to_have_value("7")
    expect(main.get_by_role("slider", name="Head")).to_have_value("4")
    expect(main.get_by_role("switch", name="Hide [CLS]/[SEP]/first token")).to_be_checked()
    expect(main.get_by_text("Layer 7, max of heads").first).to_be_visible()
    assert "layer=7" in page.url and "head=4" in page.url
    assert_no_exception(page)


def test_bertviz_head_view_draws_offline(page: Page, app_url):
    """Check bertviz's head view draws every token in its iframe with all outside requests blocked."""
    blocked = _offline(page, app_url)
    open_app(page, _url(app_url, view="head view"))
    frame = _bertviz(page)
    expect(frame.locator("#vis svg text").first).to_be_visible(timeout=60_000)
    expect(frame.locator("#vis svg text", has_text="mat")).to_have_count(2)  # left and right columns
    expect(frame.locator("#layer option")).to_have_count(6)
    assert blocked == []
    _shot(page, "bertviz-head", 2000)


def test_bertviz_runs_without_access_to_the_app(page: Page, app_url):
    """Check bertviz's scripts run in an opaque origin: reaching the app's page throws SecurityError."""
    open_app(page, _url(app_url, view="head view"))
    expect(_bertviz(page).locator("#vis svg text").first).to_be_visible(timeout=60_000)
    inner = [f for f in page.frames if f.parent_frame and f.parent_frame.parent_frame]
    assert len(inner) == 1
    assert inner[0].evaluate("() => window.origin") == "null"
    assert inner[0].evaluate(REACH_TOP) == "SecurityError"
    assert page.frames[0].evaluate(REACH_TOP) != "SecurityError"  # the check itself works where access exists


def test_bertviz_model_view_draws_offline(page: Page, app_url):
    """Check the model view draws a thumbnail per head (6 layers x 12 heads) offline."""
    blocked = _offline(page, app_url)
    open_app(page, _url(app_url, view="model view"))
    frame = _bertviz(page)
    expect(frame.locator("#vis .attn_background")).to_have_count(6 * 12, timeout=60_000)
    assert blocked == []


def test_500_token_heatmap_renders(page: Page, app_url):
    """Check a ~500-token input draws the full 512 x 512 heatmap without errors."""
    text = " ".join(["The quick brown fox jumps over the lazy dog near the river bank today."] * 36)
    open_app(page, _url(app_url, text=text, long="full"))
    expect(page.get_by_text("tokens · 6 layers", exact=False).first).to_contain_text("tokens")
    caption = page.get_by_text("tokens · 6 layers", exact=False).first.inner_text()
    assert int(caption.split()[0]) >= 500
    expect(page.locator("[data-testid='stPlotlyChart'] .heatmaplayer image").first).to_be_attached(timeout=60_000)
    assert_no_exception(page)
    _shot(page, "long", 1600)


def test_injected_token_stays_silent(page: Page, app_url):
    """Check script-like text typed by the user runs no script in the heatmap or in bertviz."""
    dialogs = record_dialogs(page)
    open_app(page, _url(app_url, view="head view"))
    box = page.locator("[data-testid='stMain'] textarea[aria-label='Text']")
    box.fill(INJECT)
    box.press("Control+Enter")
    wait_ready(page)
    frame = _bertviz(page)
    expect(frame.locator("#vis svg text", has_text="script").first).to_be_visible(timeout=60_000)
    page.get_by_role("radio", name="heatmap").click() if page.get_by_role("radio", name="heatmap").count() \
        else page.get_by_role("button", name="heatmap").click()
    wait_ready(page)
    expect(page.locator(PLOT).first).to_be_visible()
    expect(page.locator("[data-testid='stPlotlyChart']").first).to_contain_text("1 <")  # "<" drawn as text
    assert dialogs == []
    assert_no_exception(page)


def test_grid_click_enlarges_head(page: Page, app_url):
    """Check clicking the layer 1 / head 3 thumbnail opens that head as the big heatmap."""
    open_app(page, _url(app_url, view="grid"))
    points = page.locator("[data-testid='stPlotlyChart']").first.locator(".scatterlayer .point")
    expect(points).to_have_count(6 * 12, timeout=60_000)
    points.nth(1 * 12 + 3).scroll_into_view_if_needed()
    box = points.nth(1 * 12 + 3).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x - 4, y - 4)
    page.mouse.move(x, y)  # plotly picks the clicked point from the hover state
    expect(page.locator(".hoverlayer .hovertext").first).to_contain_text("layer 1, head 3")
    page.mouse.click(x, y)
    expect(page).to_have_url(re.compile(r"layer=1&head=3"), timeout=60_000)
    wait_ready(page)
    expect(page.get_by_text("Layer 1, head 3", exact=True).first).to_be_visible()  # the big heatmap's title
    assert_no_exception(page)


def test_markdown_in_text_makes_no_link_or_image(page: Page, app_url):
    """Check a link, an image and code typed in the text render as characters: no <a>, no <img>."""
    open_app(page, _url(app_url, text=MARKDOWN, query="1", control="text"))
    expect(page.locator(PLOT).first).to_be_visible(timeout=60_000)
    main = page.locator("[data-testid='stMain']")
    expect(main.get_by_role("radio", name="as plain text")).to_be_checked()
    expect(page.locator('a[href="http://e"]')).to_have_count(0)
    expect(page.locator('img[src="http://e/i.png"]')).to_have_count(0)
    expect(main.locator("[data-testid='stMarkdownContainer'] code", has_text="tick")).to_have_count(0)
    expect(main.get_by_text("Where does “[” look?")).to_be_visible()  # the token, escaped, shown as typed
    assert_no_exception(page)
