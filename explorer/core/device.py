"""Pick the torch device and thread count in one place.

Example:
    >>> pick_device("cpu")
    device(type='cpu')
"""
from __future__ import annotations

import os

import torch

DEVICE_ENV = "EXPLORER_DEVICE"
THREADS_ENV = "EXPLORER_THREADS"
CHOICES = ("auto", "cpu", "cuda", "mps")


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend and backend.is_available())


def pick_device(preference: str | None = None) -> torch.device:
    """Return the device to run on: `preference`, else $EXPLORER_DEVICE, else auto.

    "auto" takes CUDA, then Apple MPS, then CPU. Asking for a device that is not
    present raises ValueError naming what is available, so a typo in the
    environment variable is not silently ignored.
    """
    choice = (preference or os.environ.get(DEVICE_ENV) or "auto").strip().lower()
    if choice not in CHOICES:
        raise ValueError(f"device must be one of {CHOICES}, got {choice!r}")
    if choice == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps") if _mps_available() else torch.device("cpu")
    if choice == "cuda" and not torch.cuda.is_available():
        raise ValueError("EXPLORER_DEVICE=cuda but torch sees no CUDA GPU; use auto or cpu")
    if choice == "mps" and not _mps_available():
        raise ValueError("EXPLORER_DEVICE=mps but this torch build has no MPS; use auto or cpu")
    return torch.device(choice)


def default_threads(cpu_count: int | None = None) -> int:
    """Threads for torch's CPU kernels: $EXPLORER_THREADS, else 1 on <= 2 cores.

    Why 1 on small machines: the Streamlit server, the browser and other
    sessions share the cores. Measured on a 2-core machine with the other core
    busy, two torch threads were many times slower than one (see bench/ and
    the README); on bigger machines half the cores leaves room for the server.
    """
    raw = os.environ.get(THREADS_ENV, "").strip()
    if raw:
        try:
            return max(1, int(raw))
        except ValueError:
            raise ValueError(f"{THREADS_ENV} must be a whole number, got {raw!r}") from None
    cores = cpu_count or os.cpu_count() or 1
    return 1 if cores <= 2 else max(1, cores // 2)


def configure_threads(n: int | None = None) -> int:
    """Set torch's intra-op threads and the BLAS/OpenMP pools (numpy, scikit-learn) once; return n.

    Once per process, never per request: threadpoolctl's limits are process-wide, so a
    per-call `with threadpool_limits(...)` changes them under every other session.
    OpenMP/BLAS threads fighting for busy cores made t-SNE 25x slower here.
    """
    from threadpoolctl import threadpool_limits

    n = n or default_threads()
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    threadpool_limits(limits=n)
    return n
