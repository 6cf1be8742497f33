"""Unit tests for the hub policy: ids that name local files, the off switch, size from metadata."""
from types import SimpleNamespace

import pytest
import torch

from explorer.core import models, sources
from explorer.core.sources import ModelUnavailable


@pytest.mark.parametrize("bad", ["tests", "pages/shared", "/etc/passwd", "../x", "a/../b",
                                 "", "org/" + "x" * 97, "org/name/extra", "~root/x"])
def test_ids_that_are_not_hub_ids_are_refused(bad):
    """Check local folders, paths and malformed ids never reach from_pretrained."""
    with pytest.raises(ValueError):
        sources.check_hub_id(bad)


def test_an_org_slash_name_that_is_a_local_folder_is_refused(tmp_path, monkeypatch):
    """Check a well-formed id that names a folder under the working directory (like bench/out) is refused."""
    monkeypatch.chdir(tmp_path)
    assert sources.check_hub_id("bench/out") == "bench/out"   # no such folder yet: a hub id
    (tmp_path / "bench" / "out").mkdir(parents=True)
    with pytest.raises(ValueError, match="names a file or folder"):
        sources.check_hub_id("bench/out")


def test_well_formed_ids_pass():
    """Check ordinary hub ids pass the format check."""
    assert sources.check_hub_id(" HuggingFaceTB/SmolLM2-360M ") == "HuggingFaceTB/SmolLM2-360M"
    assert sources.check_hub_id("gpt2") == "gpt2"


def test_hub_switch_off_refuses_typed_ids(monkeypatch):
    """Check EXPLORER_HUB=off refuses a typed id before any network use, naming the switch."""
    monkeypatch.setenv(sources.HUB_ENV, "off")
    monkeypatch.setattr(sources, "hub_reachable", lambda: pytest.fail("no network check expected"))
    with pytest.raises(ModelUnavailable, match="EXPLORER_HUB=off"):
        models.load_causal_lm(torch.device("cpu"), hub_id="someone/some-model")


def _info(total=None, files=()):
    siblings = [SimpleNamespace(rfilename=name, size=size) for name, size in files]
    return SimpleNamespace(safetensors=SimpleNamespace(total=total) if total else None, siblings=siblings)


def test_size_from_safetensors_metadata_and_the_limit(monkeypatch):
    """Check the parameter count comes from the metadata and the limit refuses larger models."""
    monkeypatch.delenv(sources.HUB_MAX_PARAMS_ENV, raising=False)
    assert sources.check_hub_size("a/small", _info(total=135_000_000)) == 135_000_000
    with pytest.raises(ModelUnavailable, match="7,000M parameters.*600M"):
        sources.check_hub_size("a/big", _info(total=7_000_000_000))
    monkeypatch.setenv(sources.HUB_MAX_PARAMS_ENV, "8e9")
    assert sources.check_hub_size("a/big", _info(total=7_000_000_000)) == 7_000_000_000


def test_size_from_weight_files_when_no_header_count(monkeypatch):
    """Check weight-file bytes / 2 stands in for the count, and unknown sizes are refused."""
    monkeypatch.delenv(sources.HUB_MAX_PARAMS_ENV, raising=False)
    files = [("model.safetensors", 500_000_000), ("README.md", 9_000_000_000)]
    assert sources.check_hub_size("a/b", _info(files=files)) == 250_000_000
    with pytest.raises(ModelUnavailable, match="weight files"):
        sources.check_hub_size("a/b", _info(files=[("pytorch_model.bin", 2_000_000_000)]))
    with pytest.raises(ModelUnavailable, match="does not say"):
        sources.check_hub_size("a/b", _info(files=[("model.safetensors", None)]))


def test_limits_read_from_the_environment(monkeypatch):
    """Check both limits have defaults and refuse a non-number with the variable's name."""
    monkeypatch.delenv(sources.HUB_MAX_MODELS_ENV, raising=False)
    assert sources.hub_max_models() == 2
    monkeypatch.setenv(sources.HUB_MAX_MODELS_ENV, "many")
    with pytest.raises(ValueError, match=sources.HUB_MAX_MODELS_ENV):
        sources.hub_max_models()
