"""Check that Streamlit Community Cloud's requirements resolve, CPU-only, on Python 3.11-3.13.

    python deploy/check_resolve.py          # prints one line per Python version, exit 1 on failure

For each Python version, `pip install --dry-run --report` resolves
deploy/streamlit-cloud/requirements.txt for manylinux x86_64 and the check
fails if any nvidia / CUDA / Triton package is in the result.

PyTorch's CPU index is used when this machine can reach it. Where it cannot
(these machines reach PyPI only), the file must still pin `torch==X+cpu` with
that index, and the resolve runs against PyPI with torch's CPU wheel stood in
for by its metadata alone (a wheel holding only the METADATA of the local
torch X+cpu wheel, or of its known dependency list), so every other package
and torch's own dependencies are resolved for real.
"""
from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLOUD_REQ = ROOT / "deploy" / "streamlit-cloud" / "requirements.txt"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
PYTHONS = ("3.11", "3.12", "3.13")
PLATFORMS = ("manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_24_x86_64",
             "manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64")
GPU_PACKAGE = re.compile(r"nvidia|cuda|cudnn|triton|nccl", re.I)
# torch 2.13.0+cpu's Requires-Dist, as in its wheel (used when no local copy is at hand).
TORCH_CPU_DEPS = ("filelock", "typing-extensions>=4.10.0", "setuptools>=77.0.3", "sympy>=1.13.3",
                  "networkx>=2.5.1", "jinja2", "fsspec>=0.8.5")


def torch_pin(lines: list[str]) -> str:
    """The `torch==X+cpu` line; raise if the file lacks it or the CPU index option."""
    if not any(line.split() == ["--extra-index-url", CPU_INDEX] for line in lines):
        raise SystemExit(f"{CLOUD_REQ} must carry `--extra-index-url {CPU_INDEX}`")
    pins = [line for line in lines if re.fullmatch(r"torch==[\d.]+\+cpu", line)]
    if len(pins) != 1:
        raise SystemExit(f"{CLOUD_REQ} must pin torch to one CPU build (torch==X+cpu)")
    return pins[0]


def index_reachable(url: str = CPU_INDEX, timeout: float = 3.0) -> bool:
    """True when PyTorch's index host answers on port 443."""
    try:
        with socket.create_connection((url.split("/")[2], 443), timeout=timeout):
            return True
    except OSError:
        return False


def _local_metadata(version: str) -> str | None:
    for wheel in Path("/opt/wheels").glob(f"torch-{version}-*.whl"):
        with zipfile.ZipFile(wheel) as zf:
            return zf.read(f"torch-{version}.dist-info/METADATA").decode()
    return None


def stand_in_wheel(folder: Path, version: str, python: str) -> Path:
    """A metadata-only torch X+cpu wheel for `python`, so a dry run can resolve against it."""
    tag = "cp" + python.replace(".", "")
    meta = _local_metadata(version) or "\n".join(
        ["Metadata-Version: 2.1", "Name: torch", f"Version: {version}", "Requires-Python: >=3.10"]
        + [f"Requires-Dist: {dep}" for dep in TORCH_CPU_DEPS]) + "\n"
    path = folder / f"torch-{version}-{tag}-{tag}-manylinux_2_28_x86_64.whl"
    info = f"torch-{version}.dist-info"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{info}/METADATA", meta)
        zf.writestr(f"{info}/WHEEL", f"Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: {tag}-{tag}-manylinux_2_28_x86_64\n")
        zf.writestr(f"{info}/RECORD", "")
    return path


def dry_run(requirements: Path, python: str, find_links: Path | None) -> list[str]:
    """Names and versions pip would install for `python` on manylinux x86_64."""
    report = requirements.with_suffix(f".{python}.json")
    cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
           "--report", str(report), "--python-version", python, "--implementation", "cp",
           "--abi", "cp" + python.replace(".", ""), "--only-binary=:all:",
           "--target", str(requirements.parent / "target"), "-r", str(requirements)]
    cmd += [arg for p in PLATFORMS for arg in ("--platform", p)]
    cmd += ["--find-links", str(find_links)] if find_links else []
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode:  # pip's own error names the package that did not resolve
        raise SystemExit(f"Python {python}: the Cloud requirements do not resolve:\n{done.stderr[-3000:]}")
    data = json.loads(report.read_text())
    return [f"{i['metadata']['name']}=={i['metadata']['version']}" for i in data["install"]]


def main() -> int:
    """Resolve for every Python version; print the package count and any GPU package."""
    lines = [line.strip() for line in CLOUD_REQ.read_text().splitlines()]
    pin = torch_pin(lines)
    online = index_reachable()
    print(f"{CLOUD_REQ.relative_to(ROOT)}: {pin} with {CPU_INDEX} "
          f"({'index reachable' if online else 'index unreachable: CPU wheel stood in by its metadata'})")
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        req = folder / "requirements.txt"
        req.write_text("\n".join(lines if online else [x for x in lines if not x.startswith("--extra-index-url")]))
        for python in PYTHONS:
            links = None if online else folder / f"links{python}"
            if links:
                links.mkdir()
                stand_in_wheel(links, pin.split("==")[1], python)
            names = dry_run(req, python, links)
            gpu = [n for n in names if GPU_PACKAGE.search(n.split("==")[0])]
            torch = next(n for n in names if n.startswith("torch=="))
            print(f"  Python {python}: {len(names)} packages, {torch}, GPU packages: {gpu or 'none'}")
            failed |= bool(gpu) or not torch.endswith("+cpu")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
