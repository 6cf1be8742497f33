"""The simulated Streamlit Community Cloud run (`make cloud-check`): the app served by a
fresh virtual environment built from deploy/streamlit-cloud/requirements.txt."""
import os
import tempfile

import pytest

from tests.e2e._server import CHROMIUM, CHROMIUM_ARGS, streamlit_server

# What Cloud forces whatever .streamlit/config.toml says.
CLOUD_OPTIONS = ("--browser.gatherUsageStats", "true", "--client.showErrorDetails", "false",
                 "--server.enableXsrfProtection", "true")


@pytest.fixture(scope="session")
def cloud_url():
    """A server run by $CLOUD_PYTHON from the Cloud entry point, hub unreachable, empty model cache."""
    python = os.environ.get("CLOUD_PYTHON")
    if not python:
        pytest.fail("set CLOUD_PYTHON to the Cloud virtual environment's python (make cloud-check does)")
    with tempfile.TemporaryDirectory() as cache:
        env = {"HF_HUB_OFFLINE": "1", "EXPLORER_CACHE_DIR": cache, "HF_HOME": cache}
        with streamlit_server(env, python=python, script="deploy/streamlit-cloud/streamlit_app.py",
                              options=CLOUD_OPTIONS) as (url, _proc):
            yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium offline (no Playwright browser download)."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A desktop-sized viewport."""
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}
