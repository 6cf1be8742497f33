"""Sampling lab views on an engine: its top next tokens, the steps it took, and N samples at once."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.core.engine import EngineError, EngineSettings
from explorer.core.markdown import escape_md
from explorer.sampling import engine_figures
from explorer.sampling import figures as figs
from explorer.sampling.engine_lab import EnginePath, known_vocab
from explorer.sampling.state import SamplingState
from pages.sampling import cache
from pages.shared import engine_client
from pages.sampling.engine_path import engine_error, offer_local
from pages.shared.url_state import slider

P = "samp"
GREEDY_RUNS = 3


def next_view(settings: EngineSettings, state: SamplingState, context: str) -> None:
    """The engine's top next tokens (raw model) with the rest of the mass as one bar."""
    try:
        with st.spinner("Asking the engine for its next-token probabilities..."):
            dist = cache.engine_next(settings, context + state.etext, state.sampling(), state.seed)
            model = engine_client.engine(settings).model()
    except EngineError as err:
        engine_error(err)
        return
    if not dist.pieces:
        st.info("The engine ended the text here (end-of-sequence): there is no next token to show.")
        return
    vocab = known_vocab(model)
    of = f"{vocab:,}" if vocab else "all its"
    st.markdown(f"**Top {len(dist.pieces)} of {of} tokens, from the engine** ({escape_md(dist.where)}): the "
                f"raw model's probabilities at temperature 1. Every other token together holds "
                f"**{dist.rest:.1%}** (the grey bar).")
    st.plotly_chart(engine_figures.top_bars(dist, vocab), key="samp_engine_bars", config={"displayModeBar": False})
    st.caption(f"With your settings (T={state.temperature:g}, top-k {state.top_k}, top-p {state.top_p:g}, "
               f"min-p {state.min_p:g}, penalties as set) the engine drew **{escape_md(repr(dist.drawn))}**. It "
               "applies those settings itself and does not report the distribution after each of them.")
    offer_local(f"The full {vocab or 49_152:,}-token distribution and each stage of the pipeline (p_base vs "
                "p_final after penalties, temperature, top-k, top-p, min-p) need the model's logits.",
                "samp_local_next")


def steps_view(path: EnginePath | None) -> None:
    """Per-step probabilities of the tokens the engine drew this session."""
    if path is None:
        st.info("Generate some tokens on the engine first: each step's probability and rank appear here.")
        return
    table = pd.DataFrame({"token": [repr(p) for p in path.pieces], "p (raw model)": path.p_chosen,
                          "rank in the engine's top": [r if r else "outside" for r in path.rank],
                          "top alternative": [repr(a[0]) if a else "" for a in path.alt_pieces]})
    st.dataframe(table, width="stretch", height=260, column_config={
        "p (raw model)": st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)})
    st.caption(f"{path.n_tokens} tokens in {path.seconds:.1f} s from {escape_md(path.where)}.")
    offer_local("The entropy of each step (effective number of choices) needs the whole distribution.",
                "samp_local_steps")


def vary_view(settings: EngineSettings, state: SamplingState, context: str) -> None:
    """N samples sent to the engine at once, against greedy."""
    c1, c2 = st.columns(2)
    slider(c1, "Samples (N)", SamplingState, P, "n_samples")
    slider(c2, "Tokens per sample", SamplingState, P, "sample_len")
    n, length, cfg = state.n_samples, state.sample_len, state.sampling()
    try:
        with st.spinner(f"Sending {n} requests of {length} tokens to the engine at once..."):
            samples = cache.engine_many(settings, context, cfg, n, length, state.seed)
            greedy = cache.engine_many(settings, context, cfg.as_greedy(), GREEDY_RUNS, length, state.seed)
    except EngineError as err:
        engine_error(err)
        return
    st.plotly_chart(figs.samples_hist(samples), key="samp_engine_hist", config={"displayModeBar": False})
    m = st.columns(3)
    m[0].metric("Distinct continuations", f"{len(samples.counts)} of {n}")
    m[1].metric("Engine time for all N", f"{samples.seconds:.1f} s", f"{samples.tokens_per_second:.0f} tokens/s",
                delta_color="off")
    m[2].metric(f"Greedy (T=0), {GREEDY_RUNS} runs", f"{len(greedy.counts)} distinct")
    st.caption(f"{n} continuations of the prompt alone, sent to {escape_md(samples.where)} as {n} requests at "
               f"once with seeds {state.seed} to {state.seed + n - 1} and your sidebar settings. Same seeds, "
               "same texts; another seed, other texts: the spread comes from the sampler's random numbers.")


def show(view: str, settings: EngineSettings, state: SamplingState, context: str, path: EnginePath | None) -> bool:
    """Draw `view` on the engine; False for the views that run on this server's model instead."""
    if view == "next":
        next_view(settings, state, context)
    elif view == "generate":
        steps_view(path)
    elif view == "vary":
        vary_view(settings, state, context)
    elif view == "lens":
        offer_local("The logit lens reads every layer's hidden state, which an engine does not expose.",
                    "samp_local_lens")
    else:
        st.caption("This view runs on this server's own SmolLM2 (token ids and the full distribution), "
                   "not on the engine.")
        return False
    return True
