"""AppTest: every Ensemble sandbox URL field (but LLM voting's) at its URL lo and hi, and each choice at every
option, opens the page without an exception, and the widget drawn for it spans exactly the field's bounds.

Most links pick the CSV source with no file uploaded: the page draws every widget, then stops before fitting."""
import pytest

from explorer.core.state import options
from explorer.ensembles.state import EnsemblesState
from tests.app._bounds import check_numeric, check_option, choice_fields, numeric_links

PAGE = "pages/ensembles/page.py"
LLM = {"llm_q", "llm_n", "llm_t", "llm_on"}  # the LLM voting view samples SmolLM2 on open: its own tests
CSV = {"data": "csv"}
WHERE = {"n": {"members": ""}, "noise": {"members": ""},  # generated data, nothing to fit
         "fx": CSV | {"proj": "features"}, "fy": CSV | {"proj": "features"},
         **{f: CSV | {"view": "bagging"} for f in ("bag_n", "bag_depth")},
         **{f: CSV | {"view": "boosting"} for f in ("ada_n", "ada_lr", "ada_depth")},
         **{f: CSV | {"view": "boosting", "boost": "gradient"} for f in ("gb_n", "gb_lr", "gb_depth")},
         "ada_step": CSV | {"view": "boosting", "boost": "gradient", "gb_n": "300"},  # its top is the trees'
         "cv": CSV | {"view": "stacking"}, "bv_reps": CSV | {"view": "biasvar"}}
OPTION_WHERE = {"data": {"members": ""}, "proj": {"data": "iris", "members": ""}, "boost": CSV | {"view": "boosting"}}
LINKS = numeric_links(EnsemblesState, WHERE, CSV, skip=LLM)


def test_every_field_but_llm_voting_is_walked():
    """Check the walk below covers every EnsemblesState field except LLM voting's."""
    walked = {n for _, _, names in LINKS for n in names} | set(choice_fields(EnsemblesState, LLM))
    assert walked == set(EnsemblesState.__dataclass_fields__) - LLM


@pytest.mark.parametrize(("end", "link", "names"), LINKS, ids=[f"{e}-{'-'.join(n[:3])}" for e, _, n in LINKS])
def test_numeric_field_at_url_bounds_matches_its_widget(end, link, names):
    """Check a link with fields at their URL lo / hi opens, and each widget's min/max are the field's bounds."""
    check_numeric(PAGE, EnsemblesState, "ens", end, link, names)


OPTIONS = [(name, opt) for name in choice_fields(EnsemblesState, LLM) for opt in options(EnsemblesState, name)
           if not (name == "view" and opt == "llm")]


@pytest.mark.parametrize(("name", "option"), OPTIONS, ids=[f"{n}={o}" for n, o in OPTIONS])
def test_choice_field_option_opens_and_shows(name, option):
    """Check a link with a choice field at one of its options opens and its widget shows that option."""
    check_option(PAGE, EnsemblesState, "ens", name, option, OPTION_WHERE.get(name, CSV))


def test_points_above_the_slider_are_clamped_with_a_message():
    """Check /ensembles?n=3000 (the slider stops at 2,000) opens with n at the cap and says so."""
    from tests.app._apptest import run_page

    at = run_page(PAGE, {"n": "3000", "members": ""})
    assert not at.exception
    assert at.slider(key="ens.n").value == 2000
    assert any("above the cap of 2,000" in w.value for w in at.warning)
