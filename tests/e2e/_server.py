"""Start the real app with `streamlit run` on a free loopback port (e2e tests, benchmarks)."""
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Offline-safe flags: without the background-networking ones Chromium keeps
# trying (and failing) to reach Google's hosts on this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, deadline_s: float = 90) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)  # polling a starting server, not waiting on the UI
    raise RuntimeError("streamlit did not become healthy in time")


@contextlib.contextmanager
def streamlit_server(env: dict[str, str] | None = None, python: str = sys.executable,
                     script: str = "app.py", options: tuple[str, ...] = ()):
    """Serve `script` from the repository root on a free loopback port; yield (url, process).

    app.py is served the way `make run` serves it (deploy/serve.py); any other
    entry point (the Cloud one) with a plain `streamlit run`.
    """
    port = _free_port()
    launch = ["deploy/serve.py"] if script == "app.py" else ["-m", "streamlit", "run", script]
    cmd = [python, *launch, "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", *options]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)
