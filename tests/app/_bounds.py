"""Walk a page's URL fields: each numeric field at its URL lo and hi, each choice at every option.

A field's widget is only drawn in some views (bagging's trees in the Bagging view), so each field
names the extra link params it needs (`where`). Fields needing the same extra params share a run.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict

from explorer.core.state import ViewState, bounds, options
from tests.app._apptest import run_page

WIDGET_LISTS = ("slider", "number_input", "selectbox", "radio", "multiselect", "button_group")


def widget(at, key: str):
    """The drawn widget keyed `key`, whatever its kind (KeyError when none is drawn)."""
    for kind in WIDGET_LISTS:
        try:
            return getattr(at, kind)(key=key)
        except KeyError:
            continue
    raise KeyError(key)


def numeric_fields(cls: type[ViewState], skip: set[str]) -> list[str]:
    """Fields with numeric bounds (int/float), minus `skip`."""
    return [f.name for f in dataclasses.fields(cls)
            if f.type in ("int", "float") and f.name not in skip]


def choice_fields(cls: type[ViewState], skip: set[str]) -> list[str]:
    """Fields with a fixed set of options (choices and restricted word lists), minus `skip`."""
    return [f.name for f in dataclasses.fields(cls) if f.metadata.get("options") and f.name not in skip]


def numeric_links(cls: type[ViewState], where: dict[str, dict[str, str]], base: dict[str, str],
                  skip: set[str]) -> list[tuple[str, dict[str, str], list[str]]]:
    """(end, link, fields) per group of fields drawn under the same extra params, at lo and at hi."""
    groups: dict[tuple, list[str]] = defaultdict(list)
    for name in numeric_fields(cls, skip):
        groups[tuple(sorted(where.get(name, base).items()))].append(name)
    links = []
    for extra, names in groups.items():
        for end in (0, 1):
            link = dict(extra) | {n: f"{bounds(cls, n)[end]:g}" for n in names}
            links.append(("lo" if end == 0 else "hi", link, names))
    return links


def check_numeric(page: str, cls: type[ViewState], prefix: str, end: str, link: dict[str, str],
                  names: list[str]) -> None:
    """Open `link`; no exception, and each field's widget spans exactly the field's bounds and shows the end."""
    at = run_page(page, link)
    assert not at.exception, (link, at.exception)
    for name in names:
        lo, hi = bounds(cls, name)
        drawn = widget(at, f"{prefix}.{name}")
        assert (drawn.min, drawn.max) == (lo, hi), (name, drawn.min, drawn.max)
        assert drawn.value == (lo if end == "lo" else hi), (name, drawn.value)


def check_option(page: str, cls: type[ViewState], prefix: str, name: str, option: str,
                 extra: dict[str, str]) -> None:
    """Open a link with `name=option`; no exception, and the field's widget shows that option."""
    at = run_page(page, extra | {name: option})
    assert not at.exception, (name, option, at.exception)
    value = widget(at, f"{prefix}.{name}").value
    assert value == option or value == [option], (name, option, value)
    assert option in options(cls, name)
