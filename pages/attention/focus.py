"""Where the explained token looks, layer by layer, and what the study notes claimed about it."""
from __future__ import annotations

import streamlit as st

from explorer.attention import figures
from explorer.attention.extract import Attention, sink_positions
from explorer.attention.focus import Cell, Focus, focus
from explorer.core.markdown import escape_md
from pages.attention.charts import show_chart


def token_md(token: str) -> str:
    """A token as literal markdown text (its spaces trimmed; a blank token shown as it is)."""
    return escape_md(token.strip() or token)


def show(att: Attention, state, cell: Cell, model_name: str) -> None:
    """The query's row per layer (mean of heads), its top keys, and how the notes' target ranks."""
    model_name = escape_md(model_name)
    if cell.claim and cell.target >= 0:
        st.markdown(f"{cell.claim} What {model_name} actually does, measured:")
    f = focus(att, cell.query, cell.target)
    hidden = sink_positions(att) if state.sinks else None
    show_chart(figures.focus_figure(f.per_layer, att.tokens, cell.query, hidden), "attn_focus")
    top = ", ".join(f"**{token_md(t)}** {w:.1%}" for t, w in f.ranked[:4])
    st.markdown(f"Averaged over all heads and layers, {model_name}'s token "
                f"**{token_md(att.tokens[cell.query])}** (position {cell.query}) looks most at: "
                f"{top} (sink tokens left out).")
    if cell.target >= 0:
        _target(att, f, cell)


def _target(att: Attention, f: Focus, cell: Cell) -> None:
    """How the notes' target word ranks, or why its weight says nothing."""
    who = token_md(att.tokens[cell.target])
    if f.target_rank == 0 and att.causal and cell.target > cell.query:
        st.info(f"**{who}** comes later in the text: a decoder's token cannot look ahead, so its weight is 0.")
    elif f.target_rank == 0:
        st.info(f"**{who}** is position {cell.target}, a sink token: nearly every token puts a large weight "
                "there whatever it means, so that weight is not evidence of reference.")
    else:
        st.markdown(f"**{who}** ranks **#{f.target_rank}** ({f.target_weight:.1%} on average). The single head "
                    f"that looks at it most is layer {f.best_head[0]}, head {f.best_head[1]} "
                    f"with {f.best_head_weight:.1%}.")
