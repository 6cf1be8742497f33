"""Show the work for one cell: q·k, the model's real scaling, positions and masks, the softmax row by hand."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.attention import figures, work_text
from explorer.core.markdown import escape_md
from pages.attention import cache
from pages.attention.charts import show_chart

EXACT_HELP = ("The row above is recomputed from the run's float32 hidden states, with no second pass, and "
              "compared with the weights kept for display (float16). This runs the model once more to "
              "compare with its own float32 weights.")


def show(key: cache.RunKey, state, query: int, cell_key: int, q_tokens: tuple[str, ...],
         k_tokens: tuple[str, ...]) -> None:
    """The steps and the softmax row for (layer, head, query), with real numbers, beside the model's own."""
    exact = st.toggle("Compare with the model's float32 weights (one more forward pass)", key="attn_exact",
                      help=EXACT_HELP)
    try:
        with st.spinner("Running the model once more for its float32 weights..." if exact else "Recomputing..."):
            work = cache.work(key, state.layer, state.head, query, exact)
    except (ValueError, RuntimeError) as err:
        st.info(f"Show-the-work is not available here: {escape_md(err)}")
        return
    st.markdown(work_text.explain(work, state.layer, state.head, query, cell_key, q_tokens[query],
                                  k_tokens[cell_key], exact))
    show_chart(figures.work_figure(k_tokens, work.weights, work.model_weights, query, cell_key,
                                   query_token=q_tokens[query]), "attn_work")
    table = pd.DataFrame({"key": [f"{i} {t}" for i, t in enumerate(k_tokens)], "q·k": work.dots,
                          "score": work.scores, "softmax (by hand)": work.weights,
                          "model weight": work.model_weights})
    if work.bias is not None:
        table.insert(2, "position bias", work.bias)
    with st.expander("Every number in this row"):
        st.caption(f"{escape_md(work_text.formula(work))}. q (first 8 of {work.q.shape[0]}): "
                   + ", ".join(f"{v:.3f}" for v in work.q[:8]))
        st.dataframe(table, hide_index=True, width="stretch")
