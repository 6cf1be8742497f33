"""The real llama.cpp server on the bundled SmolLM2 GGUF, started once per test module on a free port."""
import pytest
import torch

from explorer.core import llama_server, models
from explorer.core.engine import settings_from
from explorer.core.openai_engine import OpenAIEngine


@pytest.fixture(scope="module")
def engine_url(tmp_path_factory):
    """EXPLORER_ENGINE_URL of a llama.cpp server started for this module and stopped after it."""
    port = llama_server.free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    server = llama_server.start(port, threads=1, log=log)
    try:
        llama_server.wait_ready(server, llama_server.url_for(port))
    except RuntimeError as err:
        server.kill()
        pytest.fail(f"{err}\n{log.read_text()[-2000:]}")
    yield llama_server.url_for(port)
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="module")
def engine(engine_url):
    """An OpenAIEngine on the module's server."""
    return OpenAIEngine(settings_from({"EXPLORER_ENGINE_URL": engine_url}))


@pytest.fixture(scope="session")
def smollm2():
    """The local float32 SmolLM2 (model, tokenizer), dequantized from the same GGUF."""
    return models.load_causal_lm(torch.device("cpu")).obj
