"""Sampling lab views: generated strip, pipeline, steps, variation, side by side, repetition, lens."""
from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from explorer.sampling import figures as figs
from explorer.sampling.generation import RunConfig
from explorer.sampling.pipeline import top_tokens
from explorer.sampling.state import SamplingState
from pages.sampling import cache
from pages.sampling.controls import LAST_PATH

P = "samp"
STAGES_HELP = ("Each row is one stage of the pipeline, in the order `generate()` applies it; "
               "purple (*) marks the extra penalties that are not part of `generate()`. After the last "
               "stage the surviving scores are renormalised (softmax) and `torch.multinomial` draws one token.")


def _on_strip_select() -> None:
    points = st.session_state.get("samp_strip", {}).get("selection", {}).get("points", [])
    if points:
        st.session_state[f"{P}.at"] = int(points[0].get("customdata", points[0].get("point_index", 0))) + 1


def path_strip(state: SamplingState, prompt):
    """The generated text, coloured by probability; click (or pick a step number) to inspect/rewind."""
    ids = state.path_ids()
    if not ids:
        st.caption("Nothing generated yet: press **Step**, **Sample** or **Greedy**.")
        return None
    key, last = st.session_state.get(LAST_PATH, (None, None))
    if key != (prompt.ids, state.sampling(), state.seed, ids):
        last = cache.path(prompt.ids, state.sampling(), RunConfig(0, state.seed), ids)
    path = last
    sel = state.at - 1 if state.at else None
    st.plotly_chart(figs.token_strip(path, selected=sel), key="samp_strip", on_select=_on_strip_select,
                    selection_mode="points", config={"displayModeBar": False})
    st.caption(f"{len(ids)} tokens · colour = probability of the picked token under your settings "
               "(green sure, red a long shot) · hover for the alternatives · click a token to inspect it, "
               "rewind, or branch.")
    return path


def inspect_control(path) -> None:
    """Number input twin of clicking the strip (keyboard and tests can use it)."""
    n = 0 if path is None else len(path.pieces)
    if st.session_state.get(f"{P}.at", 0) > n:
        st.session_state[f"{P}.at"] = 0
    st.columns([1, 2])[0].number_input("Inspect token # (0 = the next token)", 0, max(n, 0), step=1,
                                       key=f"{P}.at")


def _rewind(at: int, branch: int | None = None) -> None:
    path = list(st.session_state.get(f"{P}.path", []))[: at - 1]
    st.session_state[f"{P}.path"] = path + ([str(branch)] if branch is not None else [])
    st.session_state[f"{P}.at"] = 0


def _branch_controls(state: SamplingState, path, top) -> None:
    i = state.at - 1
    st.markdown(f"Token #{state.at} was **{path.pieces[i]!r}** (p_final {path.p_final[i]:.1%}, "
                f"model's rank {path.rank_base[i]}).")
    c1, c2 = st.columns([1, 3])
    c1.button("Rewind to before it", icon=":material/undo:", on_click=_rewind, args=(state.at,))
    options = [int(t) for t in top.ids[:8] if int(t) != int(path.token_ids[i])]
    pick = c2.pills("Branch: replace it with", options, format_func=lambda t: repr(cache.piece(t)),
                    key="samp_branch")
    if pick is not None:
        c2.button(f"Branch with {cache.piece(pick)!r}", icon=":material/call_split:",
                  on_click=_rewind, args=(state.at, pick))


def next_view(state: SamplingState, prompt, path) -> None:
    """The full-vocabulary distribution through every stage of the pipeline."""
    ids = state.path_ids()
    upto = ids[: state.at - 1] if state.at else ids
    cfg = state.sampling()
    with st.spinner("Running the model once over prompt + path..."):
        result = cache.decision(prompt.ids, upto, cfg)
    names = [f"{i}. {s.name}" for i, s in enumerate(result.stages)]
    stage = st.select_slider("Show the distribution after stage", names, value=names[-1], key="samp_stage")
    top = top_tokens(result, cache.piece, 15, names.index(stage))
    where = f"token #{state.at}" if state.at else "the next token"
    c = st.columns(4)
    c[0].metric("Tokens still possible", f"{int(result.kept.sum()):,}",
                help=f"out of the {len(result.base_probs):,}-token vocabulary")
    c[1].metric("Entropy, raw model", f"{result.entropy_base:.2f} nats")
    c[2].metric("Entropy after pipeline", f"{result.entropy_final:.2f} nats")
    c[3].metric("Effective choices", f"{result.effective_choices:.1f}")
    st.plotly_chart(figs.pipeline_bars(top), key="samp_bars", config={"displayModeBar": False})
    st.caption(f"Distribution for {where} over all {len(result.base_probs):,} tokens: grey = p_base "
               "(softmax of the raw logits), blue = after the chosen stage; filtered tokens keep their grey bar.")
    first = top.pieces[0]
    st.markdown(f"Worked example: {first!r} has logit **{top.logits[0]:.2f}**, so softmax over all "
                f"{len(result.base_probs):,} logits gives p_base **{top.p_base[0]:.1%}**; after "
                f"{top.stage} it has **{top.p_stage[0]:.1%}**. Everything outside these {len(top.ids)} "
                f"tokens holds {top.rest_base:.1%} before and {top.rest_stage:.1%} after.")
    _notes(state)
    st.plotly_chart(figs.stage_funnel(result), key="samp_funnel", config={"displayModeBar": False})
    st.caption(STAGES_HELP)
    if state.at and path is not None:
        _branch_controls(state, path, top)


def _notes(state: SamplingState) -> None:
    if state.temperature == 0:
        st.info("Temperature 0 = greedy: the lab keeps only the argmax instead of dividing by zero "
                "(generate() would need do_sample=False).")
    elif state.temperature >= 3:
        st.info(f"T = {state.temperature:g} flattens the distribution: unlikely tokens get almost the same "
                "chance as good ones, so text turns to noise.")
    if state.top_k > 49_152:
        st.info(f"Top-k {state.top_k:,} is larger than the 49,152-token vocabulary, so it keeps every token.")
    if 0 < state.top_p < 0.001 or state.top_p == 0:
        st.info("Top-p 0 keeps only the single most likely token (transformers always keeps at least one): "
                "sampling becomes greedy.")


def steps_view(path) -> None:
    """Per-step probabilities and effective number of choices."""
    if path is None:
        st.info("Generate some tokens first: each step's entropy and alternatives appear here.")
        return
    st.plotly_chart(figs.entropy_chart({"path": path}), key="samp_entropy", config={"displayModeBar": False})
    st.caption("Effective choices = exp(entropy): 1 means the model had no real choice; 10 means it was "
               "as unsure as a fair 10-sided die. Dotted: the raw model at T=1.")
    table = pd.DataFrame({"token": [repr(p) for p in path.pieces], "p_final": path.p_final,
                          "p_base": path.p_base, "model rank": path.rank_base,
                          "effective choices": path.effective_choices, "replayed": path.forced})
    st.dataframe(table, width="stretch", height=260,
                 column_config={"p_final": st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1),
                                "p_base": st.column_config.NumberColumn(format="percent")})


def side_by_side(state: SamplingState, prompt) -> None:
    """Two settings, same prompt and seed."""
    cols, paths = st.columns(2), {}
    for col, side in zip(cols, ("a", "b")):
        col.slider(f"Temperature {side.upper()}", 0.0, 5.0, step=0.05, key=f"{P}.{side}_temperature")
        col.slider(f"Top-p {side.upper()}", 0.0, 1.0, step=0.01, key=f"{P}.{side}_top_p")
        cfg = dataclasses.replace(state.sampling(), temperature=st.session_state[f"{P}.{side}_temperature"],
                                  top_p=st.session_state[f"{P}.{side}_top_p"])
        with col, st.spinner(f"Generating {state.n_new} tokens for {side.upper()}..."):
            path = cache.path(prompt.ids, cfg, RunConfig(state.n_new, state.seed))
        label = f"{side.upper()}: T={cfg.temperature:g}, top-p {cfg.top_p:g}"
        paths[label] = path
        col.plotly_chart(figs.token_strip(path, line_chars=30), key=f"samp_side_{side}",
                         config={"displayModeBar": False})
        col.caption(f"{label} · seed {state.seed} · mean effective choices "
                    f"{path.effective_choices.mean():.1f} · stopped: {path.stopped}")
    st.plotly_chart(figs.entropy_chart(paths), key="samp_side_entropy", config={"displayModeBar": False})
    st.caption("Same prompt, same seed, same random numbers: only the settings differ. The study notes say "
               "higher values are 'more creative' and lower ones 'more precise'; here you can see what that "
               "means in tokens: low T sticks to the model's favourite, high T takes long shots (red).")
