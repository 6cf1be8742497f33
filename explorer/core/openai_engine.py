"""An inference engine reached over the OpenAI completions/chat API (llama.cpp's server, vLLM, TGI, SGLang).

Requests go through the maintained `openai` client. Facts measured against
llama-cpp-python's server 0.3.36 that shape this module:
- `n` is ignored (one choice comes back), so the n samples of a request are
  n requests sent at once, with seeds seed, seed+1, ...; a server that batches
  (vLLM) runs them together, llama.cpp runs them one after another.
- The `model` field is not checked (any name is answered), so the configured
  name is checked against `/v1/models` once, with a clear error when the
  server does not list it.
- Sampling parameters beyond OpenAI's (top_k, min_p, repeat_penalty, seed)
  are accepted as extra body fields; unknown ones are ignored by llama.cpp and
  vLLM alike, so both engines' names for the repetition penalty are sent.
- Top log-probabilities are keyed by token *string* and come from the raw
  model (temperature 1, no filter), before the sampler applies the settings.

Example:
    >>> engine = OpenAIEngine(settings_from(os.environ))
    >>> engine.run(Request("The capital of France is", decoding=Decoding(0.0, max_tokens=1, logprobs=20)))
"""
from __future__ import annotations

import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import openai

from explorer.core.engine import Completion, Decoding, EngineError, EngineSettings, Reply, Request, Token

MAX_CONCURRENT = 32  # requests in flight per Request; vLLM batches them, llama.cpp queues them


class OpenAIEngine:
    """An OpenAI-compatible server. Thread-safe: one instance serves every session."""

    def __init__(self, settings: EngineSettings, http_client=None):
        self.settings = settings
        self.where = f"engine at {settings.host}"
        self._client = openai.OpenAI(base_url=settings.url, api_key=settings.api_key or "not-needed",
                                     timeout=settings.timeout, max_retries=0, http_client=http_client)
        self._model: str | None = None
        self._lock = threading.Lock()

    def model(self) -> str:
        """The served model's name, checked against /v1/models once (EngineError when not served)."""
        with self._lock:
            if self._model is None:
                listing = self._call(self._client.models.list)
                try:
                    served = [str(m.id) for m in listing.data]
                except (AttributeError, TypeError):
                    raise EngineError(f"The engine at {self.settings.host} sent a model list this app "
                                      "cannot read: is it an OpenAI-compatible server?") from None
                self._model = pick_model(self.settings, served)
            return self._model

    def run(self, request: Request) -> Reply:
        """request.n samples, sent concurrently with seeds seed, seed+1, ..."""
        model, start = self.model(), time.perf_counter()
        seeds = [request.decoding.seed + i for i in range(request.n)]
        if request.n == 1:
            done = [self._one(model, request, seeds[0])]
        else:
            with ThreadPoolExecutor(min(request.n, MAX_CONCURRENT)) as pool:
                done = list(pool.map(lambda s: self._one(model, request, s), seeds))
        return Reply(tuple(done), time.perf_counter() - start, f"{self.where} ({short_name(model)})")

    def _one(self, model: str, request: Request, seed: int) -> Completion:
        dec, start = request.decoding, time.perf_counter()
        common = dict(model=model, max_tokens=dec.max_tokens, temperature=dec.temperature, top_p=dec.top_p,
                      frequency_penalty=dec.frequency_penalty, presence_penalty=dec.presence_penalty,
                      seed=seed % 2**31, extra_body=extra_body(dec))
        if request.chat:
            extra = dict(logprobs=True, top_logprobs=dec.logprobs) if dec.logprobs else {}
            reply = self._call(lambda: self._client.chat.completions.create(
                messages=[{"role": "user", "content": request.text}], **common, **extra))
            parse = _parse_chat
        else:
            extra = dict(logprobs=dec.logprobs) if dec.logprobs else {}
            reply = self._call(lambda: self._client.completions.create(prompt=request.text, **common, **extra))
            parse = _parse_completion
        try:
            text, tokens, n_tokens, finish = parse(reply, dec.logprobs)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError) as err:
            raise EngineError(f"The engine at {self.settings.host} sent a reply this app cannot read "
                              f"({type(err).__name__}: {str(err)[:120]}). Is it an OpenAI-compatible "
                              "server with log-probabilities?") from None
        return Completion(text, tokens, n_tokens, finish, time.perf_counter() - start, seed)

    def _call(self, fn):
        """Run one client call, turning the client's exceptions into EngineError messages."""
        try:
            return fn()
        except openai.APITimeoutError:
            raise EngineError(f"The engine at {self.settings.host} did not answer within "
                              f"{self.settings.timeout:g} s. It may be busy: try again, or raise "
                              "EXPLORER_ENGINE_TIMEOUT.") from None
        except openai.APIConnectionError:
            raise EngineError(f"Cannot reach the engine at {self.settings.url}. Is it running? "
                              "(`make engine` starts one; check EXPLORER_ENGINE_URL.)") from None
        except openai.AuthenticationError:
            raise EngineError(f"The engine at {self.settings.host} refused the API key: set "
                              "EXPLORER_ENGINE_API_KEY (environment or Streamlit secrets).") from None
        except openai.NotFoundError:
            raise EngineError(f"The engine at {self.settings.host} answered 404: it does not serve "
                              f"{self.settings.model or 'this path'!r} at {self.settings.url}.") from None
        except openai.APIResponseValidationError as err:
            raise EngineError(f"The engine at {self.settings.host} sent a reply this app cannot read "
                              f"({str(err)[:120]}).") from None
        except openai.APIStatusError as err:
            raise EngineError(f"The engine at {self.settings.host} answered HTTP {err.status_code}: "
                              f"{str(err.message)[:200]}") from None


def pick_model(settings: EngineSettings, served: list[str]) -> str:
    """The configured model if the server lists it; the only one listed if none is configured."""
    if not served:
        raise EngineError(f"The engine at {settings.host} lists no model at /v1/models.")
    if settings.model:
        if settings.model in served:
            return settings.model
        names = ", ".join(repr(s) for s in served[:5])
        raise EngineError(f"The engine at {settings.host} does not serve {settings.model!r}; it serves "
                          f"{names}. Set EXPLORER_ENGINE_MODEL to one of them (or leave it empty).")
    if len(served) > 1:
        raise EngineError(f"The engine at {settings.host} serves {len(served)} models: set "
                          "EXPLORER_ENGINE_MODEL to the one to use.")
    return served[0]


def short_name(model: str) -> str:
    """A model id without its folder (llama.cpp lists the GGUF's path)."""
    return model.replace("\\", "/").rsplit("/", 1)[-1] if model.endswith(".gguf") else model


def extra_body(dec: Decoding) -> dict:
    """Sampling parameters outside OpenAI's API; 0 / 1.0 switch each off in llama.cpp and vLLM."""
    return {"top_k": dec.top_k, "min_p": dec.min_p, "repeat_penalty": dec.repetition_penalty,
            "repetition_penalty": dec.repetition_penalty}


def _finite(value) -> float:
    number = float(value)
    if math.isnan(number):
        raise ValueError("a log-probability is not a number")
    return number


def _counted(n_tokens, finish: str) -> int:
    """Completion tokens plus the end-of-sequence token, which the server does not count."""
    return int(n_tokens) + (finish == "stop")


def _parse_completion(reply, logprobs: int) -> tuple[str, tuple[Token, ...], int, str]:
    choice = reply.choices[0]
    finish, tokens = str(choice.finish_reason), ()
    if logprobs:
        lp = choice.logprobs
        if len(lp.tokens) != len(lp.top_logprobs):
            raise ValueError("tokens and top_logprobs differ in length")
        tokens = tuple(Token(str(piece), _finite(chosen), tuple(sorted(
            ((str(k), _finite(v)) for k, v in (top or {}).items()), key=lambda kv: -kv[1])))
            for piece, chosen, top in zip(lp.tokens, lp.token_logprobs, lp.top_logprobs))
    return str(choice.text), tokens, _counted(reply.usage.completion_tokens, finish), finish


def _parse_chat(reply, logprobs: int) -> tuple[str, tuple[Token, ...], int, str]:
    choice = reply.choices[0]
    finish, tokens = str(choice.finish_reason), ()
    if logprobs:
        tokens = tuple(Token(str(t.token), _finite(t.logprob), tuple(sorted(
            ((str(a.token), _finite(a.logprob)) for a in t.top_logprobs), key=lambda kv: -kv[1])))
            for t in choice.logprobs.content)
    return str(choice.message.content or ""), tokens, _counted(reply.usage.completion_tokens, finish), finish
