"""E2E: the neural-net playground in Chromium: shared link, live training, drawing, CSV, digits, XSS."""
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e._ui import assert_no_exception, open_app, record_dialogs, wait_ready

SCREENS = Path(__file__).resolve().parents[2] / "bench" / "out" / "screens"
LINK = "/playground?data=xor&layers=1&n1=3&opt=adam&lr=0.1&seed=7"


def _shot(page: Page, name: str, scroll_to=None) -> None:
    """Screenshot the viewport, scrolled to `scroll_to` (Streamlit scrolls inside its own container)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    if scroll_to is not None:
        scroll_to.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENS / f"playground-{name}.png"))


# Records every value the page assigns to a number box: the first frame of a widget counts too.
RECORD_NUMBER_BOXES = """
(() => {
  window.__numberBoxes = [];
  const value = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');
  Object.defineProperty(HTMLInputElement.prototype, 'value', {configurable: true,
    get() { return value.get.call(this); },
    set(v) {
      if (this.type === 'number') window.__numberBoxes.push([this.getAttribute('aria-label'), String(v)]);
      value.set.call(this, v);
    }});
})();
"""
EVIL = ("[x](http://e)", "![i](http://e/i.png)", "`tick`", "*star*", "# head")


def _no_link_or_image_from_user_text(page: Page) -> None:
    expect(page.locator("a[href*='http://e']")).to_have_count(0)
    expect(page.locator("img[src*='e/i.png']")).to_have_count(0)


def _epoch(page: Page):
    return page.locator("[data-testid='stMetric']", has_text="Epoch").locator("[data-testid='stMetricValue']")


def test_shared_link_restores_settings_and_play_pause_step(page: Page, app_url):
    """Check a link restores its settings, Step trains one epoch, Play trains on, Pause stops."""
    open_app(page, app_url + LINK)
    main = page.locator("[data-testid='stMain']")
    expect(main.get_by_role("combobox", name="Dataset")).to_have_value("XOR (four corners)")
    expect(main.get_by_role("spinbutton", name="Hidden layers")).to_have_value("1")
    expect(main.get_by_role("spinbutton", name="H1")).to_have_value("3")
    expect(main.get_by_role("spinbutton", name="Seed")).to_have_value("7")
    expect(_epoch(page)).to_have_text("0")
    page.get_by_role("button", name="Step").click()
    expect(_epoch(page)).to_have_text("1", timeout=60_000)
    page.get_by_role("button", name="Play").click()
    expect(_epoch(page)).to_have_text(re.compile(r"^(?:[4-9]|\d{2,})"), timeout=60_000)  # the fragment reruns alone
    page.get_by_role("button", name="Pause").click()
    wait_ready(page)
    expect(page.get_by_role("tab", name="Backprop step")).to_be_visible(timeout=60_000)
    assert "seed=7" in page.url and "data=xor" in page.url
    assert_no_exception(page)
    _shot(page, "xor", page.locator("[data-testid='stMetric']", has_text="Epoch"))
    page.get_by_role("tab", name="Backprop step").click()
    _shot(page, "backprop", page.get_by_role("tab", name="Backprop step"))


def test_shared_link_number_boxes_never_show_another_value(page: Page, app_url):
    """Check, over repeated loads of a link, its number boxes never show a value but the link's (not even at first)."""
    page.add_init_script(RECORD_NUMBER_BOXES)
    want = {"Hidden layers": "1", "H1": "3", "Seed": "7", "Learning rate": "0.1000"}
    for _ in range(3):
        open_app(page, app_url + LINK)
        main = page.locator("[data-testid='stMain']")
        for label, value in want.items():
            expect(main.get_by_role("spinbutton", name=label)).to_have_value(value)
        shown = page.evaluate("window.__numberBoxes")
        wrong = [(label, value) for label, value in shown if label in want and value != want[label]]
        assert not wrong and {label for label, _ in shown} >= set(want)


def test_csv_class_names_never_become_links_or_images(page: Page, app_url, tmp_path):
    """Check CSV class names written as markdown links, images, code, emphasis and headings stay text."""
    csv = tmp_path / "names.csv"
    csv.write_text("x1,x2,label\n" + "\n".join(f'{i % 7 - 3},{i % 5 - 2},"{EVIL[i % 5]}"' for i in range(60)))
    open_app(page, app_url + "/playground?data=csv&layers=0&test=0")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(csv))
    expect(_epoch(page)).to_have_text("0", timeout=60_000)
    page.get_by_role("button", name="Step").click()
    expect(_epoch(page)).to_have_text("1", timeout=60_000)
    wait_ready(page)
    page.get_by_role("tab", name="Backprop step").click()
    expect(page.get_by_text("(largest gradient)").or_(page.get_by_text("the update also uses"))).to_be_visible()
    _no_link_or_image_from_user_text(page)
    assert_no_exception(page)


def test_drawing_a_point_on_the_canvas(page: Page, app_url):
    """Check a click on the drawing canvas adds a point that lands in the URL."""
    open_app(page, app_url + "/playground?data=draw")
    expect(page.get_by_text("0 of 300 points drawn")).to_be_visible()
    plot = page.locator("[data-testid='stPlotlyChart'] .nsewdrag").first
    plot.scroll_into_view_if_needed()
    box = plot.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.up()
    expect(page.get_by_text("1 of 300 points drawn")).to_be_visible(timeout=60_000)
    wait_ready(page)
    assert "drawn=" in page.url
    assert_no_exception(page)


def test_csv_upload_trains_and_script_labels_stay_text(page: Page, app_url, tmp_path):
    """Check an uploaded CSV with script-like labels trains, shows them as text, and fires no dialog."""
    dialogs = record_dialogs(page)
    rows = ["x1,x2,label"] + [f"{i % 7 - 3},{i % 5 - 2},{'<img src=x onerror=alert(1)>' if i % 2 else '<script>alert(2)</script>'}"
                              for i in range(40)]
    csv = tmp_path / "evil.csv"
    csv.write_text("\n".join(rows))
    open_app(page, app_url + "/playground?data=csv&layers=1")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(csv))
    expect(_epoch(page)).to_have_text("0", timeout=60_000)
    page.get_by_role("button", name="Step").click()
    expect(_epoch(page)).to_have_text("1", timeout=60_000)
    expect(page.locator(".legendtext", has_text="<script>alert(2)").first).to_be_attached(timeout=60_000)
    assert not dialogs
    assert_no_exception(page)


def test_bad_csv_and_bad_link_show_messages(page: Page, app_url, tmp_path):
    """Check a one-class CSV and a script in the URL give clear messages, never a traceback or dialog."""
    dialogs = record_dialogs(page)
    one_class = tmp_path / "one.csv"
    one_class.write_text("x1,x2,label\n" + "\n".join(f"{i},{i},1" for i in range(10)))
    open_app(page, app_url + "/playground?data=csv&seed=%3Cscript%3Ealert(1)%3C/script%3E")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(one_class))
    expect(page.locator("[data-testid='stAlertContentError']")).to_contain_text("at least two classes", timeout=60_000)
    assert not dialogs
    assert_no_exception(page)


def test_digits_mode_shows_accuracy_and_confusion(page: Page, app_url):
    """Check digits mode trains, reports accuracy and draws the confusion matrix and one digit."""
    open_app(page, app_url + "/playground?mode=digits&d_epochs=10&d_index=3", timeout_ms=180_000)
    accuracy = page.locator("[data-testid='stMetric']", has_text="Test accuracy")
    expect(accuracy).to_contain_text("%", timeout=120_000)
    expect(page.get_by_text("Confusion matrix")).to_be_visible()
    expect(page.locator("[data-testid='stPlotlyChart']")).to_have_count(3, timeout=60_000)
    assert_no_exception(page)
    _shot(page, "digits", page.get_by_text("Confusion matrix"))
