"""Unit tests for the Streamlit Community Cloud deployment files (deploy/)."""
import importlib.util
import re
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("check_resolve", ROOT / "deploy" / "check_resolve.py")
check_resolve = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_resolve)


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            name = re.split(r"[=<>!~ ]", line, maxsplit=1)[0].lower()
            pins[name] = line[len(name):].strip()
    return pins


def test_cloud_requirements_match_the_app_except_torch():
    """Check Cloud installs the same pins as requirements.txt, with torch as the +cpu build."""
    app, cloud = _pins(ROOT / "requirements.txt"), _pins(check_resolve.CLOUD_REQ)
    assert app.keys() == cloud.keys()
    assert {k: v for k, v in app.items() if k != "torch"} == {k: v for k, v in cloud.items() if k != "torch"}
    assert cloud["torch"] == app["torch"] + "+cpu"
    lines = [x.strip() for x in check_resolve.CLOUD_REQ.read_text().splitlines()]
    assert check_resolve.torch_pin(lines) == "torch==2.13.0+cpu"


def test_models_needing_no_deps_stay_out_of_the_cloud_file():
    """Check the --no-deps model packages are not asked of Cloud (it cannot install them safely)."""
    cloud = _pins(check_resolve.CLOUD_REQ)
    for name in _pins(ROOT / "requirements-models.txt"):
        assert name not in cloud


@pytest.mark.parametrize("lines", [["torch==2.13.0+cpu"],
                                   ["--extra-index-url https://download.pytorch.org/whl/cpu", "torch==2.13.0"]])
def test_torch_pin_refuses_a_file_that_would_pull_cuda(lines):
    """Check a Cloud file without the CPU index or without the +cpu pin is refused."""
    with pytest.raises(SystemExit):
        check_resolve.torch_pin(lines)


def test_stand_in_wheel_carries_cpu_metadata_only(tmp_path):
    """Check the metadata-only torch wheel names the right tag and no GPU dependency."""
    path = check_resolve.stand_in_wheel(tmp_path, "2.13.0+cpu", "3.12")
    assert path.name == "torch-2.13.0+cpu-cp312-cp312-manylinux_2_28_x86_64.whl"
    with zipfile.ZipFile(path) as zf:
        meta = zf.read("torch-2.13.0+cpu.dist-info/METADATA").decode()
    assert "Version: 2.13.0+cpu" in meta and "Requires-Dist: sympy" in meta
    assert not check_resolve.GPU_PACKAGE.search(meta.split("Requires-Dist", 1)[1].split("\n\n")[0])


def test_cloud_entry_point_runs_the_same_app():
    """Check the Cloud entry point runs app.py from the repository root."""
    source = (ROOT / "deploy" / "streamlit-cloud" / "streamlit_app.py").read_text()
    assert 'runpy.run_path(str(ROOT / "app.py")' in source and "parents[2]" in source
