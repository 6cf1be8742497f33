"""Shareable per-page view state: one frozen dataclass per page <-> URL query.

Field names are URL keys and field defaults are the defaults. `to_query()`
writes only values that differ from the default; `from_query()` ignores
unknown keys, clamps numbers into range and drops anything it cannot parse, so
a hand-edited or truncated link always opens *something* sensible.

Bounds live in field metadata, built with `num()`, `choice()`, `text()`, `words()`:

    @dataclass(frozen=True)
    class DemoState(ViewState):
        layer: int = num(0, lo=0, hi=29)
        mode: str = choice("heatmap", ("heatmap", "grid"))
        text: str = text("The cat sat on the mat.", max_len=2000)
        words: tuple[str, ...] = words(("king", "queen"), max_items=50)

    DemoState.from_query({"layer": "99", "zzz": "1"}).layer == 29
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any, Self

MAX_VALUE_CHARS = 20_000  # hard cap on any single URL value, whatever the field says
LIST_SEPARATOR = "|"


def num(default: float, *, lo: float | None = None, hi: float | None = None) -> Any:
    """A numeric field (int or float by the annotation), clamped to [lo, hi]."""
    return dataclasses.field(default=default, metadata={"lo": lo, "hi": hi})


def choice(default: str, options: Sequence[str]) -> Any:
    """A string field restricted to `options`; anything else falls back to default."""
    return dataclasses.field(default=default, metadata={"options": tuple(options)})


def text(default: str, *, max_len: int = 2_000) -> Any:
    """A free-text field; longer values are dropped (not silently truncated)."""
    return dataclasses.field(default=default, metadata={"max_len": max_len})


def flag(default: bool) -> Any:
    """A boolean field written as 1/0."""
    return dataclasses.field(default=default)


def words(default: tuple[str, ...], *, max_items: int = 100, max_len: int = 200,
          options: Sequence[str] | None = None) -> Any:
    """A tuple-of-strings field, written as one value joined by '|'."""
    meta = {"max_items": max_items, "max_len": max_len,
            "options": tuple(options) if options else None}
    return dataclasses.field(default=default, metadata=meta)


def _last(raw: Any) -> str | None:
    """Query values arrive as str or list[str] (repeated keys); keep the last."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, Sequence) and raw and isinstance(raw[-1], str):
        return raw[-1]
    return None


def _parse_bool(value: str) -> bool | None:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    return None


def _parse_number(value: str, kind: type, meta: Mapping[str, Any]) -> float | int | None:
    try:
        number = float(value)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    if meta.get("lo") is not None:
        number = max(meta["lo"], number)
    if meta.get("hi") is not None:
        number = min(meta["hi"], number)
    return int(round(number)) if kind is int else number


def _parse_words(value: str, meta: Mapping[str, Any]) -> tuple[str, ...] | None:
    items = [w.strip() for w in value.split(LIST_SEPARATOR)]
    items = [w for w in items if w and len(w) <= meta.get("max_len", 200)]
    if meta.get("options"):
        items = [w for w in items if w in meta["options"]]
    return tuple(items[: meta.get("max_items", 100)])


def _parse(value: str, field: dataclasses.Field) -> Any:
    """Turn one URL value into the field's type, or None when it is unusable."""
    kind, meta = field.type, field.metadata
    if len(value) > MAX_VALUE_CHARS:
        return None
    if kind in ("bool", bool):
        return _parse_bool(value)
    if kind in ("int", int, "float", float):
        return _parse_number(value, int if kind in ("int", int) else float, meta)
    if str(kind).startswith("tuple"):
        return _parse_words(value, meta)
    if "options" in meta and meta["options"] is not None:
        return value if value in meta["options"] else None
    return value if len(value) <= meta.get("max_len", 2_000) else None


def _format(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclasses.dataclass(frozen=True)
class ViewState:
    """Base class: subclasses declare fields with the helpers above."""

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> Self:
        """Build a state from URL params, keeping only valid, known values."""
        values = {}
        for field in dataclasses.fields(cls):
            raw = _last(query.get(field.name))
            if raw is None:
                continue
            parsed = _parse(raw, field)
            if parsed is not None:
                values[field.name] = parsed
        return cls(**values)

    def to_query(self) -> dict[str, str]:
        """URL params for every field that differs from its default."""
        out = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value != field.default:
                out[field.name] = _format(value)
        return out

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes`, passed through the same validation as a URL."""
        merged = {**self.to_query(), **{k: _format(v) for k, v in changes.items()}}
        return type(self).from_query(merged)


def _field(cls: type[ViewState], name: str) -> dataclasses.Field:
    for field in dataclasses.fields(cls):
        if field.name == name:
            return field
    raise KeyError(f"{cls.__name__} has no field {name!r}")


def bounds(cls: type[ViewState], name: str) -> tuple[float, float]:
    """(lo, hi) of a numeric field: the one place a widget and the URL parser take them from."""
    meta = _field(cls, name).metadata
    if meta.get("lo") is None or meta.get("hi") is None:
        raise ValueError(f"{cls.__name__}.{name} has no numeric bounds")
    return meta["lo"], meta["hi"]


def options(cls: type[ViewState], name: str) -> tuple[str, ...]:
    """The allowed values of a choice (or restricted words) field."""
    found = _field(cls, name).metadata.get("options")
    if not found:
        raise ValueError(f"{cls.__name__}.{name} has no options")
    return found


def max_chars(cls: type[ViewState], name: str) -> int:
    """The longest value a text field accepts from a URL (and so from its text box)."""
    return _field(cls, name).metadata.get("max_len", 2_000)
