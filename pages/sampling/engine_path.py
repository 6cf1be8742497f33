"""Sampling lab on an engine: which engine runs, the buttons that grow its text, and its token strip."""
from __future__ import annotations

import streamlit as st

from explorer.core.engine import EngineError, EngineSettings
from explorer.core.markdown import escape_md
from explorer.core.state import options
from explorer.sampling import engine_figures, engine_lab
from explorer.sampling.engine_lab import MAX_ENGINE_TEXT, EnginePath
from explorer.sampling.state import SamplingState
from pages.sampling import cache
from pages.shared import engine_client

P = "samp"
SEGMENTS = "_samp_engine_segments"  # transient: (context, text before, [EnginePath]) made this session
RUN_LABELS = {"auto": "the engine when one is set", "local": "this server's model (PyTorch)",
              "engine": "the engine"}


def _use_local() -> None:
    st.session_state[f"{P}.run_on"] = "local"


def offer_local(why: str, key: str) -> None:
    """Say what the engine cannot show and offer the local model, which can."""
    st.info(f"{why} The engine only reports its top tokens; this server's own SmolLM2 shows everything.")
    st.button("Use this server's model", icon=":material/memory:", on_click=_use_local, key=key)


def engine_error(err: Exception) -> None:
    """An engine failure as a clear message, with the way back to the local model."""
    st.error(escape_md(str(err)))
    st.button("Use this server's model instead", icon=":material/memory:", on_click=_use_local, key="samp_local_err")


def pick(state: SamplingState) -> EngineSettings | None:
    """The engine to use (None = this server's model), after the sidebar's "Run on" switch."""
    try:
        settings = engine_client.engine_settings()
    except ValueError as err:
        st.error(f"The engine setting is unusable: {escape_md(err)}. Using this server's model.")
        return None
    if settings is None:
        if state.run_on == "engine":
            st.warning("No engine is configured on this server (set EXPLORER_ENGINE_URL, see the README); "
                       "using this server's model.")
        return None
    st.sidebar.radio("Run on", options(SamplingState, "run_on"), key=f"{P}.run_on", format_func=RUN_LABELS.get,
                     help=f"Engine: {escape_md(settings.url)}. It samples with your settings and reports its top "
                          f"{settings.logprobs} tokens per step.")
    if st.session_state.get(f"{P}.run_on") == "local":
        return None
    st.caption(f"Tokens are drawn by the engine at {escape_md(settings.host)} with your settings; it reports "
               f"its top {settings.logprobs} tokens per step. Switch **Run on** in the sidebar for this "
               "server's own model.")
    return settings


def _recorded(context: str, etext: str) -> tuple[str, list[EnginePath]]:
    """(text from before this session's records, the paths recorded after it) for this context."""
    known_context, base, paths = st.session_state.get(SEGMENTS, (None, "", []))
    if known_context == context and base + "".join(p.text for p in paths) == etext:
        return base, paths
    return etext, []


def _grow(settings: EngineSettings, state: SamplingState, context: str, n: int, greedy: bool) -> None:
    cfg = state.sampling().as_greedy() if greedy else state.sampling()
    try:
        with st.spinner(f"The engine is generating {n} token(s)..."):
            path = cache.engine_path(settings, context + state.etext, cfg, n, state.seed)
    except EngineError as err:
        st.session_state["_samp_engine_error"] = err
        return
    base, paths = _recorded(context, state.etext)
    if len(state.etext + path.text) <= MAX_ENGINE_TEXT:
        st.session_state[SEGMENTS] = (context, base, paths + [path])
        st.session_state[f"{P}.etext"] = state.etext + path.text
    if path.finish == "stop":
        st.toast("The model ended its answer (end-of-sequence token).")


def buttons(settings: EngineSettings, state: SamplingState, context: str) -> None:
    """Step / Sample / Greedy / Clear on the engine's text; they change it before the URL is written."""
    cols = st.columns([1, 1, 1, 1, 2])
    full = len(state.etext) >= MAX_ENGINE_TEXT
    if cols[0].button("Step", icon=":material/skip_next:", disabled=full, help="One token, drawn by the engine"):
        _grow(settings, state, context, 1, greedy=False)
    if cols[1].button(f"Sample {state.n_new}", icon=":material/casino:", disabled=full):
        _grow(settings, state, context, state.n_new, greedy=False)
    if cols[2].button(f"Greedy {state.n_new}", icon=":material/trending_flat:", disabled=full,
                      help="Temperature 0 on the engine (penalties still apply)"):
        _grow(settings, state, context, state.n_new, greedy=True)
    if cols[3].button("Clear", icon=":material/restart_alt:"):
        st.session_state[f"{P}.etext"], st.session_state[SEGMENTS] = "", (None, "", [])
    if full:
        cols[4].warning(f"The text holds its maximum of {MAX_ENGINE_TEXT:,} characters; clear to go on.")


def show(state: SamplingState, context: str) -> EnginePath | None:
    """The engine's text: a coloured token strip for what this session generated, plain text before it."""
    err = st.session_state.pop("_samp_engine_error", None)
    if err is not None:
        engine_error(err)
    if not state.etext:
        st.caption("Nothing generated yet: press **Step**, **Sample** or **Greedy** (the engine draws).")
        return None
    base, paths = _recorded(context, state.etext)
    if base:
        st.code(base, language=None, wrap_lines=True)
        st.caption("Text restored from the link. The engine reports per-token probabilities only as it "
                   "generates: press Step or Sample to see them for new tokens.")
    if not paths:
        return None
    path = engine_lab.join(paths)
    st.plotly_chart(engine_figures.engine_strip(path), key="samp_engine_strip", config={"displayModeBar": False})
    st.caption(f"{len(path.pieces)} tokens from {escape_md(path.where)} · colour = the raw model's probability "
               "of each drawn token (green sure, red a long shot) · hover for the engine's top alternatives.")
    return path
