"""Search and answer: exact against approximate search, recall@k and time on the same queries."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.rag import figures
from explorer.rag.index import HNSW_M, KIND_TITLES, compare
from explorer.rag.library import Library
from explorer.rag.state import RagState
from pages.rag import cache


def _this_question(lib: Library, question: str, state: RagState) -> pd.DataFrame:
    """The question's top-k headings from each index, side by side."""
    qvec = cache.question_vector(question, state.control)
    cmp = compare(lib.indexes, qvec[None], state.k, nprobe=state.nprobe, ef_search=state.ef)
    cols = {KIND_TITLES[kind]: [lib.chunks.headings[r] if r >= 0 else "(nothing)"
                                for r in rows[0]] for kind, rows in cmp.rows.items()}
    return pd.DataFrame(cols, index=pd.RangeIndex(1, cmp.k + 1, name="rank"))


def index_panel(state: RagState, lib_key: str, lib: Library, question: str | None) -> None:
    """Metrics for the current knobs, the recall / time sweep, and this question's lists."""
    cmp = compare(lib.indexes, lib.query_vectors, state.k, nprobe=state.nprobe, ef_search=state.ef)
    cols = st.columns(3)
    cols[0].metric("Exact (flat): µs per query", f"{cmp.ms_per_query['flat'] * 1000:.0f}",
                   help="Compares the query with every chunk vector.")
    for col, kind, knob in ((cols[1], "ivf", f"nprobe={state.nprobe} of {lib.indexes.nlist} cells"),
                            (cols[2], "hnsw", f"M={HNSW_M}, efSearch={state.ef}")):
        col.metric(f"{KIND_TITLES[kind]} ({knob}): recall@{cmp.k}", f"{cmp.recall[kind]:.2f}",
                   delta=f"{cmp.ms_per_query[kind] * 1000:.0f} µs per query", delta_color="off", delta_arrow="off")
    st.caption(f"Measured on {cmp.n_queries} queries (the preset questions and the section "
               "headings), each searched one at a time; recall@k is the share of the exact "
               "top-k that the approximate index also returned.")
    st.plotly_chart(figures.sweep_figure(cache.sweeps(lib_key, cmp.k, lib), cmp.k), width="stretch",
                    key="rag_sweep")
    st.caption(f"With {len(lib.chunks):,} chunks, exact search takes microseconds: approximate "
               "indexes pay off at millions of vectors, where scanning them all is too slow. "
               "Their price is recall, as the curve shows.")
    if question:
        st.markdown("**This question's top-k from each index**")
        st.dataframe(_this_question(lib, question, state), width="stretch")
