"""Sections 2 and 3: one token through every layer (logit lens), and what RoPE does to q·k with distance."""
from __future__ import annotations

import streamlit as st

from explorer.core.markdown import escape_md
from explorer.inside import figures as F
from explorer.inside.lens import Lens
from explorer.inside.rope import RopeCurve
from pages.inside.forward_path import PLOT, token_options

P = "inside"


def lens_section(lens: Lens, tokens: tuple[str, ...]) -> None:
    """The logit-lens chart and the layers that changed the guess most."""
    st.markdown(
        "After every block, the token's vector is read **as if it were the last layer** (final norm, then "
        "unembedding, then softmax): the *logit lens*. Left: how long the vector is; middle: the probability "
        "of the model's final answer; right: that layer's top guesses. ◀ marks the three layers whose block "
        "moved the prediction most."
    )
    st.plotly_chart(F.lens_figure(lens, tokens[lens.position]), width="stretch", config=PLOT, key="inside_lens")
    final = lens.top_pieces[-1][0]
    first = next((i for i in range(len(lens.norms)) if all(r[0] == final for r in lens.top_pieces[i:])), None)
    moves = ", ".join(f"layer {int(i)} ({lens.shift[i]:.0%} of the probability moved)"
                      for i in lens.biggest_changes())
    st.markdown(f"Biggest changes: {moves}.")
    if first is not None:
        st.caption(f"The final answer {escape_md(repr(final))} is the top guess from layer {first} on; before "
                   "that the stream holds something the unembedding cannot read as this token yet.")


def rope_controls(tokens: tuple[str, ...]) -> None:
    """Which earlier token is the key of the RoPE curve."""
    options, _ = token_options(tokens)
    st.selectbox("Key token (the query is the token you follow)", options, key=f"{P}.key",
                 format_func=lambda i: "the token just before" if i < 0 else f"{i}: {tokens[i]!r}")


def rope_section(curve: RopeCurve, layer: int, head: int) -> None:
    """The q·k-vs-distance chart and what it shows."""
    st.markdown(
        "The notes say position is *added* to each word. In this model nothing is added: **RoPE** turns each "
        "pair of numbers in q and k by an angle that grows with the token's position, so q·k ends up depending "
        "on **how far apart** two tokens are. Below, the real query and key of the chosen tokens "
        f"(block {layer}, head {head}) are placed at every distance and scored."
    )
    st.plotly_chart(F.rope_figure(curve), width="stretch", config=PLOT, key="inside_rope")
    st.caption(
        f"In the text the two tokens are {curve.actual_distance} apart and the model's own score is "
        f"{curve.actual_score:.3f}; the curve gives {curve.score[curve.actual_distance]:.3f} there. Moving both "
        f"tokens further along (by 1, 37 or 300 positions) changes the score by at most {curve.shift_gap:.1e}: "
        "only the distance counts. Without RoPE the score would be "
        f"{curve.plain:.3f} at any distance, and the model could not tell word order apart."
    )
