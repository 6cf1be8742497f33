"""One interface over two ways to generate text: this process's PyTorch model, or an inference engine.

An engine is anything with `run(Request) -> Reply`: `LocalEngine`
(explorer.core.local_engine, the bundled model in this process, the default)
or `OpenAIEngine` (explorer.core.openai_engine, any server speaking the OpenAI
completions/chat API: llama.cpp's server, vLLM, TGI, SGLang). A request is
text (plain text to continue, or one user message for the model's chat
template), decoding settings and a sample count; a reply holds, for each
sample, its text, its tokens with the model's top log-probabilities, and the
time it took.

Which engine a deployment uses is set by environment (see `settings_from`):
nobody who sets nothing gets anything but the local model.

Example:
    >>> settings = settings_from({"EXPLORER_ENGINE_URL": "http://127.0.0.1:8000"})
    >>> settings.url
    'http://127.0.0.1:8000/v1'
    >>> reply = engine.run(Request("The capital of France is", decoding=Decoding(0.0, max_tokens=3, logprobs=5)))
    >>> reply.completions[0].tokens[0].top[:2]      # (piece, log-probability), most likely first
    ((' Paris', -0.26), (' the', -2.8))
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from explorer.core.sampling_settings import SamplingSettings

URL_ENV = "EXPLORER_ENGINE_URL"
MODEL_ENV = "EXPLORER_ENGINE_MODEL"
KEY_ENV = "EXPLORER_ENGINE_API_KEY"
TIMEOUT_ENV = "EXPLORER_ENGINE_TIMEOUT"
LOGPROBS_ENV = "EXPLORER_ENGINE_LOGPROBS"
DEFAULT_TIMEOUT = 60.0  # seconds per request; a 64-token request took 4-7 s on 2 busy cores
DEFAULT_LOGPROBS = 20  # OpenAI's own cap for chat top_logprobs, and vLLM's default --max-logprobs
MAX_LOGPROBS = 100
MAX_TOKENS = 256
MAX_SAMPLES = 100


class EngineError(RuntimeError):
    """The engine could not answer; the message says what went wrong and what to do."""


@dataclass(frozen=True)
class Decoding(SamplingSettings):
    """Sampling settings sent with a request (fields and bounds: SamplingSettings), how many
    tokens, the seed and how many top alternatives to report per token (0 = none)."""

    max_tokens: int = 16
    seed: int = 0
    logprobs: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 1 <= self.max_tokens <= MAX_TOKENS or not 0 <= self.logprobs <= MAX_LOGPROBS:
            raise ValueError(f"max_tokens must be in 1..{MAX_TOKENS} and logprobs in 0..{MAX_LOGPROBS}")
        if not 0 <= self.seed < 2**32:
            raise ValueError(f"seed must be between 0 and 2**32 - 1, got {self.seed}")


@dataclass(frozen=True)
class Request:
    """What to generate: `n` independent samples of a continuation of `text`."""

    text: str
    chat: bool = False  # True: `text` is one user message, wrapped in the model's chat template
    decoding: Decoding = field(default_factory=Decoding)
    n: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.n <= MAX_SAMPLES:
            raise ValueError(f"n must be in 1..{MAX_SAMPLES}, got {self.n}")


@dataclass(frozen=True)
class Token:
    """One generated token: its text, the model's log-probability of it, and the top alternatives."""

    piece: str
    logprob: float  # raw model log-probability (temperature 1, before any filter); nan if unknown
    top: tuple[tuple[str, float], ...] = ()  # (piece, logprob), most likely first


@dataclass(frozen=True)
class Completion:
    """One sample: text, tokens (with logprobs when asked), why it stopped, and its own time."""

    text: str
    tokens: tuple[Token, ...]  # [step]; empty when no logprobs were asked
    n_tokens: int  # generated tokens, the end-of-sequence token included
    finish: str  # "stop" (end of sequence) or "length" (max_tokens reached)
    seconds: float  # wall time of this sample's request
    seed: int


@dataclass(frozen=True)
class Reply:
    """All samples of one request and the wall time of the whole request."""

    completions: tuple[Completion, ...]
    seconds: float
    where: str  # who generated it, for the page ("this server (PyTorch)", "engine at ...")

    @property
    def n_tokens(self) -> int:
        """Tokens generated over every sample."""
        return sum(c.n_tokens for c in self.completions)

    @property
    def tokens_per_second(self) -> float:
        """Generated tokens over wall seconds (nan for an instant reply)."""
        return self.n_tokens / self.seconds if self.seconds > 0 else float("nan")


class Engine(Protocol):
    """Anything that turns a Request into a Reply."""

    where: str

    def run(self, request: Request) -> Reply:
        """Generate request.n samples; raise EngineError with a message for the user on failure."""
        ...


@dataclass(frozen=True)
class EngineSettings:
    """How to reach an OpenAI-compatible engine. The API key never shows in repr or logs."""

    url: str  # base URL ending in /v1 (or the gateway's own path)
    model: str = ""  # "" = the one model the server lists
    api_key: str = field(default="", repr=False)
    timeout: float = DEFAULT_TIMEOUT
    logprobs: int = DEFAULT_LOGPROBS

    @property
    def host(self) -> str:
        """host:port of the engine, for messages."""
        return urlsplit(self.url).netloc


def _number(env: Mapping[str, str], name: str, default: float, lo: float, hi: float) -> float:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw[:40]!r}") from None
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be between {lo:g} and {hi:g}, got {value:g}")
    return value


def settings_from(env: Mapping[str, str], secrets: Mapping[str, str] | None = None) -> EngineSettings | None:
    """Engine settings from environment variables (and secrets for the key); None when no URL is set.

    A URL without a path gets `/v1` (llama.cpp's and vLLM's default); any other path is kept.
    Raises ValueError naming the variable when a value is unusable.
    """
    url = (env.get(URL_ENV) or "").strip().rstrip("/")
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{URL_ENV} must be an http(s) URL such as http://127.0.0.1:8000/v1, got {url[:80]!r}")
    if parts.path in ("", "/"):
        url += "/v1"
    key = (env.get(KEY_ENV) or (secrets or {}).get(KEY_ENV) or "").strip()
    return EngineSettings(url, (env.get(MODEL_ENV) or "").strip(), key,
                          _number(env, TIMEOUT_ENV, DEFAULT_TIMEOUT, 1, 3600),
                          int(_number(env, LOGPROBS_ENV, DEFAULT_LOGPROBS, 1, MAX_LOGPROBS)))
