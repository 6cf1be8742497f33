"""Keep a page's widgets, its ViewState and the URL in step.

Usage in a page (widgets are keyed `<prefix>.<field>`; numeric ones go through
the helpers below, which take the range from the field and pass the seeded
value as value=; write no value= of your own):

    state = sync_widgets(SamplingState, "sampling")   # seeds widget keys
    slider(st, "Temperature", SamplingState, "sampling", "temperature", step=0.05)
    ...
    state = write_url(SamplingState, "sampling")      # once per run

The URL wins whenever it differs from what this page last wrote (a shared
link, a cross-page link, Back/Forward); otherwise the widgets keep what the
user set. Navigating back to a page with an empty URL restores the session's
last state for it.

Two races this module closes (each could show or keep a value the link did not have):
- A rerun the browser sent before this page's last URL write reached it
  carries an older URL of this same page. That is an echo, not a new link: the
  widgets win (otherwise every change since that URL would be undone).
- A number box is drawn at its `default` before the browser applies the value
  seeded through Session State; with no value= that default is min_value (a
  link's `layers=1` showed 0). The helpers below pass the seeded value as
  value=, so the first frame already shows the link's value.
"""
from __future__ import annotations

import dataclasses
from typing import TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from explorer.core.state import ViewState, bounds, max_chars

S = TypeVar("S", bound=ViewState)
LAST_PAGE = "_url_state.__page"  # prefix of the last page that synced: tells a same-page rerun
RECENT_URLS = 16  # URLs remembered per page to recognise a stale echo of one


def _url() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def _written_key(prefix: str) -> str:
    return f"_{prefix}.__written"


def _seen_key(prefix: str) -> str:
    return f"_{prefix}.__seen"


def _remember(prefix: str, query: dict[str, list[str]]) -> None:
    """Add `query` to the URLs this page has shown in this session (newest last, bounded)."""
    seen = [q for q in st.session_state.get(_seen_key(prefix), []) if q != query]
    st.session_state[_seen_key(prefix)] = (seen + [query])[-RECENT_URLS:]


def _stale_echo(prefix: str, url: dict[str, list[str]]) -> bool:
    """True when this same-page rerun carries an older URL of this page (sent before our last write arrived).

    Back/Forward also brings an older URL, on purpose: Streamlit flags those runs, and they are not echoes.
    """
    ctx = get_script_run_ctx()
    if ctx is None or ctx.is_history_navigation or st.session_state.get(LAST_PAGE) != prefix:
        return False
    return url in st.session_state.get(_seen_key(prefix), [])


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
    echo = bool(url) and url != written and _stale_echo(prefix, url)
    if (not url and written) or echo:
        state = cls.from_query(written)  # back via the menu, or an echo: keep the session's view
    else:
        state = cls.from_query(url)
    missing = any(key(prefix, f.name) not in st.session_state for f in dataclasses.fields(cls))
    if (url != written and not echo) or missing:
        _seed(state, prefix)
        if url:
            _remember(prefix, url)
    st.session_state[LAST_PAGE] = prefix
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
    _remember(prefix, query)
    return state


def key(prefix: str, name: str) -> str:
    """The widget key of a ViewState field (`<prefix>.<field>`)."""
    return f"{prefix}.{name}"


def _typed(cls: type[ViewState], prefix: str, name: str) -> tuple[float, float, float]:
    """(lo, hi, current value) of a numeric field, all of the field's type (Streamlit refuses mixed int/float)."""
    field = next(f for f in dataclasses.fields(cls) if f.name == name)
    kind = int if field.type in ("int", int) else float
    lo, hi = bounds(cls, name)
    value = st.session_state.get(key(prefix, name))
    value = field.default if value is None else value
    return kind(lo), kind(hi), min(max(kind(value), kind(lo)), kind(hi))


def slider(where, label: str, cls: type[ViewState], prefix: str, name: str, **kwargs):
    """A slider whose range is the field's URL bounds, so a link can never exceed it."""
    lo, hi, value = _typed(cls, prefix, name)
    return where.slider(label, lo, hi, value=value, key=key(prefix, name), **kwargs)


def number_input(where, label: str, cls: type[ViewState], prefix: str, name: str, **kwargs):
    """A number box whose range is the field's URL bounds; value= is the seeded value (see the module note)."""
    lo, hi, value = _typed(cls, prefix, name)
    return where.number_input(label, min_value=lo, max_value=hi, value=value, key=key(prefix, name), **kwargs)


def text_area(where, label: str, cls: type[ViewState], prefix: str, name: str, **kwargs):
    """A text area that accepts exactly what the field's URL parser accepts."""
    return where.text_area(label, max_chars=max_chars(cls, name), key=key(prefix, name), **kwargs)


def text_input(where, label: str, cls: type[ViewState], prefix: str, name: str, **kwargs):
    """A text box that accepts exactly what the field's URL parser accepts."""
    return where.text_input(label, max_chars=max_chars(cls, name), key=key(prefix, name), **kwargs)
