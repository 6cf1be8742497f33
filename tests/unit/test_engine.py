"""Unit tests for explorer.core.engine settings and the OpenAI-compatible engine, on a mock transport."""
import json
import math
import threading

import httpx2
import pytest

from explorer.core.engine import Decoding, EngineError, Request, settings_from
from explorer.core.openai_engine import OpenAIEngine, pick_model, short_name

URL = "http://engine.test:8000"
MODEL = "/models/SmolLM2-135M-Instruct.Q4_1.gguf"
COMPLETION = {"id": "c", "object": "text_completion", "created": 0, "model": MODEL, "choices": [{
    "text": " Paris.", "index": 0, "finish_reason": "stop", "logprobs": {
        "text_offset": [0, 6], "tokens": [" Paris", "."], "token_logprobs": [-0.26, -0.39],
        "top_logprobs": [{" the": -2.8, " Paris": -0.26}, {".": -0.39, ",": -1.6}]}}],
    "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}}


def _engine(handler, **env) -> OpenAIEngine:
    settings = settings_from({"EXPLORER_ENGINE_URL": URL, **env})
    return OpenAIEngine(settings, http_client=httpx2.Client(transport=httpx2.MockTransport(handler)))


def _server(completion=COMPLETION, served=(MODEL,), seen=None):
    """A handler answering /v1/models and /v1/completions; request bodies are appended to `seen`."""
    lock = threading.Lock()

    def handle(request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/v1/models":
            return httpx2.Response(200, json={"object": "list", "data": [
                {"id": m, "object": "model", "owned_by": "me"} for m in served]})
        if seen is not None:
            with lock:
                seen.append(json.loads(request.content))
        return httpx2.Response(200, json=completion)
    return handle


def test_settings_from_environment():
    """Check no URL means no engine, a bare URL gets /v1, and bad values are named."""
    assert settings_from({}) is None
    s = settings_from({"EXPLORER_ENGINE_URL": "http://127.0.0.1:8000/", "EXPLORER_ENGINE_TIMEOUT": "5"})
    assert s.url == "http://127.0.0.1:8000/v1" and s.timeout == 5.0 and s.host == "127.0.0.1:8000"
    assert settings_from({"EXPLORER_ENGINE_URL": "https://gw.example/openai/v1"}).url == "https://gw.example/openai/v1"
    with pytest.raises(ValueError, match="EXPLORER_ENGINE_URL"):
        settings_from({"EXPLORER_ENGINE_URL": "file:///etc/passwd"})
    with pytest.raises(ValueError, match="EXPLORER_ENGINE_TIMEOUT"):
        settings_from({"EXPLORER_ENGINE_URL": URL, "EXPLORER_ENGINE_TIMEOUT": "soon"})


def test_api_key_from_secrets_and_never_in_repr():
    """Check the key comes from the environment first, then secrets, and repr() leaves it out."""
    s = settings_from({"EXPLORER_ENGINE_URL": URL}, {"EXPLORER_ENGINE_API_KEY": "sk-secret"})
    assert s.api_key == "sk-secret" and "sk-secret" not in repr(s)
    env = {"EXPLORER_ENGINE_URL": URL, "EXPLORER_ENGINE_API_KEY": "sk-env"}
    assert settings_from(env, {"EXPLORER_ENGINE_API_KEY": "sk-secret"}).api_key == "sk-env"


def test_completion_is_parsed_with_sorted_alternatives():
    """Check text, tokens, top log-probabilities (most likely first) and the counted end-of-sequence token."""
    reply = _engine(_server()).run(Request("The capital of France is", decoding=Decoding(logprobs=2)))
    done = reply.completions[0]
    assert done.text == " Paris." and done.finish == "stop" and done.n_tokens == 3
    assert [t.piece for t in done.tokens] == [" Paris", "."]
    assert done.tokens[0].top == ((" Paris", -0.26), (" the", -2.8))
    assert reply.where == "engine at engine.test:8000 (SmolLM2-135M-Instruct.Q4_1.gguf)"


def test_n_samples_are_n_requests_with_their_own_seeds_and_settings():
    """Check n=4 sends 4 requests (seeds 7..10) carrying every sampling setting."""
    seen = []
    dec = Decoding(0.7, top_k=40, top_p=0.9, min_p=0.05, repetition_penalty=1.3, frequency_penalty=0.5,
                   max_tokens=5, seed=7)
    reply = _engine(_server(seen=seen)).run(Request("Hi", decoding=dec, n=4))
    assert len(reply.completions) == 4 and sorted(b["seed"] for b in seen) == [7, 8, 9, 10]
    body = seen[0]
    assert (body["temperature"], body["top_k"], body["top_p"], body["min_p"]) == (0.7, 40, 0.9, 0.05)
    assert body["repeat_penalty"] == body["repetition_penalty"] == 1.3 and body["frequency_penalty"] == 0.5
    assert body["max_tokens"] == 5 and body["model"] == MODEL and "logprobs" not in body


def test_model_check():
    """Check a configured name must be listed, and several listed models need one named."""
    engine = _engine(_server(), EXPLORER_ENGINE_MODEL="llama-70b")
    with pytest.raises(EngineError, match="does not serve 'llama-70b'.*EXPLORER_ENGINE_MODEL"):
        engine.run(Request("Hi"))
    with pytest.raises(EngineError, match="serves 2 models"):
        pick_model(settings_from({"EXPLORER_ENGINE_URL": URL}), ["a", "b"])
    assert pick_model(settings_from({"EXPLORER_ENGINE_URL": URL, "EXPLORER_ENGINE_MODEL": "b"}), ["a", "b"]) == "b"
    assert short_name(MODEL) == "SmolLM2-135M-Instruct.Q4_1.gguf" and short_name("org/model") == "org/model"


def _raising(exc):
    def handle(request):
        raise exc("boom", request=request)
    return handle


@pytest.mark.parametrize("handler, message", [
    (_raising(httpx2.ConnectError), "Cannot reach the engine at http://engine.test:8000/v1"),
    (_raising(httpx2.ReadTimeout), "did not answer within 60 s"),
    (lambda r: httpx2.Response(401, json={"error": {"message": "bad key"}}), "refused the API key"),
    (lambda r: httpx2.Response(500, json={"error": {"message": "out of memory"}}), "answered HTTP 500"),
    (lambda r: httpx2.Response(200, json={"object": "list", "data": "oops"}), "cannot read"),
])
def test_engine_errors_become_clear_messages(handler, message):
    """Check server down, timeout, a refused key, a server error and a malformed model list each explain themselves."""
    with pytest.raises(EngineError, match=message):
        _engine(handler).run(Request("Hi"))


@pytest.mark.parametrize("completion", [
    {"choices": []},
    {**COMPLETION, "choices": [{**COMPLETION["choices"][0], "logprobs": None}]},
    {**COMPLETION, "choices": [{**COMPLETION["choices"][0], "logprobs": {
        "tokens": [" Paris"], "token_logprobs": ["NaN"], "top_logprobs": [{" Paris": "NaN"}]}}]},
    {**COMPLETION, "choices": [{**COMPLETION["choices"][0], "logprobs": {
        "tokens": [" Paris", "."], "token_logprobs": [-0.2, -0.3], "top_logprobs": [{}]}}]},
])
def test_malformed_completion_is_reported(completion):
    """Check a reply without choices, without logprobs, with NaN or with mismatched lists is a clear error."""
    with pytest.raises(EngineError, match="sent a reply this app cannot read"):
        _engine(_server(completion)).run(Request("Hi", decoding=Decoding(logprobs=2)))


def test_chat_reply_is_parsed():
    """Check a chat completion's content and per-token top log-probabilities are read."""
    chat = {"id": "x", "object": "chat.completion", "created": 0, "model": MODEL, "choices": [{
        "index": 0, "finish_reason": "length", "message": {"role": "assistant", "content": "Paris"},
        "logprobs": {"content": [{"token": "Paris", "logprob": -0.1, "bytes": None, "top_logprobs": [
            {"token": "The", "logprob": -2.5, "bytes": None}, {"token": "Paris", "logprob": -0.1, "bytes": None}]}]}}],
        "usage": {"prompt_tokens": 9, "completion_tokens": 1, "total_tokens": 10}}
    done = _engine(_server(chat)).run(Request("Capital?", chat=True, decoding=Decoding(logprobs=2))).completions[0]
    assert done.text == "Paris" and done.n_tokens == 1 and done.finish == "length"
    assert done.tokens[0].top[0] == ("Paris", -0.1) and math.isclose(done.tokens[0].logprob, -0.1)


def test_decoding_and_request_validation():
    """Check out-of-range settings and sample counts are refused."""
    with pytest.raises(ValueError):
        Decoding(temperature=-1)
    with pytest.raises(ValueError):
        Decoding(max_tokens=0)
    with pytest.raises(ValueError):
        Request("x", n=0)
