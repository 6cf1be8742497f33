"""Fixtures for every test layer."""
import pytest

from explorer.core.device import configure_threads


@pytest.fixture(autouse=True, scope="session")
def torch_threads():
    """Run every test with the torch thread count the app itself uses.

    On a busy 2-core machine two threads collapse (one SmolLM2 test went from
    14 s to 160 s), so this is 1 there, as in the app (explorer.core.device).
    """
    return configure_threads()
