"""Unit tests of the Sampling lab's URL state and figures."""
import re

import numpy as np
import pytest
import torch

from explorer.core.markdown import escape_md
from explorer.sampling import figures as figs
from explorer.sampling.generation import Lens, Path, Samples
from explorer.sampling.pipeline import SamplingConfig, run_pipeline, top_tokens
from explorer.sampling.state import SamplingState, token_id, url_notes, valid_path

EVIL = "<script>alert(1)</script>"


def test_state_round_trip():
    """Check settings, seed and path survive to_query/from_query."""
    state = SamplingState(prompt="Hi", temperature=0.3, top_k=40, seed=9, path=("504", "3426"), at=2)
    query = state.to_query()
    assert query["path"] == "504|3426" and "chat" not in query
    assert SamplingState.from_query(query) == state
    assert state.path_ids() == (504, 3426)


def test_state_clamps_and_explains_bad_links():
    """Check out-of-range values are clamped and each gets a human note."""
    query = {"temperature": "-3", "n_new": "5000", "top_p": "nan", "seed": "abc", "path": "1|x|2"}
    state = SamplingState.from_query(query)
    assert state.temperature == 0.0 and state.n_new == 200 and state.top_p == 1.0
    assert state.path_ids() == (1, 2)
    notes = " ".join(url_notes(query))
    assert all(escape_md(v) in notes for v in ("temperature=-3", "n_new=5000", "top_p=nan"))
    assert url_notes({"temperature": "0.5"}) == []


@pytest.mark.parametrize("raw", ["`[x](http://e)`", "![i](http://e/i.png)", "*a* # b", "`` ` ``"])
def test_url_notes_escape_the_link_text(raw):
    """Check a link value shown in a note can never close a code span or become a link or image."""
    notes = url_notes({"temperature": raw, "seed": raw})
    assert len(notes) == 2
    for note in notes:
        assert escape_md(f"temperature={raw[:20]}") in note or escape_md(f"seed={raw[:20]}") in note
        assert "](" not in note and "![" not in note and not re.search(r"(?<!\\)`", note)


def test_control_field_round_trips_and_drops_junk():
    """Check the control-token switch defaults to the library's reading, keeps 'text' and drops junk."""
    assert SamplingState().control == "library" and "control" not in SamplingState().to_query()
    assert SamplingState.from_query({"control": "text"}).to_query() == {"control": "text"}
    assert SamplingState.from_query({"control": "<b>"}).control == "library"


@pytest.mark.parametrize("entry,expect", [("504", 504), ("0", 0), ("007", 7), ("\u0663", 3), ("\u00b2", None),
                                          ("x", None), ("-1", None), ("+5", None), ("1_0", None), (" 5", None),
                                          ("", None)])
def test_token_id_reads_whole_numbers_only(entry, expect):
    """Check path entries int() would refuse or misread ('²', '-1', '1_0') give None, not an error."""
    assert token_id(entry) == expect


def test_valid_path_keeps_token_ids_below_the_vocabulary():
    """Check a link's junk, superscript and out-of-vocabulary entries are dropped in order."""
    assert valid_path(("7042", "abc", "\u00b2", "99999999", "30"), 49152) == ("7042", "30")
    assert valid_path(("\u00b2",), 49152) == ()
    state = SamplingState.from_query({"path": "\u00b2|12"})
    assert state.path == ("\u00b2", "12") and state.path_ids() == (12,)


def test_state_builds_valid_sampling_configs():
    """Check the state's configs are valid and the sides differ only in T and top-p."""
    state = SamplingState(rep=1.2, a_temperature=0.3, b_temperature=1.2)
    a, b = state.side("a"), state.side("b")
    assert isinstance(state.sampling(), SamplingConfig)
    assert (a.temperature, b.temperature) == (0.3, 1.2) and a.repetition_penalty == b.repetition_penalty == 1.2


def _path(pieces):
    n = len(pieces)
    alt = np.tile(np.arange(8), (n, 1))
    return Path(np.arange(3), np.arange(n), tuple(pieces), np.full(n, 0.5, np.float32),
                np.full(n, 0.4, np.float32), np.ones(n, np.int64), np.ones(n, np.float32),
                np.ones(n, np.float32), alt, tuple((EVIL,) * 8 for _ in range(n)),
                np.full((n, 8), 0.1, np.float32), np.full((n, 8), 0.1, np.float32),
                np.zeros(n, bool), "max tokens")


def test_token_strip_escapes_and_wraps():
    """Check script-like tokens are escaped in text and hover, and long text wraps to lines."""
    fig = figs.token_strip(_path([EVIL, " hello", "\n", "x" * 70, "y" * 40, "z" * 5]),
                           highlight=np.array([1, 0, 0, 0, 0, 0]))
    bar = fig.data[0]
    assert "<script>" not in "".join(bar.text) + "".join(bar.hovertext)
    assert "&lt;script&gt;" in bar.text[0]
    assert bar.text[2] == "↵" and bar.text[3].endswith("…")
    assert list(bar.y) == [0, 0, 0, 1, 1, 2] and max(b + w for b, w in zip(bar.base, bar.x)) <= figs.LINE_CHARS + 1
    assert list(bar.customdata) == [0, 1, 2, 3, 4, 5]
    quote = figs.token_strip(_path(['"'])).data[0].text[0]
    assert quote == "&#34;"  # plotly shows &quot; literally but decodes numeric entities


def test_pipeline_bars_grey_out_filtered_tokens():
    """Check filtered tokens keep their p_base bar and are labelled 'filtered'."""
    result = run_pipeline(torch.log(torch.tensor([0.5, 0.3, 0.15, 0.05])), torch.tensor([0]),
                          SamplingConfig(top_k=2))
    top = top_tokens(result, lambda i: EVIL if i == 3 else f"t{i}", n=4)
    fig = figs.pipeline_bars(top)
    assert list(fig.data[1].text[2:4]) == ["filtered", "filtered"]
    assert fig.data[0].x[2] == pytest.approx(0.15)
    assert all("<script>" not in label for label in fig.data[0].y)
    assert fig.data[0].y[-1] == "everything else"
    assert len(figs.stage_funnel(result).data[0].y) == len(result.stages)


def test_samples_hist_and_lens_chart():
    """Check the histogram counts add up and the lens chart plots one point per layer."""
    samples = Samples(np.zeros((3, 2), int), ("a", "a", EVIL), (("a", 2), (EVIL, 1)), np.zeros((3, 2)))
    hist = figs.samples_hist(samples)
    assert sum(hist.data[0].x) == 3 and "<script>" not in "".join(hist.data[0].y)
    lens = Lens(np.arange(4), np.array([900, 40, 2, 1]), np.zeros(4, np.float32), np.arange(4), ("a",) * 4)
    assert list(figs.lens_chart(lens, EVIL).data[0].y) == [900, 40, 2, 1]
    assert lens.first_top_layer == 3


def test_mean_effective_choices_of_path_and_samples():
    """Check the mean is exp(entropy) averaged over steps, and nan when nothing was drawn."""
    path = _path(["a", "b"])  # entropy_final is 1 nat at both steps
    assert path.mean_effective_choices == pytest.approx(np.e)
    assert np.isnan(_path([]).mean_effective_choices)
    samples = Samples(np.zeros((2, 2), int), ("a", "b"), (("a", 1), ("b", 1)), np.log([[1.0, 2.0], [3.0, 4.0]]))
    assert samples.mean_effective_choices == pytest.approx(2.5)
    assert np.isnan(Samples(np.zeros((2, 0), int), ("", ""), (("", 2),), np.zeros((2, 0))).mean_effective_choices)
