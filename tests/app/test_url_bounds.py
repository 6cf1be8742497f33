"""Every page, every URL field at its extremes: no exception, and each drawn widget's bounds equal the field's.

A link may carry any value the URL parser accepts, so a widget that accepts
less (a slider that stops at 2,000 while the URL allows 5,000) turns a shared
link into a crash. Each page is opened once per value of its mode field, with
every numeric field at its upper bound, then at its lower bound, and every
numeric field must have its widget drawn in some view (or be listed in NOT_DRAWN).
"""
import dataclasses

import pytest

from explorer.attention.state import AttentionState
from explorer.embeddings.state import EmbeddingsState
from explorer.inside.state import InsideState
from explorer.rag.state import RagState
from explorer.sampling.state import SamplingState
from explorer.tokenizers.state import TokenizerState
from tests.app._apptest import run_page

# page folder -> (state, widget key prefix, the field that switches what the page draws)
# (The playground and the ensemble sandbox have their own field-by-field walks:
# tests/app/test_playground_bounds.py and test_ensembles_bounds.py.)
PAGES = {
    "attention": (AttentionState, "attn", "view"),
    "embeddings": (EmbeddingsState, "emb", "mode"),
    "inside": (InsideState, "inside", None),
    "rag": (RagState, "rag", None),
    "sampling": (SamplingState, "samp", "view"),
    "tokenizer": (TokenizerState, "tok", "mode"),
}
SLOW_VIEWS = {("sampling", "vary"), ("sampling", "repeat")}  # sample many times
# Fields whose widget narrows the URL's range to what the data allows (the page clamps the
# value first): a model's layers and heads, a position on the generated path, a boosting
# step within the chosen number of stages, an overlap below the chunk size.
DATA_BOUNDED = {("attention", "layer"), ("attention", "head"), ("embeddings", "layer"),
                ("inside", "layer"), ("inside", "head"), ("sampling", "at"),
                ("rag", "overlap")}
# Numeric fields with no widget of their own in the views walked here (set by clicks, drawn only
# in a slow view, or only under a setting the walk does not pick).
NOT_DRAWN = {
    "attention": {"query", "key", "mask"},  # token positions: chosen from a list of the text's tokens
    "embeddings": {"dims", "n_neighbors", "min_dist", "perplexity"},  # a 2-D/3-D radio; UMAP / t-SNE only
    "inside": {"pos", "key"},  # token positions: chosen from a list of the prompt's tokens
    "sampling": {"n_samples", "sample_len"},  # the slow 'vary' view, walked by its own tests
}


def _numeric(cls) -> list[dataclasses.Field]:
    return [f for f in dataclasses.fields(cls) if f.metadata.get("lo") is not None]


def _modes(page: str) -> tuple:
    cls, _, mode = PAGES[page]
    values = next(f for f in dataclasses.fields(cls) if f.name == mode).metadata["options"] if mode else (None,)
    return tuple(v for v in values if (page, v) not in SLOW_VIEWS)


def _query(cls, mode: str | None, value: str | None, end: str) -> dict[str, str]:
    query = {f.name: str(f.metadata[end]) for f in _numeric(cls)}
    if mode:
        query[mode] = value
    return query


def _check_run(page: str, value, end: str) -> set[str]:
    """Open one extreme link; assert no exception and widget bounds; return the fields whose widget was drawn."""
    cls, prefix, mode = PAGES[page]
    at = run_page(f"pages/{page}/page.py", _query(cls, mode, value, end))
    assert not at.exception, (value, [e.value for e in at.exception])
    bounds = {f.name: (f.metadata["lo"], f.metadata["hi"]) for f in _numeric(cls)}
    drawn = set()
    for widget in list(at.slider) + list(at.number_input):
        name = (widget.key or "").removeprefix(f"{prefix}.")
        if name not in bounds or not widget.key.startswith(prefix + "."):
            continue
        lo, hi = bounds[name]
        if (page, name) in DATA_BOUNDED:
            assert lo <= widget.min <= widget.max <= hi, f"{widget.key}: {widget.min}..{widget.max} outside {lo}..{hi}"
        else:
            assert (widget.min, widget.max) == (lo, hi), f"{widget.key}: widget {widget.min}..{widget.max}, URL {lo}..{hi}"
        drawn.add(name)
    for box in list(at.text_input) + list(at.text_area):
        name = (box.key or "").removeprefix(f"{prefix}.")
        meta = next((f.metadata for f in dataclasses.fields(cls) if f.name == name), None)
        if meta and "max_len" in meta:
            assert box.max_chars == meta["max_len"], f"{box.key}: {box.max_chars} chars, URL {meta['max_len']}"
    return drawn


@pytest.mark.parametrize("end", ["hi", "lo"])
@pytest.mark.parametrize("page", list(PAGES))
def test_extreme_links_open_and_widgets_accept_what_the_url_accepts(page, end):
    """Check links with every numeric field at a bound open in every view, each drawn widget spans its field,
    and every numeric field's widget is drawn in some view."""
    cls = PAGES[page][0]
    drawn = set().union(*(_check_run(page, value, end) for value in _modes(page)))
    missing = {f.name for f in _numeric(cls)} - drawn - NOT_DRAWN.get(page, set())
    assert not missing, f"{page}: no widget drawn for {sorted(missing)} at {end}"
