"""Playground drawing canvas: click to add a point of the brush class, box or lasso to spray several."""
from __future__ import annotations

import streamlit as st

from explorer.playground.datasets import MAX_CLASSES
from explorer.playground.drawing import MAX_DRAWN, SPRAY, add_points, class_counts, parse_drawn
from explorer.playground.figures import draw_figure

SS = st.session_state
COLOUR_NAMES = ("orange", "blue", "green", "red", "purple", "brown")  # CLASS_COLOURS in the figures


def _add_selection() -> None:
    """Turn a click / box / lasso on the canvas into drawn points of the brush class."""
    event = SS.get("play_canvas")
    points = [p for p in (event or {}).get("selection", {}).get("points", []) if p.get("curve_number") == 0]
    if points:
        picked = [(p["x"], p["y"]) for p in points]
        SS["play.drawn"] = add_points(SS.get("play.drawn", []), picked, int(SS.get("play_brush") or 0))


def _clear() -> None:
    SS["play.drawn"] = []


def _undo() -> None:
    SS["play.drawn"] = list(SS.get("play.drawn", []))[:-1]


def canvas() -> None:
    """The canvas with the drawn points, the brush class, the per-class counts, Undo and Clear."""
    if SS.get("play_brush") is None:
        SS["play_brush"] = 0
    points = parse_drawn(tuple(SS.get("play.drawn", [])))
    left, right = st.columns([2, 1])
    with right:
        st.segmented_control("Brush class", list(range(MAX_CLASSES)), key="play_brush",
                             format_func=lambda c: f"{c} {COLOUR_NAMES[c]}", required=True)
        counts = "".join(f" · class {c}: {n}" for c, n in enumerate(class_counts(points)) if n)
        st.caption(f"{len(points)} of {MAX_DRAWN} points drawn{counts}")
        b1, b2 = st.columns(2)
        b1.button("Undo", on_click=_undo, disabled=not points, width="stretch")
        b2.button("Clear", on_click=_clear, disabled=not points, width="stretch")
        st.caption("Click the canvas to add a point of the brush class. For a patch, pick Box or Lasso Select "
                   f"in the chart's toolbar and drag: up to {SPRAY} points are sprayed. Drawn points travel "
                   "in the link.")
    with left:
        st.plotly_chart(draw_figure(points), key="play_canvas", on_select=_add_selection,
                        selection_mode=("points", "box", "lasso"), config={"displaylogo": False})
