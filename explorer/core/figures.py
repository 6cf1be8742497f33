"""Plotly figure builders, one module per page: result dataclass -> go.Figure.

Renderers take only computed data and never call st.* or compute models.
Shared helpers for every page live here.
"""
from __future__ import annotations

import html

import plotly.graph_objects as go

FONT = "Source Sans Pro, sans-serif"


def safe_label(text: str, max_len: int = 40) -> str:
    """A token or word made safe for a plotly label: HTML-escaped, shortened.

    Plotly renders a subset of HTML in labels and hover text, so user text
    such as '<b>' or '<script>' must be escaped before it reaches a figure.
    Quotes become numeric entities: plotly decodes those but shows &quot; as is.
    """
    short = text if len(text) <= max_len else text[: max_len - 1] + "…"
    return html.escape(short, quote=True).replace("&quot;", "&#34;")


def base_layout(fig: go.Figure, title: str = "", height: int | None = None) -> go.Figure:
    """Apply the house layout: tight margins, readable font, optional title/height."""
    fig.update_layout(title=title or None, font_family=FONT, margin=dict(l=10, r=10, t=40 if title else 10, b=10),
                      template="plotly_white")
    if height:
        fig.update_layout(height=height)
    return fig
