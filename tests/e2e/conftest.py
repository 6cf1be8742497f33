"""End-to-end fixtures: a real `streamlit run` on a free loopback port + Debian Chromium."""
import pytest

from tests.e2e._browser import browser_context_args, browser_type_launch_args  # noqa: F401 - fixtures
from tests.e2e._server import streamlit_server


@pytest.fixture(scope="session")
def app_url():
    """Base URL of a live app server, shared by every e2e test."""
    with streamlit_server() as (url, _proc):
        yield url
