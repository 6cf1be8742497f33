"""Give freed memory back to the operating system, so a shared server's RSS tracks what it holds.

One process serves every visitor from many threads. glibc's malloc gives each
new thread its own arena (up to 8 per core) and keeps freed heap memory for
reuse, so after a few large requests the server's RSS stays hundreds of MB
above what it holds. Measured with bench/load.py: see the README's memory budget.
No-ops where the C library is not glibc.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools

M_ARENA_MAX = -8  # glibc mallopt parameters
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 1 << 20  # blocks from 1 MiB up get their own mapping, unmapped when freed


@functools.lru_cache(maxsize=1)
def _glibc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def tune_malloc(n: int = 2) -> bool:
    """Cap malloc arenas at `n` for threads created from now on, and fix the mmap threshold; True when applied.

    glibc raises its mmap threshold each time a large mapped block is freed, so after
    one big request (a long prompt's activations) later big blocks come from the heap
    and stay there; a fixed threshold hands every big block back to the OS when freed.
    """
    libc = _glibc()
    return bool(libc and libc.mallopt(M_ARENA_MAX, n) and libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))


def release_free_memory() -> bool:
    """Return free heap pages to the OS (malloc_trim); True when some were released."""
    libc = _glibc()
    return bool(libc and libc.malloc_trim(0))
