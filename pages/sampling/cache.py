"""The Sampling lab's cached computations: on SmolLM2 here (prompt, paths, decisions, samples, lens) or on an engine."""
from __future__ import annotations

import os

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from explorer.core.engine import KEY_ENV, EngineSettings, settings_from
from explorer.core.openai_engine import OpenAIEngine
from explorer.sampling import engine_lab, generation
from explorer.sampling.engine_lab import EngineDistribution, EnginePath, EngineSamples
from explorer.sampling.pipeline import PipelineResult, SamplingConfig
from pages.shared import model_cache


@st.cache_data(show_spinner=False, max_entries=64)
def prompt(text: str, chat: bool) -> generation.Prompt:
    """The Sampling lab's prompt ids (chat template optional, last 1024 tokens)."""
    return generation.encode_prompt(model_cache.causal_lm().obj[1], text, chat)


@st.cache_data(show_spinner=False, max_entries=64)
def path(prompt_ids: tuple, cfg: SamplingConfig, run: generation.RunConfig,
         forced: tuple = ()) -> generation.Path:
    """Replay `forced` and decode `run.max_new_tokens` more (KV-cached step loop)."""
    model, tok = model_cache.causal_lm().obj
    return generation.extend(model, tok, prompt_ids, cfg, run, forced, device=model_cache.device())


@st.cache_data(show_spinner=False, max_entries=8)
def decision(prompt_ids: tuple, path_ids: tuple, cfg: SamplingConfig) -> PipelineResult:
    """Every pipeline stage (full vocabulary) for the token after prompt + path."""
    model, _ = model_cache.causal_lm().obj
    return generation.decision(model, prompt_ids, path_ids, cfg, device=model_cache.device())


@st.cache_data(show_spinner=False, max_entries=16)
def many(prompt_ids: tuple, cfg: SamplingConfig, n: int, run: generation.RunConfig) -> generation.Samples:
    """N seeded continuations in one batch."""
    model, tok = model_cache.causal_lm().obj
    return generation.sample_many(model, tok, prompt_ids, cfg, n, run, device=model_cache.device())


@st.cache_data(show_spinner=False, max_entries=32)
def lens(context_ids: tuple, target: int) -> generation.Lens:
    """Logit lens of `target` at the end of `context_ids`."""
    model, tok = model_cache.causal_lm().obj
    return generation.logit_lens(model, tok, context_ids, target, device=model_cache.device())


@st.cache_data(show_spinner=False, max_entries=4096)
def piece(token_id: int) -> str:
    """Decoded text of one SmolLM2 token."""
    return model_cache.causal_lm().obj[1].decode([token_id])


@st.cache_data(show_spinner=False, max_entries=64)
def prompt_text(text: str, chat: bool) -> str:
    """The prompt as the engine receives it: text, wrapped in SmolLM2's chat template when `chat`."""
    return engine_lab.templated(model_cache.causal_lm().obj[1], text, chat)


def engine_settings() -> EngineSettings | None:
    """The engine configured by environment (API key also from Streamlit secrets); None = none.

    Raises ValueError naming the variable when a setting is unusable.
    """
    try:
        secrets = {KEY_ENV: st.secrets[KEY_ENV]} if KEY_ENV in st.secrets else {}
    except (FileNotFoundError, KeyError, StreamlitSecretNotFoundError):
        secrets = {}
    return settings_from(os.environ, secrets)


@st.cache_resource(show_spinner=False, max_entries=4)
def engine(settings: EngineSettings) -> OpenAIEngine:
    """One client per engine, shared by every session (it is thread-safe)."""
    return OpenAIEngine(settings)


@st.cache_data(show_spinner=False, max_entries=64)
def engine_next(settings: EngineSettings, context: str, cfg: SamplingConfig, seed: int) -> EngineDistribution:
    """The engine's top next tokens after `context` and the one it drew."""
    return engine_lab.next_distribution(engine(settings), context, cfg, seed, settings.logprobs)


@st.cache_data(show_spinner=False, max_entries=64)
def engine_path(settings: EngineSettings, context: str, cfg: SamplingConfig, n: int, seed: int) -> EnginePath:
    """`n` more tokens drawn by the engine after `context` (seeded by seed and context)."""
    return engine_lab.generate(engine(settings), context, cfg, n, seed, settings.logprobs)


@st.cache_data(show_spinner=False, max_entries=16)
def engine_many(settings: EngineSettings, context: str, cfg: SamplingConfig, n: int, length: int,
                seed: int) -> EngineSamples:
    """N engine continuations sent at once."""
    return engine_lab.sample_n(engine(settings), context, cfg, n, length, seed)
