"""Unit tests for the shareable-state codec."""
from dataclasses import dataclass

import pytest

from explorer.core.state import MAX_VALUE_CHARS, ViewState, choice, flag, num, text, words


@dataclass(frozen=True)
class Demo(ViewState):
    layer: int = num(0, lo=0, hi=29)
    temperature: float = num(1.0, lo=0.0, hi=5.0)
    mode: str = choice("heatmap", ("heatmap", "grid"))
    prompt: str = text("The cat sat on the mat.", max_len=50)
    causal: bool = flag(True)
    items: tuple[str, ...] = words(("king", "queen"), max_items=3, max_len=10)


def test_defaults_write_nothing():
    """Check the default state writes an empty query."""
    assert Demo().to_query() == {}


def test_round_trip_of_every_field_type():
    """Check a state with every field changed survives to_query -> from_query."""
    state = Demo(layer=7, temperature=0.25, mode="grid", prompt="héllo 🙂", causal=False,
                 items=("paris", "rome"))
    query = state.to_query()
    assert query == {"layer": "7", "temperature": "0.25", "mode": "grid",
                     "prompt": "héllo 🙂", "causal": "0", "items": "paris|rome"}
    assert Demo.from_query(query) == state


def test_unknown_keys_are_ignored():
    """Check keys the page does not know leave the state at its defaults."""
    assert Demo.from_query({"zzz": "1", "__proto__": "x"}) == Demo()


@pytest.mark.parametrize("raw, expected", [("99", 29), ("-5", 0), ("3.6", 4), ("1e3", 29)])
def test_numbers_are_clamped_and_rounded(raw, expected):
    """Check out-of-range and fractional ints clamp into range."""
    assert Demo.from_query({"layer": raw}).layer == expected


@pytest.mark.parametrize("raw", ["abc", "", "nan", "inf", "-inf", "0x10", "1,5"])
def test_non_numbers_fall_back_to_default(raw):
    """Check values that are not finite numbers are dropped."""
    assert Demo.from_query({"layer": raw, "temperature": raw}) == Demo()


def test_invalid_choice_and_bool_are_dropped():
    """Check an unknown option and a non-boolean fall back to defaults."""
    state = Demo.from_query({"mode": "<script>", "causal": "maybe"})
    assert (state.mode, state.causal) == ("heatmap", True)


def test_huge_strings_are_dropped_not_truncated():
    """Check too-long text is refused whole, both per field and globally."""
    assert Demo.from_query({"prompt": "x" * 51}).prompt == Demo().prompt
    assert Demo.from_query({"items": "a|" * MAX_VALUE_CHARS}).items == Demo().items


def test_word_lists_are_cleaned():
    """Check list items are stripped, empty and over-long ones dropped, and capped."""
    state = Demo.from_query({"items": " a | |bbbbbbbbbbbbbbbb|c|d|e"})
    assert state.items == ("a", "c", "d")


def test_repeated_keys_take_the_last_value():
    """Check list-valued params (repeated keys) use the last one."""
    assert Demo.from_query({"layer": ["1", "2"]}).layer == 2


def test_replace_validates_like_a_url():
    """Check replace() clamps just as from_query does."""
    assert Demo().replace(layer=500).layer == 29
