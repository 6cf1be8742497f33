"""The simulated Streamlit Community Cloud run (`make cloud-check`): the app served by a
fresh virtual environment built from deploy/streamlit-cloud/requirements.txt."""
import os
import tempfile

import pytest

from tests.e2e._browser import browser_context_args, browser_type_launch_args  # noqa: F401 - fixtures
from tests.e2e._server import streamlit_server

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
