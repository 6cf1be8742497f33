"""Sampling lab, why outputs vary: N seeded samples against greedy, and where the spread comes from."""
from __future__ import annotations

import streamlit as st

from explorer.core.markdown import escape_md
from explorer.sampling import figures as figs
from explorer.sampling.batches import BatchPlan
from explorer.sampling.generation import Prompt, RunConfig
from explorer.sampling.state import SamplingState
from pages.sampling import cache
from pages.shared.url_state import slider

P = "samp"
GREEDY_RUNS = 3


def show(state: SamplingState, prompt: Prompt) -> None:
    """Sample N times; compare with greedy; explain where variation comes from."""
    c1, c2 = st.columns(2)
    slider(c1, "Samples (N)", SamplingState, P, "n_samples")
    slider(c2, "Tokens per sample", SamplingState, P, "sample_len")
    n, length = st.session_state[f"{P}.n_samples"], st.session_state[f"{P}.sample_len"]
    run, cfg = RunConfig(length, state.seed), state.sampling()
    with st.spinner(f"Sampling {n} continuations of {length} tokens (the prompt is read once)..."):
        samples = cache.many(prompt.ids, cfg, n, run)
        # Greedy draws no random number: seed 0 lets every seed's visit share one cached run.
        greedy = cache.many(prompt.ids, cfg.as_greedy(), GREEDY_RUNS, RunConfig(length, 0))
    _budget_notes(samples.plan, state.seed)
    drawn = len(samples.texts)
    st.plotly_chart(figs.samples_hist(samples), key="samp_hist", config={"displayModeBar": False})
    st.caption(f"{drawn} continuations of the prompt alone (the path above is not used), drawn from seed "
               f"{state.seed} with your sidebar settings.")
    m = st.columns(3)
    m[0].metric("Distinct continuations", f"{len(samples.counts)} of {drawn}")
    m[1].metric("Mean effective choices per step", f"{samples.mean_effective_choices:.1f}")
    m[2].metric(f"Greedy (T=0), {GREEDY_RUNS} runs", f"{len(greedy.counts)} distinct")
    st.markdown(
        "**Where the variation comes from.** The study notes blame the model's *internal state "
        "complexity* and *speed/precision trade-offs*. On this real model the forward pass is the same "
        "every time: greedy decoding gave "
        f"{'the identical text' if len(greedy.counts) == 1 else 'differing texts'} in {GREEDY_RUNS} runs "
        f"(“{escape_md(greedy.texts[0][:60])}”). The spread above comes from the sampler's random numbers: "
        f"change the seed and it changes; keep seed {state.seed} and it repeats exactly. "
        "(Tiny numeric differences across hardware or batch sizes can flip near-ties, which is the grain "
        "of truth in the notes.)")


def _budget_notes(todo: BatchPlan | None, seed: int) -> None:
    """Say when the work cap drew fewer samples, or the batch budget split them into batches."""
    if todo is None:
        return
    each = f"{todo.prompt_len:,} prompt + {todo.new_tokens} new tokens"
    if todo.capped:
        st.warning(f"Drawing **{todo.n} of the {todo.asked} samples** asked: samples x (prompt + new tokens) "
                   f"is capped at {todo.work:,} tokens per request so one request cannot hold the server "
                   f"(each sample here is {each}). A shorter prompt allows more samples.",
                   icon=":material/speed:")
    if todo.split:
        st.info(f"The {todo.n} samples were drawn in {todo.n_batches} batches of up to {todo.rows} "
                f"(each sample is {each}; a batch holds at most {todo.budget:,} tokens). The prompt is read "
                f"once and shared; the first batch draws from seed {seed}, each further batch from its own "
                "seed derived from it, so the same link gives the same samples.", icon=":material/info:")
