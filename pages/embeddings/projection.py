"""Embedding space page: projection controls, the projected scatter, export."""
from __future__ import annotations

import html

import numpy as np
import streamlit as st

from explorer.core.markdown import escape_md
from explorer.core.projections import CAPS, Projection
from explorer.embeddings import figures
from explorer.embeddings.presets import coords_csv
from explorer.embeddings.state import EmbeddingsState
from pages.embeddings import cache
from pages.shared import url_state

METHOD_LABELS = {"pca": "PCA", "umap": "UMAP", "tsne": "t-SNE"}
PNG = {"toImageButtonOptions": {"format": "png", "filename": "embedding-space", "scale": 2}}


def projection_controls(state) -> None:
    """Sidebar: method, 2-D/3-D, the method's knobs, metric and seed."""
    with st.sidebar:
        st.subheader("Projection")
        st.radio("Method", list(METHOD_LABELS), format_func=METHOD_LABELS.get,
                 key="emb.method", horizontal=True,
                 help=f"PCA is linear and instant. UMAP (up to {CAPS['umap']:,} points here) and "
                      f"t-SNE (up to {CAPS['tsne']:,}) bend space to keep neighbours together.")
        st.radio("Dimensions", [2, 3], key="emb.dims", horizontal=True)
        if state.method == "umap":
            url_state.slider(st, "n_neighbors", EmbeddingsState, "emb", "n_neighbors",
                             help="Small: local clusters. Large: more global shape.")
            url_state.slider(st, "min_dist", EmbeddingsState, "emb", "min_dist", step=0.05)
        if state.method == "tsne":
            url_state.slider(st, "perplexity", EmbeddingsState, "emb", "perplexity", step=1.0)
        st.radio("Distance", ["cosine", "euclidean"], key="emb.metric", horizontal=True,
                 help="Used for neighbours, UMAP / t-SNE and the trust score.")
        url_state.number_input(st, "Seed", EmbeddingsState, "emb", "seed", step=1,
                        help="Same seed + same settings = the same picture (and the same link). "
                             "UMAP and the background sample change with it; t-SNE starts "
                             "from PCA here, so its picture does not.")


@st.fragment(run_every=2)
def _umap_progress(warm) -> None:
    """Poll the background warm-up and rerun the page once UMAP is usable."""
    if warm.ready or warm.failed:
        st.rerun()
    st.progress(min(warm.elapsed() / 30, 0.99),
                text=f"UMAP is compiling in the background: {warm.elapsed():.0f} s so far "
                     "(10-50 s once per server, depending on load). Showing PCA until it is ready.")


def effective_method(state, n_points: int) -> str:
    """UMAP only once its warm-up finished; PCA meanwhile, with progress shown.

    The warm-up (numba compiling UMAP, about 150 MB) starts the first time anyone asks for
    UMAP on this server, not on every first visit to the page.
    """
    if state.method != "umap":
        return state.method
    warm = cache.umap_warmup()
    if n_points > 4_096 and warm.ready and not warm.large_done.is_set():
        st.caption("UMAP is still compiling its large-data path in the background: a first fit "
                   "above 4,096 points may wait for it.")
    if warm.ready:
        return state.method
    if warm.failed:
        st.warning(f"UMAP is unavailable on this server ({escape_md(warm.error)}); showing PCA.")
    else:
        _umap_progress(warm)
    return "pca"


def project(x: np.ndarray, state, keep: tuple[int, ...] = ()) -> Projection:
    """Cached projection with the page's settings and progress for slow methods."""
    method = effective_method(state, len(x))
    label = f"{METHOD_LABELS[method]} of {len(x):,} points in {state.dims}-D..."
    with st.spinner(label, show_time=True):
        return cache.project(x, method, state.dims, state.seed, state.n_neighbors,
                             state.min_dist, state.perplexity, state.metric, keep)


def show_projection(proj: Projection, labels: list[str], groups: list[str], focus: np.ndarray | None,
                    name: str, key: str, text_len: int = 60) -> str | None:
    """Draw the scatter with its honesty notes and exports; return a clicked label.

    focus: [point] bool, True for named points (None: every point is named).
    """
    shown = [labels[i] for i in proj.rows]
    fig = figures.projection_figure(proj.coords, shown, [groups[i] for i in proj.rows],
                                    None if focus is None else focus[proj.rows], text_len=text_len)
    event = st.plotly_chart(fig, width="stretch", config=PNG, key=key,
                            on_select="rerun" if proj.coords.shape[1] == 2 else "ignore",
                            selection_mode="points")
    _honesty(proj)
    csv = coords_csv(tuple(shown), proj.coords, tuple(groups[i] for i in proj.rows))
    st.download_button("Download coordinates (CSV)", csv, f"{name}-coordinates.csv", "text/csv",
                       key=f"{key}.csv", icon=":material/download:")
    st.caption("PNG: use the camera icon in the chart's top-right toolbar.")
    return _clicked(event, fig)


def _clicked(event, fig) -> str | None:
    """The (escaped) name of the first clicked point, if any (2-D only)."""
    points = getattr(getattr(event, "selection", None), "points", None) or []
    for point in points:
        curve, index = point.get("curve_number"), point.get("point_index")
        if isinstance(curve, int) and isinstance(index, int) and curve < len(fig.data):
            names = fig.data[curve].hovertext
            if names is not None and index < len(names):
                return html.unescape(str(names[index]))
    return None


def _honesty(proj: Projection) -> None:
    """How much the picture lies: sampling, fallbacks and the trust score."""
    for note in proj.notes:
        st.info(note, icon=":material/info:")
    cols = st.columns(3)
    cols[0].metric("Points shown", f"{proj.shown:,} of {proj.total:,}")
    if proj.trust is None:
        cols[1].metric("Trustworthiness", "n/a", help="Needs at least 3 points.")
    else:
        cols[1].metric("Trustworthiness", f"{proj.trust:.3f}",
                       help=f"1.0 means every point's {proj.trust_k} nearest neighbours in the "
                            f"picture were also near it in the original space; lower means the "
                            f"picture invents neighbours. Computed on {proj.trust_points:,} points.")
    cols[2].metric(f"{METHOD_LABELS[proj.method]} time", f"{proj.seconds:.2f} s")
    if proj.explained is not None and proj.explained.sum() > 0:
        st.caption("PCA keeps " + ", ".join(f"{v:.0%}" for v in proj.explained)
                   + f" of the variance on its axes ({proj.explained.sum():.0%} in total); "
                     "the rest of the original dimensions is flattened away.")
