"""Sampling lab path strip: the buttons that grow the path, the coloured strip, inspect, rewind and branch."""
from __future__ import annotations

import streamlit as st

from explorer.core.markdown import escape_md
from explorer.sampling import figures as figs
from explorer.sampling.generation import MAX_PATH, Path, Prompt, RunConfig
from explorer.sampling.pipeline import TopTokens
from explorer.sampling.state import SamplingState
from pages.sampling import cache

P = "samp"
LAST_PATH = "_samp_last_path"  # transient: the path the last button produced, with its cache key


def _extend(state: SamplingState, prompt: Prompt, n: int, greedy: bool) -> None:
    cfg = state.sampling().as_greedy() if greedy else state.sampling()  # greedy keeps the penalties
    with st.spinner(f"Generating {n} token(s) with the KV cache..."):
        path = cache.path(prompt.ids, cfg, RunConfig(n, state.seed), state.path_ids())
    st.session_state[f"{P}.path"] = [str(int(t)) for t in path.token_ids]
    if not greedy:  # the strip can show this path as is instead of replaying it once more
        st.session_state[LAST_PATH] = ((prompt.ids, cfg, state.seed, tuple(path.token_ids.tolist())), path)
    st.session_state[f"{P}.at"] = 0
    if path.stopped == "eos":
        st.toast("The model ended its answer (end-of-sequence token).")


def generate_buttons(state: SamplingState, prompt: Prompt) -> None:
    """Step / Sample / Greedy / Clear; they change the path before the URL is written."""
    cols = st.columns([1, 1, 1, 1, 2])
    full = len(state.path_ids()) >= MAX_PATH
    if cols[0].button("Step", icon=":material/skip_next:", disabled=full, help="One token with the settings"):
        _extend(state, prompt, 1, greedy=False)
    if cols[1].button(f"Sample {state.n_new}", icon=":material/casino:", disabled=full):
        _extend(state, prompt, state.n_new, greedy=False)
    if cols[2].button(f"Greedy {state.n_new}", icon=":material/trending_flat:", disabled=full,
                      help="Always the most likely token (penalties still apply)"):
        _extend(state, prompt, state.n_new, greedy=True)
    if cols[3].button("Clear", icon=":material/restart_alt:"):
        st.session_state[f"{P}.path"], st.session_state[f"{P}.at"] = [], 0
    if full:
        cols[4].warning(f"The path holds its maximum of {MAX_PATH} tokens; rewind or clear to go on.")


def _on_strip_select() -> None:
    points = st.session_state.get("samp_strip", {}).get("selection", {}).get("points", [])
    if points:
        st.session_state[f"{P}.at"] = int(points[0].get("customdata", points[0].get("point_index", 0))) + 1


def show(state: SamplingState, prompt: Prompt) -> Path | None:
    """The generated text, coloured by probability; click (or pick a step number) to inspect/rewind."""
    ids = state.path_ids()
    if not ids:
        st.caption("Nothing generated yet: press **Step**, **Sample** or **Greedy**.")
        return None
    key, path = st.session_state.get(LAST_PATH, (None, None))
    if key != (prompt.ids, state.sampling(), state.seed, ids):
        path = cache.path(prompt.ids, state.sampling(), RunConfig(0, state.seed), ids)
    sel = state.at - 1 if state.at else None
    st.plotly_chart(figs.token_strip(path, selected=sel), key="samp_strip", on_select=_on_strip_select,
                    selection_mode="points", config={"displayModeBar": False})
    st.caption(f"{len(ids)} tokens · colour = probability of the picked token under your settings "
               "(green sure, red a long shot) · hover for the alternatives · click a token to inspect it, "
               "rewind, or branch.")
    return path


def inspect_control(path: Path | None) -> None:
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


def branch_controls(state: SamplingState, path: Path, top: TopTokens) -> None:
    """Rewind to before the inspected token, or replace it with one of the top alternatives."""
    i = state.at - 1
    st.markdown(f"Token #{state.at} was **{escape_md(repr(path.pieces[i]))}** (p_final {path.p_final[i]:.1%}, "
                f"model's rank {path.rank_base[i]}).")
    c1, c2 = st.columns([1, 3])
    c1.button("Rewind to before it", icon=":material/undo:", on_click=_rewind, args=(state.at,))
    pick = c2.pills("Branch: replace it with", top.alternatives(path.token_ids[i]),
                    format_func=lambda t: escape_md(repr(cache.piece(t))), key="samp_branch")
    if pick is not None:
        c2.button(f"Branch with {escape_md(repr(cache.piece(pick)))}", icon=":material/call_split:",
                  on_click=_rewind, args=(state.at, pick))
