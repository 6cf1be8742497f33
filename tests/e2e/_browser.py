"""Browser fixtures for every layer that drives Chromium (e2e, cloud): import them into a conftest."""
import pytest

from tests.e2e._server import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium offline (no Playwright browser download)."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A desktop-sized viewport so wide layouts render as users see them."""
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}
