"""Keep a page's widgets, its ViewState and the URL in step.

Usage in a page (widgets are keyed `<prefix>.<field>` and take no value=):

    state = sync_widgets(SamplingState, "sampling")   # seeds widget keys
    st.slider("Temperature", 0.0, 2.0, key="sampling.temperature")
    ...
    state = write_url(SamplingState, "sampling")      # once per run

The URL wins whenever it differs from what this page last wrote (a shared
link, a cross-page link, a reload); otherwise the widgets keep what the user
set. Navigating back to a page with an empty URL restores the session's last
state for it.
"""
from __future__ import annotations

import dataclasses
from typing import TypeVar

import streamlit as st

from explorer.core.state import ViewState, bounds, max_chars

S = TypeVar("S", bound=ViewState)


def _url() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def _written_key(prefix: str) -> str:
    return f"_{prefix}.__written"


def _seed(state: ViewState, prefix: str) -> None:
    for field in dataclasses.fields(state):
        value = getattr(state, field.name)
        st.session_state[key(prefix, field.name)] = list(value) if isinstance(value, tuple) else value


def _keep_alive(cls: type[ViewState], prefix: str) -> None:
    """Re-assign every widget key so widgets not drawn this run (another mode's
    inputs) keep their values: Streamlit drops the state of undrawn widgets."""
    for field in dataclasses.fields(cls):
        name = key(prefix, field.name)
        if name in st.session_state:
            st.session_state[name] = st.session_state[name]


def sync_widgets(cls: type[S], prefix: str) -> S:
    """Seed the page's widget keys from the URL when it changed; return the state."""
    _keep_alive(cls, prefix)
    url = _url()
    written = st.session_state.get(_written_key(prefix))
    if not url and written:  # back to the page via the menu: keep the session's last view
        state = cls.from_query(written)
    else:
        state = cls.from_query(url)
    missing = any(key(prefix, f.name) not in st.session_state for f in dataclasses.fields(cls))
    if url != written or missing:
        _seed(state, prefix)
    return state


def read_widgets(cls: type[S], prefix: str) -> S:
    """The state the widgets show now, validated like a URL."""
    values = {}
    for field in dataclasses.fields(cls):
        value = st.session_state.get(key(prefix, field.name), field.default)
        values[field.name] = tuple(value) if isinstance(value, list) else value
    return cls.from_query(cls(**values).to_query())


def write_url(cls: type[S], prefix: str) -> S:
    """Write the widgets' state to the URL (non-defaults only) and return it."""
    state = read_widgets(cls, prefix)
    query = {k: [v] for k, v in state.to_query().items()}
    if query != _url():
        st.query_params.from_dict(state.to_query())
    st.session_state[_written_key(prefix)] = query
    return state


def key(prefix: str, name: str) -> str:
    """The widget key of a ViewState field (`<prefix>.<field>`)."""
    return f"{prefix}.{name}"


def slider(where, label: str, cls: type[ViewState], prefix: str, name: str, **kwargs):
    """A slider whose range is the field's URL bounds, so a link can never exceed it."""
    lo, hi = bounds(cls, name)
    return where.slider(label, lo, hi, key=key(prefix, name), **kwargs)


def number_input(where, label: str, cls: type[ViewState], prefix: str, name: str, **kwargs):
    """A number box whose range is the field's URL bounds."""
    lo, hi = bounds(cls, name)
    return where.number_input(label, min_value=lo, max_value=hi, key=key(prefix, name), **kwargs)


def text_area(where, label: str, cls: type[ViewState], prefix: str, name: str, **kwargs):
    """A text area that accepts exactly what the field's URL parser accepts."""
    return where.text_area(label, max_chars=max_chars(cls, name), key=key(prefix, name), **kwargs)


def text_input(where, label: str, cls: type[ViewState], prefix: str, name: str, **kwargs):
    """A text box that accepts exactly what the field's URL parser accepts."""
    return where.text_input(label, max_chars=max_chars(cls, name), key=key(prefix, name), **kwargs)
