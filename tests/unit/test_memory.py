"""Unit tests for explorer.core.memory: glibc arena cap and trim, and the no-glibc no-op."""
import platform

import pytest

from explorer.core import memory


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_arena_cap_and_trim_apply_on_glibc():
    """Check mallopt accepts the arena cap and malloc_trim runs after a large free."""
    assert memory.tune_malloc(2) is True
    block = bytearray(64 * 1024 * 1024)
    del block
    assert isinstance(memory.release_free_memory(), bool)


def test_without_glibc_both_are_no_ops(monkeypatch):
    """Check a C library without malloc_trim makes both calls return False instead of raising."""
    monkeypatch.setattr(memory, "_glibc", lambda: None)
    assert memory.tune_malloc(2) is False
    assert memory.release_free_memory() is False
