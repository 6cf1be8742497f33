"""The Ensemble sandbox's cached datasets and studies (one per method), and LLM voting runs (local or engine)."""
from __future__ import annotations

import streamlit as st

from explorer.core.engine import EngineSettings
from explorer.ensembles import datasets
from explorer.ensembles.bagging_boosting import BaggingResult, BoostResult, bagging_study, boosting_study
from explorer.ensembles.llm_voting import BY_KEY, QuestionRun, run_question, sample_question
from explorer.ensembles.stacking import BiasVarianceResult, StackResult, bias_variance, stacking_study
from explorer.ensembles.voting import VotingResult, voting_study
from pages.shared import model_cache
from pages.shared.engine_client import engine


def _data(cfg, csv: bytes | None) -> datasets.Dataset:
    """The page's Dataset: a generated/bundled set, or the uploaded CSV's bytes."""
    return datasets.load_csv(csv, cfg) if csv is not None else datasets.make_dataset(cfg)


@st.cache_data(show_spinner=False, max_entries=16)
def dataset(cfg, csv: bytes | None = None) -> datasets.Dataset:
    """The Dataset for a DataConfig (and CSV bytes when the source is csv)."""
    return _data(cfg, csv)


@st.cache_data(show_spinner=False, max_entries=16)
def voting(cfg, csv: bytes | None, members, vote, grid) -> VotingResult:
    """Five members, their votes and the ensemble's regions."""
    return voting_study(_data(cfg, csv), members, vote, grid)


@st.cache_data(show_spinner=False, max_entries=16)
def bagging(cfg, csv: bytes | None, bag, grid) -> BaggingResult:
    """Bootstraps, out-of-bag curve and regions."""
    return bagging_study(_data(cfg, csv), bag, grid)


@st.cache_data(show_spinner=False, max_entries=4)  # up to ~30 MB each: 200 AdaBoost stages, 200x200 grid, 4,500 rows
def boosting(cfg, csv: bytes | None, boost, grid) -> BoostResult:
    """AdaBoost / gradient-boosting stages."""
    return boosting_study(_data(cfg, csv), boost, grid)


@st.cache_data(show_spinner=False, max_entries=16)
def stacking(cfg, csv: bytes | None, members, stack, grid) -> StackResult:
    """Out-of-fold predictions and the meta-learner."""
    return stacking_study(_data(cfg, csv), members, stack, grid)


@st.cache_data(show_spinner=False, max_entries=16)
def biasvar(cfg, csv: bytes | None, bv, grid) -> BiasVarianceResult:
    """Bias and variance over repeated samples."""
    return bias_variance(_data(cfg, csv), bv, grid)


# LLM voting: a QuestionRun at the caps (20 replies of 12 tokens) pickles to about 2 KB (9 KB if
# every token is a long word), so each LLM cache holds at most about 2.3 MB. Every run is bounded: 12 built-in questions, at most
# 20 samples x (about 45 prompt + 12 new tokens) on this server.
@st.cache_data(show_spinner=False, max_entries=256)
def llm_question(key: str, cfg) -> QuestionRun:
    """SmolLM2 sampled cfg.n_samples times on one built-in question."""
    model, tok = model_cache.causal_lm().obj
    return sample_question(model, tok, BY_KEY[key], cfg, device=model_cache.device())


@st.cache_data(show_spinner=False, max_entries=256)
def llm_question_engine(key: str, cfg, settings: EngineSettings) -> QuestionRun:
    """The engine sampled cfg.n_samples times (requests sent at once) on one built-in question."""
    return run_question(engine(settings), BY_KEY[key], cfg)
