"""AppTest helpers: run one page of the real app, optionally with URL params."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 120  # first model loads happen inside the page run


def run_page(page: str, query: dict[str, str] | None = None) -> AppTest:
    """Run app.py, switch to `page` (e.g. 'pages/models/page.py') with `query` in the URL."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page != "pages/home/page.py":
        at.switch_page(page)
        at.run()
    return at

