"""The Sampling lab's cached computations: on SmolLM2 here (prompt, paths, decisions, samples, lens) or on an engine.

Every cache is bounded by entries, and every entry by construction (the
largest pickled values, measured on SmolLM2 at each cap, in the comments), so
each cache's bytes are bounded too: about 30 MB for all of them together.
"""
from __future__ import annotations

import streamlit as st

from explorer.core.engine import EngineSettings
from explorer.sampling import engine_lab, generation
from explorer.sampling.chat_prompt import ChatReadings, read_chat
from explorer.sampling.engine_lab import EngineDistribution, EnginePath, EngineSamples
from explorer.sampling.pipeline import PipelineResult, SamplingConfig
from pages.shared import model_cache
from pages.shared.engine_client import engine


def tokenizer():
    """SmolLM2's shared tokenizer (read-only)."""
    return model_cache.causal_lm().obj[1]


@st.cache_data(show_spinner=False, max_entries=64)  # <= 1,024 ids: about 5 KB
def prompt(text: str, chat: bool, control: str) -> generation.Prompt:
    """The Sampling lab's prompt ids (chat template optional, typed control tokens read per `control`)."""
    return generation.encode_prompt(tokenizer(), text, chat, control=control)


@st.cache_data(show_spinner=False, max_entries=16)  # two readings of <= 8,000 characters: about 60 KB
def chat_readings(text: str) -> ChatReadings:
    """The user's text in the chat template, read as the library does and as plain text, with the turns."""
    return read_chat(tokenizer(), text)


@st.cache_data(show_spinner=False, max_entries=64)  # <= 400 steps: about 90 KB
def path(prompt_ids: tuple, cfg: SamplingConfig, run: generation.RunConfig,
         forced: tuple = ()) -> generation.Path:
    """Replay `forced` and decode `run.max_new_tokens` more (KV-cached step loop)."""
    model, tok = model_cache.causal_lm().obj
    return generation.extend(model, tok, prompt_ids, cfg, run, forced, device=model_cache.device())


@st.cache_data(show_spinner=False, max_entries=8)  # 7 stages x 49,152 floats: 0.2 MB, 1.4 MB all active
def decision(prompt_ids: tuple, path_ids: tuple, cfg: SamplingConfig) -> PipelineResult:
    """Every pipeline stage (full vocabulary) for the token after prompt + path."""
    model, _ = model_cache.causal_lm().obj
    return generation.decision(model, prompt_ids, path_ids, cfg, device=model_cache.device())


@st.cache_data(show_spinner=False, max_entries=16)  # <= 100 x 30 tokens: about 48 KB
def many(prompt_ids: tuple, cfg: SamplingConfig, n: int, run: generation.RunConfig) -> generation.Samples:
    """N seeded continuations (fewer above the work cap), the prompt read once, in batches within budget."""
    model, tok = model_cache.causal_lm().obj
    return generation.sample_many(model, tok, prompt_ids, cfg, n, run, device=model_cache.device())


@st.cache_data(show_spinner=False, max_entries=32)  # 31 layers: about 3 KB
def lens(context_ids: tuple, target: int) -> generation.Lens:
    """Logit lens of `target` at the end of `context_ids`."""
    model, tok = model_cache.causal_lm().obj
    return generation.logit_lens(model, tok, context_ids, target, device=model_cache.device())


@st.cache_data(show_spinner=False, max_entries=4096)  # one token's text: under 0.5 MB in all
def piece(token_id: int) -> str:
    """Decoded text of one SmolLM2 token."""
    return tokenizer().decode([token_id])


@st.cache_data(show_spinner=False, max_entries=64)  # <= 8,000 characters and the template: about 8 KB
def prompt_text(text: str, chat: bool) -> str:
    """The prompt as the engine receives it: text, wrapped in SmolLM2's chat template when `chat`."""
    return engine_lab.templated(tokenizer(), text, chat)


@st.cache_data(show_spinner=False, max_entries=64)  # <= 100 top tokens: about 3 KB
def engine_next(settings: EngineSettings, context: str, cfg: SamplingConfig, seed: int) -> EngineDistribution:
    """The engine's top next tokens after `context` and the one it drew."""
    return engine_lab.next_distribution(engine(settings), context, cfg, seed, settings.logprobs)


@st.cache_data(show_spinner=False, max_entries=64)  # <= 200 tokens x 20 alternatives: about 100 KB
def engine_path(settings: EngineSettings, context: str, cfg: SamplingConfig, n: int, seed: int) -> EnginePath:
    """`n` more tokens drawn by the engine after `context` (seeded by seed and context)."""
    return engine_lab.generate(engine(settings), context, cfg, n, seed, settings.logprobs)


@st.cache_data(show_spinner=False, max_entries=16)  # <= 100 texts of 30 tokens: about 20 KB
def engine_many(settings: EngineSettings, context: str, cfg: SamplingConfig, n: int, length: int,
                seed: int) -> EngineSamples:
    """N engine continuations sent at once."""
    return engine_lab.sample_n(engine(settings), context, cfg, n, length, seed)
