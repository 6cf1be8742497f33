"""Rows for the Models page: one per built-in model, loaded or not.

Example:
    >>> catalog_row(SPECS["glove"], loaded=None, error="not installed")["Status"]
    'unavailable: not installed'
"""
from __future__ import annotations

import json
import os

from explorer.core.models import Loaded, ModelSpec
from explorer.core.sources import cache_dir

PREPARE_TIMES = "prepare-times.json"


def _mb(n: int | None) -> str:
    return "" if n is None else f"{n / 1e6:,.1f} MB"


def _count(n: int | None) -> str:
    if n is None:
        return ""
    return f"{n / 1e6:,.1f} M" if n >= 1e6 else f"{n:,}"


def record_prepare_time(key: str, seconds: float) -> None:
    """Remember how long a one-time preparation (e.g. GGUF dequantize) took."""
    path = cache_dir() / PREPARE_TIMES
    times = prepare_times()
    times[key] = round(seconds, 2)
    path.write_text(json.dumps(times, indent=1))


def prepare_times() -> dict[str, float]:
    """Seconds each one-time preparation took, as recorded by explorer.core.prepare."""
    path = cache_dir() / PREPARE_TIMES
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def catalog_row(spec: ModelSpec, loaded: Loaded | None, error: str = "") -> dict[str, str]:
    """One table row: what the model is, where it came from and what it cost."""
    size_label = "Parameters" if spec.role != "tokenizer" else "Vocabulary"
    amount = None
    if loaded is not None:
        amount = loaded.extra.get("vocab") if spec.role == "tokenizer" else loaded.params
    cold = prepare_times().get(spec.key)
    return {
        "Model": spec.title,
        "Role": spec.role,
        "Status": "loaded" if loaded is not None else f"unavailable: {error}",
        "Source": loaded.source if loaded else (spec.dist or spec.hub_id or ""),
        "Hub id": spec.hub_id or "-",
        "Parameters / vocabulary": f"{_count(amount)} ({size_label.lower()})" if amount else "",
        "Size": _mb(loaded.size_bytes) if loaded else "",
        "License": spec.license,
        "Context": f"{spec.context:,} tokens" if spec.context else "-",
        "Device": loaded.device if loaded else "",
        "Load (s)": f"{loaded.seconds:.2f}" if loaded else "",
        "First-time prepare (s)": f"{cold:.1f}" if cold else "-",
        "Notes": spec.note,
    }


def server_rss_mb() -> float:
    """Resident memory of this process in MB."""
    import psutil

    return psutil.Process(os.getpid()).memory_info().rss / 1e6
