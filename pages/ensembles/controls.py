"""Ensemble sandbox widgets: data in the sidebar, then the chosen method's parameters.

Every widget is keyed `ens.<field>` (see explorer.ensembles.state) and takes
no value=, so the URL seeds it through pages/shared/url_state.py.
"""
from __future__ import annotations

import streamlit as st

from explorer.core.state import options
from explorer.ensembles import datasets
from explorer.ensembles.bagging_boosting import MAX_ADABOOST, MAX_BAGGING, MAX_GBOOST
from explorer.ensembles.llm_voting import BY_KEY, MAX_SAMPLES
from explorer.ensembles.state import EnsemblesState as ES
from explorer.ensembles.voting import TITLES
from pages.shared.url_state import number_input, slider

DATA_LABELS = {"moons": "Two moons", "circles": "Circles", "xor": "XOR", "blobs": "Three blobs",
               "iris": "Iris (sklearn)", "wine": "Wine (sklearn)", "breast_cancer": "Breast cancer (sklearn)",
               "digits": "Digits 8x8 (sklearn)", "csv": "Upload a CSV"}
VIEW_LABELS = {"voting": "Voting", "bagging": "Bagging", "boosting": "Boosting", "stacking": "Stacking",
               "biasvar": "Bias & variance", "llm": "LLM voting"}


def _clamp(key: str, hi: int, fallback: int) -> None:
    """Selectbox/slider values from a URL may exceed what this data allows: pull them back in."""
    if st.session_state.get(key, 0) > hi:
        st.session_state[key] = min(fallback, hi)


def data_controls() -> None:
    """Sidebar: dataset, its knobs, the split and the seed."""
    st.sidebar.header("Data")
    source = st.sidebar.selectbox("Dataset", options(ES, "data"), key="ens.data", format_func=DATA_LABELS.get)
    if source in datasets.SYNTHETIC:
        slider(st.sidebar, "Points", ES, "ens", "n", step=10)
        slider(st.sidebar, "Noise", ES, "ens", "noise", step=0.05)
    else:
        if source == "csv":
            st.sidebar.file_uploader(
                f"CSV: numeric feature columns, the LAST column is the class label; up to "
                f"{datasets.MAX_ROWS:,} rows, {datasets.MAX_CSV_BYTES // 1_000_000} MB, "
                f"{datasets.MAX_CLASSES} classes.",
                type=["csv"], key="ens_csv", max_upload_size=datasets.MAX_CSV_BYTES // 1_000_000)
        st.sidebar.radio("Show the data through", options(ES, "proj"), key="ens.proj", horizontal=True,
                         format_func={"pca": "first 2 principal components", "features": "two columns"}.get)
        columns = datasets.bundled_columns(source) if source != "csv" else ()
        if st.session_state.get("ens.proj") == "features" and columns:
            _clamp("ens.fx", len(columns) - 1, 0)
            _clamp("ens.fy", len(columns) - 1, 1)
            names = {i: c for i, c in enumerate(columns)}
            st.sidebar.selectbox("x feature", range(len(columns)), key="ens.fx", format_func=names.get)
            st.sidebar.selectbox("y feature", range(len(columns)), key="ens.fy", format_func=names.get)
        elif st.session_state.get("ens.proj") == "features":
            number_input(st.sidebar, "x column #", ES, "ens", "fx")
            number_input(st.sidebar, "y column #", ES, "ens", "fy")
    slider(st.sidebar, "Test fraction", ES, "ens", "test", step=0.05)
    number_input(st.sidebar, "Seed", ES, "ens", "seed",
                 help="Drives the data, the split, bootstrap samples and LLM sampling.")
    with st.sidebar.expander("Display"):
        slider(st, "Decision-region grid (points per axis)", ES, "ens", "grid", step=10)


def member_controls(with_weights: bool) -> None:
    """Members to combine, each one's key parameter, and (voting) their weights."""
    st.multiselect("Members", options(ES, "members"), key="ens.members", format_func=TITLES.get)
    cols = st.columns(5)
    number_input(cols[0], "LogReg C", ES, "ens", "lr_c", help="Smaller C = stronger regularization.")
    slider(cols[1], "Tree max depth (0 = unlimited)", ES, "ens", "depth")
    slider(cols[2], "k-NN neighbours k", ES, "ens", "k")
    number_input(cols[3], "SVC C", ES, "ens", "svc_c")
    slider(cols[4], "Naive Bayes log10 smoothing", ES, "ens", "nb_s", step=1.0)
    if not with_weights:
        return
    members = st.session_state.get("ens.members") or []
    left, right = st.columns([1, 3])
    left.radio("Voting", options(ES, "vote"), key="ens.vote", horizontal=True,
               help="Soft: average the class probabilities. Hard: count the predicted labels.")
    if members:
        _clamp("ens.agree", len(members), len(members))
        left.slider("k of n must agree", 1, max(len(members), 2), key="ens.agree", disabled=len(members) < 2)
        wcols = right.columns(len(members))
        for col, m in zip(wcols, members):
            slider(col, f"weight {TITLES[m]}", ES, "ens", f"w_{m}", step=0.5)


def method_controls(view: str) -> None:
    """The chosen method's own parameters."""
    if view in ("voting", "stacking"):
        member_controls(with_weights=view == "voting")
    if view == "stacking":
        slider(st, "Folds for out-of-fold predictions", ES, "ens", "cv")
    elif view == "bagging":
        c1, c2 = st.columns(2)
        slider(c1, f"n_estimators (trees, cap {MAX_BAGGING})", ES, "ens", "bag_n")
        slider(c2, "Tree max depth (0 = fully grown)", ES, "ens", "bag_depth")
    elif view == "boosting":
        _boost_controls()
    elif view == "biasvar":
        slider(st, "Resampled training sets", ES, "ens", "bv_reps",
               help="Each model is trained once per bootstrap resample of the training set.")
    elif view == "llm":
        _llm_controls()


def _boost_controls() -> None:
    kind = st.radio("Booster", options(ES, "boost"), key="ens.boost", horizontal=True,
                    format_func={"adaboost": "AdaBoost (step through)", "gradient": "Gradient boosting"}.get)
    c1, c2, c3 = st.columns(3)
    if kind == "adaboost":
        n = slider(c1, f"n_estimators (cap {MAX_ADABOOST})", ES, "ens", "ada_n")
        slider(c2, "Learning rate", ES, "ens", "ada_lr", step=0.01)
        slider(c3, "Learner depth (1 = stump)", ES, "ens", "ada_depth")
    else:
        n = slider(c1, f"n_estimators (cap {MAX_GBOOST})", ES, "ens", "gb_n")
        slider(c2, "Learning rate", ES, "ens", "gb_lr", step=0.01)
        slider(c3, "Tree depth", ES, "ens", "gb_depth")
    _clamp("ens.ada_step", n, n)
    st.slider("Step through: stage", 1, max(n, 2), key="ens.ada_step", disabled=n < 2)


def _llm_controls() -> None:
    with st.form("ens_llm_form", border=True):
        st.multiselect("Questions (each has one known answer)", options(ES, "llm_q"), key="ens.llm_q",
                       format_func=lambda k: f"{BY_KEY[k].text}  → {BY_KEY[k].answer}")
        c1, c2 = st.columns(2)
        slider(c1, f"Samples per question N (cap {MAX_SAMPLES})", ES, "ens", "llm_n")
        slider(c2, "Temperature", ES, "ens", "llm_t", step=0.05)
        st.form_submit_button("Sample and vote", type="primary")
