"""Ensemble sandbox: voting, bagging, boosting, stacking, bias/variance and LLM voting."""
import streamlit as st

from explorer.core.markdown import escape_md
from explorer.ensembles import datasets
from explorer.core.state import options
from explorer.ensembles.state import EnsemblesState, over_cap
from explorer.ensembles.voting import TITLES
from pages.ensembles import cache, controls, llm_voting, methods
from pages.shared.url_state import sync_widgets, write_url

RENDER = {"voting": methods.render_voting, "bagging": methods.render_bagging, "boosting": methods.render_boosting,
          "stacking": methods.render_stacking, "biasvar": methods.render_biasvar}

st.title("Ensemble sandbox")
st.markdown("Several models beat one when their mistakes differ. **Bagging** trains copies on bootstrap "
            "samples, **boosting** trains learners one after another on the previous ones' mistakes, "
            "**stacking** feeds members' outputs to a meta-learner, and **voting** combines them directly. "
            "Every number below is computed live with scikit-learn on the data in the sidebar.")
for message in over_cap({k: st.query_params.get_all(k) for k in st.query_params}):
    st.warning(message)

sync_widgets(EnsemblesState, "ens")
controls.data_controls()
view = st.segmented_control("Method", options(EnsemblesState, "view"), key="ens.view", format_func=controls.VIEW_LABELS.get, required=True)
controls.method_controls(view or "voting")
state = write_url(EnsemblesState, "ens")


def _dataset():
    """(DataConfig, CSV bytes or None, Dataset) or None after showing why not."""
    try:
        cfg = datasets.DataConfig(state.data, state.n, state.noise, state.seed, state.test, state.proj,
                                  state.fx, state.fy)
    except ValueError as err:
        st.error(f"Bad data settings: {escape_md(err)}")
        return None
    csv = None
    if state.data == "csv":
        upload = st.session_state.get("ens_csv")
        if upload is None:
            st.info("Upload a CSV in the sidebar: numeric feature columns, the class label in the last "
                    f"column, at most {datasets.MAX_ROWS:,} rows and {datasets.MAX_CSV_BYTES // 1_000_000} MB.")
            return None
        csv = upload.getvalue()
    try:
        data = cache.dataset(cfg, csv)
    except ValueError as err:
        st.error(f"Cannot use this data: {escape_md(err)}")
        return None
    return cfg, csv, data


if state.view == "llm":
    llm_voting.render_llm(state)
elif (loaded := _dataset()) is not None:
    cfg, csv, data = loaded
    st.caption(f"{len(data.x_train)} training and {len(data.x_test)} test points, {data.n_classes} classes, "
               f"axes: {escape_md(' / '.join(data.axis_names))} (standardized). {escape_md(data.note)}")
    if state.view in ("voting", "stacking") and not state.members:
        st.warning("Pick at least one member to combine.")
    elif state.view == "voting" and sum(state.weights()) == 0:
        st.error("All member weights are zero: give at least one member a weight above 0.")
    else:
        try:
            RENDER[state.view](state, cfg, csv, data)
        except ValueError as err:
            st.error(f"Cannot run {controls.VIEW_LABELS[state.view]} on this data: {escape_md(err)}")
st.caption(f"Members: {', '.join(TITLES.values())}. Share this view: copy the URL.")
