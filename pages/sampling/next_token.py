"""Sampling lab, next-token view: the full-vocabulary distribution through every pipeline stage."""
from __future__ import annotations

import streamlit as st

from explorer.core.markdown import escape_md
from explorer.sampling import figures as figs
from explorer.sampling.generation import Path, Prompt
from explorer.sampling.pipeline import PipelineResult, TopTokens, top_tokens
from explorer.sampling.state import SamplingState
from pages.sampling import cache
from pages.sampling.path_strip import branch_controls

STAGES_HELP = ("Each row is one stage of the pipeline, in the order `generate()` applies it; "
               "purple (*) marks the extra penalties that are not part of `generate()`. After the last "
               "stage the surviving scores are renormalised (softmax) and `torch.multinomial` draws one token.")
VOCAB = 49_152  # SmolLM2's vocabulary, named in the notes below


def show(state: SamplingState, prompt: Prompt, path: Path | None) -> None:
    """Metrics, the top tokens after a chosen stage, a worked example and the stage funnel."""
    ids = state.path_ids()
    upto = ids[: state.at - 1] if state.at else ids
    with st.spinner("Running the model once over prompt + path..."):
        result = cache.decision(prompt.ids, upto, state.sampling())
    names = [f"{i}. {s.name}" for i, s in enumerate(result.stages)]
    stage = st.select_slider("Show the distribution after stage", names, value=names[-1], key="samp_stage")
    top = top_tokens(result, cache.piece, 15, names.index(stage))
    _metrics(result)
    st.plotly_chart(figs.pipeline_bars(top), key="samp_bars", config={"displayModeBar": False})
    where = f"token #{state.at}" if state.at else "the next token"
    st.caption(f"Distribution for {where} over all {len(result.base_probs):,} tokens: grey = p_base "
               "(softmax of the raw logits), blue = after the chosen stage; filtered tokens keep their grey bar.")
    _worked_example(result, top)
    _notes(state)
    st.plotly_chart(figs.stage_funnel(result), key="samp_funnel", config={"displayModeBar": False})
    st.caption(STAGES_HELP)
    if state.at and path is not None:
        branch_controls(state, path, top)


def _metrics(result: PipelineResult) -> None:
    c = st.columns(4)
    c[0].metric("Tokens still possible", f"{result.n_kept:,}",
                help=f"out of the {len(result.base_probs):,}-token vocabulary")
    c[1].metric("Entropy, raw model", f"{result.entropy_base:.2f} nats")
    c[2].metric("Entropy after pipeline", f"{result.entropy_final:.2f} nats")
    c[3].metric("Effective choices", f"{result.effective_choices:.1f}")


def _worked_example(result: PipelineResult, top: TopTokens) -> None:
    st.markdown(f"Worked example: {escape_md(repr(top.pieces[0]))} has logit **{top.logits[0]:.2f}**, so softmax over all "
                f"{len(result.base_probs):,} logits gives p_base **{top.p_base[0]:.1%}**; after "
                f"{top.stage} it has **{top.p_stage[0]:.1%}**. Everything outside these {len(top.ids)} "
                f"tokens holds {top.rest_base:.1%} before and {top.rest_stage:.1%} after.")


def _notes(state: SamplingState) -> None:
    if state.temperature == 0:
        st.info("Temperature 0 = greedy: the lab keeps only the argmax instead of dividing by zero "
                "(generate() would need do_sample=False).")
    elif state.temperature >= 3:
        st.info(f"T = {state.temperature:g} flattens the distribution: unlikely tokens get almost the same "
                "chance as good ones, so text turns to noise.")
    if state.top_k > VOCAB:
        st.info(f"Top-k {state.top_k:,} is larger than the {VOCAB:,}-token vocabulary, so it keeps every token.")
    if 0 < state.top_p < 0.001 or state.top_p == 0:
        st.info("Top-p 0 keeps only the single most likely token (transformers always keeps at least one): "
                "sampling becomes greedy.")
