"""Browser helpers for e2e tests: wait on Streamlit's script state, never sleep."""
from playwright.sync_api import Page, expect

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


def wait_ready(page: Page, timeout_ms: int = 120_000) -> None:
    """Wait until the app has rendered and its script run has finished."""
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=timeout_ms)
    page.wait_for_selector(READY, timeout=timeout_ms)


def open_app(page: Page, url: str, timeout_ms: int = 120_000) -> None:
    """Go to `url` and wait for the page to be ready."""
    page.goto(url)
    wait_ready(page, timeout_ms)


def assert_no_exception(page: Page) -> None:
    """No Streamlit exception box is on the page."""
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


def record_dialogs(page: Page) -> list[str]:
    """Dismiss and record every alert/confirm/prompt the page opens (XSS tests expect none)."""
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return dialogs
