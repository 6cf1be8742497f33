"""AppTest: every playground URL field at its URL lo and hi, and each choice at every option, opens the page
without an exception, and the widget drawn for it spans exactly the field's bounds."""
import pytest

from explorer.core.state import options
from explorer.playground.state import PlayState
from tests.app._bounds import check_numeric, check_option, choice_fields, numeric_fields, numeric_links

PAGE = "pages/playground/page.py"
DIGITS = {"mode": "digits", "d_epochs": "5", "d_hidden": "4"}  # the smallest digits network: a quick train
WHERE = {"classes": {"data": "multi"}, **{f"n{i}": {"layers": "6"} for i in range(1, 7)},
         "d_hidden": {"mode": "digits"}, "d_epochs": {"mode": "digits"}, "d_index": {"mode": "digits"}}
OPTION_WHERE = {"d_act": DIGITS, "mode": DIGITS}
LINKS = numeric_links(PlayState, WHERE, {}, skip=set())


def test_every_numeric_and_choice_field_is_walked():
    """Check the walk below covers every PlayState field but the drawn points (free text, tested elsewhere)."""
    walked = {n for _, _, names in LINKS for n in names} | set(choice_fields(PlayState, set()))
    assert walked == {f for f in PlayState.__dataclass_fields__} - {"drawn"}
    assert set(numeric_fields(PlayState, set())) <= walked


@pytest.mark.parametrize(("end", "link", "names"), LINKS, ids=[f"{e}-{'-'.join(n[:3])}" for e, _, n in LINKS])
def test_numeric_field_at_url_bounds_matches_its_widget(end, link, names):
    """Check a link with fields at their URL lo / hi opens, and each widget's min/max are the field's bounds."""
    check_numeric(PAGE, PlayState, "play", end, link, names)


OPTIONS = [(name, opt) for name in choice_fields(PlayState, set()) for opt in options(PlayState, name)]


@pytest.mark.parametrize(("name", "option"), OPTIONS, ids=[f"{n}={o}" for n, o in OPTIONS])
def test_choice_field_option_opens_and_shows(name, option):
    """Check a link with a choice field at one of its options opens and its widget shows that option."""
    check_option(PAGE, PlayState, "play", name, option, OPTION_WHERE.get(name, {}))
