"""AppTest of the Sampling lab: step, sample, rewind, branch, side by side, shared links, bad input."""
import pytest

from tests.app._apptest import run_page

PAGE = "pages/sampling/page.py"
FRANCE = {"prompt": "The capital of France is", "chat": "0", "n_new": "3"}


def _texts(at) -> str:
    parts = [e.value for e in at.warning] + [e.value for e in at.info] + [e.value for e in at.markdown]
    return "\n".join(str(p) for p in parts)


def _button(at, label):
    return next(b for b in at.button if b.label.startswith(label))


def test_default_page_renders_pipeline():
    """Check the default page shows the prompt, settings, buttons and a clean URL."""
    at = run_page(PAGE)
    assert not at.exception and not at.error
    assert at.title[0].value == "Sampling lab"
    assert at.text_area(key="samp.prompt").value.startswith("Write a one-line poem")
    assert at.slider(key="samp.temperature").value == 1.0
    assert {"Step", "Sample 20", "Greedy 20", "Clear"} <= {b.label for b in at.button}
    assert any(m.label.startswith("Tokens still possible") for m in at.metric)
    assert dict(at.query_params) == {}


def test_step_then_sample_grow_the_path_in_the_url():
    """Check Step adds one token, Sample adds n_new more and Clear empties the path."""
    at = run_page(PAGE, FRANCE)
    _button(at, "Step").click().run()
    assert not at.exception
    first = at.query_params["path"]
    assert len(str(first).split("|")) == 1
    _button(at, "Sample").click().run()
    path = str(at.query_params["path"]).split("|")
    assert len(path) == 4 and path[0] == str(first)
    _button(at, "Clear").click().run()
    assert "path" not in at.query_params


def test_greedy_is_reproducible_and_paris():
    """Check Greedy on 'The capital of France is' writes ' Paris' first, the same each time."""
    at = run_page(PAGE, FRANCE)
    _button(at, "Greedy").click().run()
    again = run_page(PAGE, FRANCE)
    _button(again, "Greedy").click().run()
    assert at.query_params["path"] == again.query_params["path"]
    assert str(at.query_params["path"]).split("|")[0] == "7042"  # ' Paris' in SmolLM2's vocabulary


def test_shared_link_restores_widgets_and_path():
    """Check a link restores prompt, settings, seed and path, and writes itself back unchanged."""
    link = {**FRANCE, "temperature": "0.7", "top_k": "40", "top_p": "0.9", "seed": "7",
            "path": "7042|30|378", "at": "2"}
    at = run_page(PAGE, link)
    assert not at.exception
    assert at.text_area(key="samp.prompt").value == "The capital of France is"
    assert at.toggle(key="samp.chat").value is False
    assert at.slider(key="samp.temperature").value == 0.7
    assert at.number_input(key="samp.top_k").value == 40
    assert at.number_input(key="samp.seed").value == 7
    assert at.number_input(key="samp.at").value == 2
    assert "3` generated" in _texts(at)
    assert {k: str(v) for k, v in at.query_params.items()} == link


def test_rewind_and_branch():
    """Check rewinding drops the inspected token onwards and branching replaces it."""
    at = run_page(PAGE, {**FRANCE, "path": "7042|30|378", "at": "2"})
    _button(at, "Rewind").click().run()
    assert at.query_params["path"] == "7042" and "at" not in at.query_params
    at = run_page(PAGE, {**FRANCE, "path": "7042|30|378", "at": "2"})
    alt = at.pills(key="samp_branch").options[0]
    at.pills(key="samp_branch").set_value(alt).run()
    _button(at, "Branch with").click().run()
    path = str(at.query_params["path"]).split("|")
    assert path[0] == "7042" and len(path) == 2 and path[1] != "30"


def test_side_by_side_two_settings():
    """Check the comparison view shows both sides' sliders and captions with their settings."""
    at = run_page(PAGE, {**FRANCE, "view": "compare", "a_temperature": "0", "b_temperature": "1.5"})
    assert not at.exception
    assert at.slider(key="samp.a_temperature").value == 0.0
    assert at.slider(key="samp.b_temperature").value == 1.5
    captions = " ".join(c.value for c in at.caption)
    assert "A: T=0" in captions and "B: T=1.5" in captions


@pytest.mark.parametrize("view,expect", [("vary", "Distinct continuations"), ("repeat", "repeated 3-gram"),
                                         ("lens", "Logit lens"), ("generate", "Generate some tokens")])
def test_other_views_render(view, expect):
    """Check the variation, repetition, logit-lens and steps views render without errors."""
    at = run_page(PAGE, {**FRANCE, "view": view, "n_samples": "4", "sample_len": "2"})
    assert not at.exception and not at.error
    assert expect in _texts(at) + " ".join(m.label for m in at.metric)


def test_bad_input_gets_messages():
    """Check empty prompts, out-of-range links, junk paths and odd settings are explained."""
    at = run_page(PAGE, {"prompt": "   "})
    assert not at.exception and "prompt is empty" in _texts(at)
    at = run_page(PAGE, {**FRANCE, "temperature": "-5", "n_new": "5000", "top_k": "60000", "top_p": "0",
                         "path": "7042|abc|99999999"})
    text = _texts(at)
    assert not at.exception
    assert "temperature=-5" in text and "n_new=5000" in text
    assert "larger than the 49,152-token vocabulary" in text and "Top-p 0" in text
    assert "Temperature 0 = greedy" in text
    assert at.query_params["path"] == "7042"


@pytest.mark.parametrize("raw,kept", [("\u00b2", None), ("\u00b2|7042", "7042"), ("7042|\u00b9\u00b2|30", "7042|30")])
def test_superscript_digits_in_the_path_are_dropped(raw, kept):
    """Check /sampling?path=² (isdigit() but not int()-able) opens cleanly and drops that entry."""
    at = run_page(PAGE, {**FRANCE, "path": raw})
    assert not at.exception and not at.error
    assert "not SmolLM2 token ids; they were dropped" in _texts(at)
    assert at.query_params.get("path") == kept


def test_script_prompt_is_plain_text():
    """Check a script-like prompt runs as ordinary text without an exception."""
    at = run_page(PAGE, {"prompt": "<script>alert(1)</script><b>hi</b>", "chat": "0", "n_new": "2"})
    _button(at, "Step").click().run()
    assert not at.exception and not at.error
    assert at.text_area(key="samp.prompt").value == "<script>alert(1)</script><b>hi</b>"
    assert "path" in at.query_params


def test_long_and_odd_prompts_are_handled():
    """Check a prompt over the lab's token cap gets a truncation notice and odd Unicode runs."""
    at = run_page(PAGE, {"prompt": "word " * 1500, "chat": "0", "n_new": "1"})
    assert not at.exception
    assert "keeps the last 1,024 of 1,501 prompt tokens" in _texts(at)  # "word" + 1499 x " word" + " "
    at = run_page(PAGE, {"prompt": "\u202eabc\u200b 🙂 \x00 ﷽", "chat": "1", "n_new": "1"})
    _button(at, "Step").click().run()
    assert not at.exception and not at.error and "path" in at.query_params


def test_preset_loads_prompt_and_settings():
    """Check choosing an example fills the prompt, switches the chat template and clears the path."""
    at = run_page(PAGE, {"path": "504|3426", "n_new": "2"})
    at.selectbox(key="samp_preset").select("Next word: capital of France (plain text)").run()
    assert not at.exception
    assert at.text_area(key="samp.prompt").value == "The capital of France is"
    assert at.query_params["chat"] == "0" and "path" not in at.query_params
