"""Ensemble sandbox widgets: data in the sidebar, then the chosen method's parameters.

Every widget is keyed `ens.<field>` (see explorer.ensembles.state) and takes
no value=, so the URL seeds it through pages/shared/url_state.py.
"""
from __future__ import annotations

import streamlit as st

from explorer.ensembles import datasets
from explorer.ensembles.bagging_boosting import MAX_ADABOOST, MAX_BAGGING, MAX_GBOOST
from explorer.ensembles.llm_voting import BY_KEY, MAX_SAMPLES
from explorer.ensembles.voting import MEMBERS, TITLES

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
    source = st.sidebar.selectbox("Dataset", datasets.SOURCES, key="ens.data", format_func=DATA_LABELS.get)
    if source in datasets.SYNTHETIC:
        st.sidebar.slider("Points", 50, 2000, step=10, key="ens.n")
        st.sidebar.slider("Noise", 0.0, 1.0, step=0.05, key="ens.noise")
    else:
        if source == "csv":
            st.sidebar.file_uploader(
                f"CSV: numeric feature columns, the LAST column is the class label; up to "
                f"{datasets.MAX_ROWS:,} rows, {datasets.MAX_CSV_BYTES // 1_000_000} MB, "
                f"{datasets.MAX_CLASSES} classes.",
                type=["csv"], key="ens_csv", max_upload_size=datasets.MAX_CSV_BYTES // 1_000_000)
        st.sidebar.radio("Show the data through", ("pca", "features"), key="ens.proj", horizontal=True,
                         format_func={"pca": "first 2 principal components", "features": "two columns"}.get)
        columns = datasets.bundled_columns(source) if source != "csv" else ()
        if st.session_state.get("ens.proj") == "features" and columns:
            _clamp("ens.fx", len(columns) - 1, 0)
            _clamp("ens.fy", len(columns) - 1, 1)
            names = {i: c for i, c in enumerate(columns)}
            st.sidebar.selectbox("x feature", range(len(columns)), key="ens.fx", format_func=names.get)
            st.sidebar.selectbox("y feature", range(len(columns)), key="ens.fy", format_func=names.get)
        elif st.session_state.get("ens.proj") == "features":
            st.sidebar.number_input("x column #", 0, 99, key="ens.fx")
            st.sidebar.number_input("y column #", 0, 99, key="ens.fy")
    st.sidebar.slider("Test fraction", 0.1, 0.5, step=0.05, key="ens.test")
    st.sidebar.number_input("Seed", 0, 9999, key="ens.seed",
                            help="Drives the data, the split, bootstrap samples and LLM sampling.")
    with st.sidebar.expander("Display"):
        st.slider("Decision-region grid (points per axis)", 20, 200, step=10, key="ens.grid")


def member_controls(with_weights: bool) -> None:
    """Members to combine, each one's key parameter, and (voting) their weights."""
    st.multiselect("Members", MEMBERS, key="ens.members", format_func=TITLES.get)
    cols = st.columns(5)
    cols[0].number_input("LogReg C", 0.01, 100.0, key="ens.lr_c", help="Smaller C = stronger regularization.")
    cols[1].slider("Tree max depth (0 = unlimited)", 0, 20, key="ens.depth")
    cols[2].slider("k-NN neighbours k", 1, 50, key="ens.k")
    cols[3].number_input("SVC C", 0.01, 100.0, key="ens.svc_c")
    cols[4].slider("Naive Bayes log10 smoothing", -12.0, 0.0, step=1.0, key="ens.nb_s")
    if not with_weights:
        return
    members = st.session_state.get("ens.members") or []
    left, right = st.columns([1, 3])
    left.radio("Voting", ("soft", "hard"), key="ens.vote", horizontal=True,
               help="Soft: average the class probabilities. Hard: count the predicted labels.")
    if members:
        _clamp("ens.agree", len(members), len(members))
        left.slider("k of n must agree", 1, max(len(members), 2), key="ens.agree", disabled=len(members) < 2)
        wcols = right.columns(len(members))
        for col, m in zip(wcols, members):
            col.slider(f"weight {TITLES[m]}", 0.0, 5.0, step=0.5, key=f"ens.w_{m}")


def method_controls(view: str) -> None:
    """The chosen method's own parameters."""
    if view in ("voting", "stacking"):
        member_controls(with_weights=view == "voting")
    if view == "stacking":
        st.slider("Folds for out-of-fold predictions", 2, 10, key="ens.cv")
    elif view == "bagging":
        c1, c2 = st.columns(2)
        c1.slider(f"n_estimators (trees, cap {MAX_BAGGING})", 1, MAX_BAGGING, key="ens.bag_n")
        c2.slider("Tree max depth (0 = fully grown)", 0, 20, key="ens.bag_depth")
    elif view == "boosting":
        _boost_controls()
    elif view == "biasvar":
        st.slider("Resampled training sets", 2, 50, key="ens.bv_reps",
                  help="Each model is trained once per bootstrap resample of the training set.")
    elif view == "llm":
        _llm_controls()


def _boost_controls() -> None:
    kind = st.radio("Booster", ("adaboost", "gradient"), key="ens.boost", horizontal=True,
                    format_func={"adaboost": "AdaBoost (step through)", "gradient": "Gradient boosting"}.get)
    c1, c2, c3 = st.columns(3)
    if kind == "adaboost":
        n = c1.slider(f"n_estimators (cap {MAX_ADABOOST})", 1, MAX_ADABOOST, key="ens.ada_n")
        c2.slider("Learning rate", 0.01, 5.0, step=0.01, key="ens.ada_lr")
        c3.slider("Learner depth (1 = stump)", 1, 10, key="ens.ada_depth")
    else:
        n = c1.slider(f"n_estimators (cap {MAX_GBOOST})", 1, MAX_GBOOST, key="ens.gb_n")
        c2.slider("Learning rate", 0.01, 1.0, step=0.01, key="ens.gb_lr")
        c3.slider("Tree depth", 1, 10, key="ens.gb_depth")
    _clamp("ens.ada_step", n, n)
    st.slider("Step through: stage", 1, max(n, 2), key="ens.ada_step", disabled=n < 2)


def _llm_controls() -> None:
    with st.form("ens_llm_form", border=True):
        st.multiselect("Questions (each has one known answer)", tuple(BY_KEY), key="ens.llm_q",
                       format_func=lambda k: f"{BY_KEY[k].text}  → {BY_KEY[k].answer}")
        c1, c2 = st.columns(2)
        c1.slider(f"Samples per question N (cap {MAX_SAMPLES})", 1, MAX_SAMPLES, key="ens.llm_n")
        c2.slider("Temperature", 0.05, 2.0, step=0.05, key="ens.llm_t")
        st.form_submit_button("Sample and vote", type="primary")
