"""The Sampling lab's cached computations on SmolLM2 (prompt, paths, decisions, samples, lens)."""
from __future__ import annotations

import streamlit as st

from explorer.sampling import generation
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
