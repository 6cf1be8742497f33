"""Sampling lab views: why outputs vary, the repetition lab and the logit lens (UI only)."""
from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from explorer.sampling import figures as figs
from explorer.sampling.generation import RunConfig, repeated_ngrams
from explorer.sampling.state import SamplingState
from pages.sampling import cache

P = "samp"


def vary_view(state: SamplingState, prompt) -> None:
    """Sample N times; compare with greedy; explain where variation comes from."""
    c1, c2 = st.columns(2)
    c1.slider("Samples (N)", 1, 100, key=f"{P}.n_samples")
    c2.slider("Tokens per sample", 1, 30, key=f"{P}.sample_len")
    n, length = st.session_state[f"{P}.n_samples"], st.session_state[f"{P}.sample_len"]
    run, cfg = RunConfig(length, state.seed), state.sampling()
    with st.spinner(f"Sampling {n} continuations of {length} tokens in one batch..."):
        samples = cache.many(prompt.ids, cfg, n, run)
        greedy = cache.many(prompt.ids, dataclasses.replace(cfg, temperature=0.0), 3, run)
    st.plotly_chart(figs.samples_hist(samples), key="samp_hist", config={"displayModeBar": False})
    st.caption(f"{n} continuations of the prompt alone (the path above is not used), drawn in one batch "
               f"from seed {state.seed} with your sidebar settings.")
    m = st.columns(3)
    m[0].metric("Distinct continuations", f"{len(samples.counts)} of {n}")
    m[1].metric("Mean effective choices per step", f"{samples.effective_choices.mean():.1f}")
    m[2].metric("Greedy (T=0), 3 runs", f"{len(greedy.counts)} distinct")
    st.markdown(
        "**Where the variation comes from.** The study notes blame the model's *internal state "
        "complexity* and *speed/precision trade-offs*. On this real model the forward pass is the same "
        "every time: greedy decoding gave "
        f"{'the identical text' if len(greedy.counts) == 1 else 'differing texts'} in 3 runs "
        f"(`{greedy.texts[0][:60]}`). The spread above comes from the sampler's random numbers: "
        f"change the seed and it changes; keep seed {state.seed} and it repeats exactly. "
        "(Tiny numeric differences across hardware or batch sizes can flip near-ties, which is the grain "
        "of truth in the notes.)")


def repeat_view(state: SamplingState, prompt) -> None:
    """Greedy vs penalties vs sampling on the same prompt; repeated 3-grams outlined in red."""
    n = state.n_new
    base = state.sampling()
    rep = state.rep if state.rep != 1.0 else 1.3
    freq = state.freq if state.freq else 0.5
    pres = state.pres if state.pres else 0.5
    greedy = dataclasses.replace(base, temperature=0.0, repetition_penalty=1.0, frequency_penalty=0.0,
                                 presence_penalty=0.0)
    runs = {
        "greedy, no penalty": greedy,
        f"greedy + repetition penalty {rep:g} (in generate())": dataclasses.replace(greedy, repetition_penalty=rep),
        f"greedy + frequency penalty {freq:g} (not in generate())": dataclasses.replace(greedy, frequency_penalty=freq),
        f"greedy + presence penalty {pres:g} (not in generate())": dataclasses.replace(greedy, presence_penalty=pres),
        f"sampling, your settings (T={base.temperature:g})": base,
    }
    st.caption(f"{n} tokens each (the sidebar's tokens per click) from the same prompt and seed {state.seed}. "
               "Red outline = the token is part of a 3-token sequence that already appeared. Set the "
               "penalties in the sidebar (used here when off: repetition 1.3, frequency 0.5, presence 0.5).")
    bar = st.progress(0.0, text="Generating...")
    for i, (label, cfg) in enumerate(runs.items()):
        bar.progress(i / len(runs), text=f"Generating: {label}")
        path = cache.path(prompt.ids, cfg, RunConfig(n, state.seed))
        mask = repeated_ngrams(path.token_ids, 3)
        st.markdown(f"**{label}** · repeated 3-gram tokens: **{mask.mean():.0%}**")
        st.plotly_chart(figs.token_strip(path, highlight=mask), key=f"samp_rep_{i}",
                        config={"displayModeBar": False})
    bar.empty()
    st.markdown(
        "- **Repetition penalty** (transformers, Keskar et al. 2019): every token already in the context, "
        "prompt included, has its logit divided by the penalty (multiplied if negative). Once, however often "
        "it appeared.\n- **Frequency penalty** (OpenAI API): subtract penalty x count, so the 5th repeat is "
        "punished 5 times as hard.\n- **Presence penalty** (OpenAI API): subtract the penalty once a token has "
        "appeared at all.\nThe last two count generated tokens only and are not options of `generate()`; "
        "the lab adds them as an extra logits processor.")


def lens_view(state: SamplingState, prompt, path) -> None:
    """Rank of the inspected token after every layer (final norm + lm_head on each hidden state)."""
    ids = state.path_ids()
    if state.at and path is not None:
        context, target = prompt.ids + ids[: state.at - 1], int(path.token_ids[state.at - 1])
        what = f"token #{state.at}"
    else:
        result = cache.decision(prompt.ids, ids, state.sampling())
        context, target = prompt.ids + ids, int(result.base_probs.argmax())
        what = "the model's top next token"
    piece = cache.piece(target)
    with st.spinner("Decoding every layer..."):
        lens = cache.lens(tuple(context), target)
    st.plotly_chart(figs.lens_chart(lens, piece), key="samp_lens", config={"displayModeBar": False})
    first = lens.first_top_layer
    st.markdown(f"Logit lens for {what}, **{piece!r}**: each layer's hidden state is sent through the final "
                f"norm and the output head as if it were the last layer. "
                + (f"It becomes the top prediction at layer **{first}** of {lens.layers[-1]}."
                   if first is not None else "No layer ranks it first (it was a sampled long shot)."))
    st.dataframe(pd.DataFrame({"layer": lens.layers, "rank of token": lens.rank, "p(token)": lens.prob,
                               "layer's top token": [repr(p) for p in lens.top_pieces]}),
                 width="stretch", height=240, hide_index=True)
