"""E2E: the Ensemble sandbox in real Chromium: voting, methods, shared links, CSV upload, LLM voting."""
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e._ui import assert_no_exception, open_app, record_dialogs, wait_ready

SCREENS = Path(__file__).resolve().parents[2] / "bench" / "out" / "screens"
MAIN = "[data-testid='stMain']"


def _shot(page: Page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 2600})  # the main pane scrolls: show all of it
    page.screenshot(path=str(SCREENS / name), full_page=True)


def _method(page: Page, label: str) -> None:
    page.locator(f"{MAIN} [data-testid='stButtonGroup'] button", has_text=label).first.click()
    wait_ready(page)


def test_voting_view_shows_regions_scoreboard_and_download(page: Page, app_url):
    """Check /ensembles draws the member/ensemble regions, agreement chart, scoreboard and CSV export."""
    open_app(page, app_url + "/ensembles")
    expect(page.locator("h1").first).to_have_text("Ensemble sandbox")
    expect(page.locator(f"{MAIN} .js-plotly-plot").first).to_be_visible(timeout=60_000)
    expect(page.locator(f"{MAIN} .js-plotly-plot")).to_have_count(4)  # regions, votes, disagreement, k-of-n
    expect(page.get_by_text("Ensemble (soft vote): test accuracy")).to_be_visible()
    expect(page.locator("[data-testid='stDataFrame']")).to_be_visible()
    _shot(page, "ensembles-voting.png")
    with page.expect_download() as info:
        page.get_by_text("Download scoreboard (CSV)").click()
    assert "test accuracy" in Path(info.value.path()).read_text()
    assert_no_exception(page)


def test_method_switch_writes_url_and_shared_link_restores(page: Page, app_url):
    """Check choosing Bagging puts view=bagging in the URL and a shared link restores data, n and seed."""
    open_app(page, app_url + "/ensembles")
    _method(page, "Bagging")
    expect(page.get_by_text("Error vs number of trees")).to_be_visible(timeout=60_000)
    assert "view=bagging" in page.url
    _shot(page, "ensembles-bagging.png")
    open_app(page, app_url + "/ensembles?view=boosting&data=circles&ada_n=30&ada_step=7&seed=5")
    expect(page.get_by_role("combobox", name="Dataset")).to_have_value("Circles")
    expect(page.get_by_text("Stage 7: the stump was fit")).to_be_visible(timeout=60_000)
    expect(page.locator("[data-testid='stSidebar'] input[type='number']").first).to_have_value("5")
    sliders = page.locator(f"{MAIN} [data-testid='stSlider']")
    expect(sliders.filter(has_text="n_estimators")).to_contain_text("30")
    assert_no_exception(page)
    _shot(page, "ensembles-boosting.png")


def test_stacking_and_bias_variance_views_render(page: Page, app_url):
    """Check the stacking view shows meta-learner weights and bias/variance shows its bars."""
    open_app(page, app_url + "/ensembles?view=stacking&members=logreg|tree|knn")
    expect(page.get_by_text("Meta-learner weights")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("How sure each member is on training rows")).to_be_visible()
    _shot(page, "ensembles-stacking.png")
    _method(page, "Bias & variance")
    expect(page.get_by_text("Test error split into bias and variance")).to_be_visible(timeout=60_000)
    wait_ready(page)
    expect(page.get_by_text("Meta-learner weights")).to_have_count(0)
    assert "view=biasvar" in page.url and "members=logreg" in page.url
    _shot(page, "ensembles-biasvar.png")
    assert_no_exception(page)


def test_script_like_csv_and_url_never_run(page: Page, app_url, tmp_path):
    """Check a CSV whose names and labels are script tags renders as text and fires no dialog."""
    dialogs = record_dialogs(page)
    csv = tmp_path / "evil.csv"
    rows = ["<img src=x onerror=alert(1)>,b<script>alert(2)</script>,label"]
    rows += [f"{i % 7},{(i * 3) % 5},{'<script>alert(3)</script>' if i % 2 else '<b>x</b>'}" for i in range(60)]
    csv.write_text("\n".join(rows) + "\n")
    open_app(page, app_url + "/ensembles?data=csv&view=<script>alert(4)</script>&seed=<img src=x onerror=alert(5)>")
    page.locator("[data-testid='stSidebar'] input[type='file']").set_input_files(str(csv))
    wait_ready(page)
    expect(page.locator(f"{MAIN} .js-plotly-plot").first).to_be_visible(timeout=60_000)
    expect(page.locator(f"{MAIN} script", has_text="alert")).to_have_count(0)
    assert_no_exception(page)
    assert dialogs == []
    _shot(page, "ensembles-csv.png")


def test_csv_with_one_class_shows_message(page: Page, app_url, tmp_path):
    """Check a one-class CSV gives a clear error instead of a traceback."""
    csv = tmp_path / "one.csv"
    csv.write_text("a,b,y\n" + "".join(f"{i},{i * 2},same\n" for i in range(30)))
    open_app(page, app_url + "/ensembles?data=csv")
    page.locator("[data-testid='stSidebar'] input[type='file']").set_input_files(str(csv))
    wait_ready(page)
    expect(page.locator("[data-testid='stAlertContentError']")).to_contain_text("only one class")
    assert_no_exception(page)


def test_llm_voting_samples_and_votes(page: Page, app_url):
    """Check LLM voting on one question with N=3 shows the vote metrics and the answers table."""
    open_app(page, app_url + "/ensembles?view=llm&llm_q=capital&llm_n=3&llm_t=0.3", timeout_ms=180_000)
    expect(page.get_by_text("Majority of 3 right")).to_be_visible(timeout=180_000)
    wait_ready(page, 180_000)
    expect(page.locator(f"{MAIN} .js-plotly-plot")).to_have_count(1)
    expect(page.locator("[data-testid='stDataFrame']")).to_have_count(2)  # the answers, then time and tokens
    assert_no_exception(page)
    _shot(page, "ensembles-llm.png")


def test_clicking_a_point_inspects_its_votes(page: Page, app_url):
    """Check clicking a data point in the regions chart selects it in the vote inspector."""
    open_app(page, app_url + "/ensembles?members=logreg|nb&n=100")
    chart = page.locator(f"{MAIN} .js-plotly-plot").first
    expect(chart).to_be_visible(timeout=60_000)
    inspector = page.get_by_label("Inspect point #", exact=False)
    expect(inspector).to_have_value("0")
    point = chart.locator("g.scatterlayer path.point").nth(7)
    point.click(force=True)
    expect(inspector).not_to_have_value("0", timeout=30_000)
    wait_ready(page)
    expect(page.get_by_text("Combined (soft)")).to_be_visible()
    assert_no_exception(page)


def test_csv_names_written_as_markdown_stay_text(page: Page, app_url, tmp_path):
    """Check CSV column names and labels written as markdown links, images, code, * and # never become them."""
    evil = ("[x](http://e)", "![i](http://e/i.png)", "`tick`", "*star*", "# head")
    csv = tmp_path / "names.csv"
    rows = [f'"{evil[0]}","{evil[1]}",label'] + [f'{i % 7},{(i * 3) % 5},"{evil[i % 5]}"' for i in range(100)]
    csv.write_text("\n".join(rows) + "\n")
    open_app(page, app_url + "/ensembles?data=csv&members=logreg|nb")
    page.locator("[data-testid='stSidebar'] input[type='file']").set_input_files(str(csv))
    wait_ready(page)
    expect(page.get_by_text("(standardized)")).to_contain_text("[x](http:", timeout=60_000)  # shown as typed
    expect(page.get_by_text("Point #0", exact=False)).to_be_visible()
    expect(page.locator("a[href*='http://e']")).to_have_count(0)
    expect(page.locator("img[src*='e/i.png']")).to_have_count(0)
    assert_no_exception(page)
