"""Search and answer, step 3: the question's top-k chunks, highlighted, and where they sit on the map."""
from __future__ import annotations

import html

import streamlit as st

from explorer.rag import figures
from explorer.rag.export import chunks_csv
from explorer.rag.index import KIND_TITLES
from explorer.rag.library import Library
from explorer.rag.retrieval import Retrieval, highlight_html, question_terms, retrieve
from explorer.rag.state import RagState
from pages.rag import cache
from pages.shared.url_state import number_input, slider

BOX = ("<div style='white-space:pre-wrap;font-size:0.85rem;line-height:1.35;max-height:16rem;"
       "overflow-y:auto;border:1px solid #e5e7eb;border-radius:6px;padding:0.5rem 0.7rem'>{}</div>")


def _search_controls(lib: Library) -> None:
    cols = st.columns([2, 1, 1, 1])
    cols[0].radio("Search with", list(KIND_TITLES), format_func=KIND_TITLES.get, key="rag.index",
                  horizontal=True, help="The index whose top-k goes into the prompt. Exact is "
                                        "the reference; IVF and HNSW may miss a chunk.")
    slider(cols[1], "IVF nprobe", RagState, "rag", "nprobe",
                   help=f"Cells searched, of {lib.indexes.nlist}. All cells = exact.")
    slider(cols[2], "HNSW efSearch", RagState, "rag", "ef", help="Candidates kept during the walk.")
    number_input(cols[3], "Random-chunks seed", RagState, "rag", "seed", step=1,
                 help="Which random chunks the control answer gets.")


def _chunk_cards(lib: Library, retrieval: Retrieval, terms: tuple[str, ...]) -> None:
    for rank, (row, score) in enumerate(zip(retrieval.rows, retrieval.scores), 1):
        heading = html.escape(lib.chunks.headings[row])
        st.html(f"<div style='margin-top:0.4rem'><b>{rank}. {heading}</b> "
                f"<span style='color:#6b7280'>cosine {float(score):.3f} · "
                f"{int(lib.chunks.words[row])} words</span></div>"
                + BOX.format(highlight_html(lib.chunks.texts[row], terms)))


def _map(lib_key: str, lib: Library, question: str, control: str, retrieval: Retrieval) -> None:
    proj = cache.project(lib_key, question, control, lib)
    n = len(lib.chunks)
    roles = ["chunk"] * n + ["question"]
    for row in retrieval.random_rows:
        roles[row] = "random"
    for row in retrieval.rows:
        roles[row] = "retrieved"
    names = [f"{h}: {t[:80]}" for h, t in zip(lib.chunks.headings, lib.chunks.texts)] + [question]
    shown = [roles[r] for r in proj.rows]
    st.plotly_chart(figures.map_figure(proj.coords, [names[r] for r in proj.rows], shown),
                    width="stretch", key="rag_map")
    trust = f"{proj.trust:.2f}" if proj.trust is not None else "n/a"
    st.caption(f"Every chunk's 384-number MiniLM vector squeezed to 2-D with PCA (the Embedding "
               f"page's projection code). Trustworthiness {trust}: the map bends distances, the "
               "search does not; it ranks by cosine in all 384 dimensions.")


def retrieval_panel(state: RagState, lib_key: str, lib: Library, question: str) -> Retrieval:
    """Search the chosen index, show the chunks, the scores, the map and the CSV download."""
    _search_controls(lib)
    qvec = cache.question_vector(question, state.control)
    retrieval = retrieve(lib.indexes, lib.vectors, qvec, min(state.k, len(lib.chunks)),
                         seed=state.seed, kind=state.index, nprobe=state.nprobe, ef_search=state.ef)
    if len(retrieval.rows) < min(state.k, len(lib.chunks)):
        st.warning(f"{KIND_TITLES[state.index]} found only {len(retrieval.rows)} chunk(s): "
                   "with few cells probed, IVF can come back short. Raise nprobe.")
    terms = question_terms(question)
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**Top {len(retrieval.rows)} chunks** ({KIND_TITLES[state.index]}, "
                    f"{retrieval.ms * 1000:.0f} µs). Question words are highlighted.")
        _chunk_cards(lib, retrieval, terms)
    with right:
        _map(lib_key, lib, question, state.control, retrieval)
        st.plotly_chart(figures.scores_figure(
            retrieval.scores, retrieval.random_scores,
            [lib.chunks.headings[r] for r in retrieval.rows],
            [lib.chunks.headings[r] for r in retrieval.random_rows]), width="stretch", key="rag_scores")
        found, rand = retrieval.mean_scores
        st.caption(f"Random chunks (seed {state.seed}) are the control: as many chunks in the "
                   f"prompt, unrelated content. Mean cosine {rand:.2f} against {found:.2f}.")
    st.download_button("Download retrieved and random chunks (CSV)", chunks_csv(lib.chunks, retrieval),
                       "rag_chunks.csv", "text/csv", key="rag_chunks_csv")
    return retrieval
