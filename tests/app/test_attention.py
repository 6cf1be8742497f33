"""AppTest: the Attention page runs, restores its URL state and handles bad input calmly."""
from tests.app._apptest import run_page

PAGE = "pages/attention/page.py"


def _texts(elements) -> str:
    return " ".join(str(e.value) for e in elements)


def test_default_page_answers_the_notes_question():
    """Check the default preset runs MiniLM and states where 'it' looks and how 'mat' ranks."""
    at = run_page(PAGE)
    assert not at.exception
    assert at.title[0].value == "Attention heatmaps"
    assert "13 tokens · 6 layers × 12 heads" in _texts(at.caption)
    md = _texts(at.markdown)
    assert "**mat** ranks **#" in md and "q·k = **" in md
    assert dict(at.query_params) == {}


def test_shared_link_restores_widgets_and_round_trips():
    """Check URL params set model, text, layer, head, toggles, and are written back unchanged."""
    query = {"model": "smollm2", "text": "France is a country. It is beautiful.", "layer": "7",
             "head": "4", "sinks": "1", "show": "max of heads", "view": "grid"}
    at = run_page(PAGE, query)
    assert not at.exception
    assert at.radio(key="attn.model").value == "smollm2"
    assert at.text_area(key="attn.text").value == query["text"]
    assert at.slider(key="attn.layer").value == 7 and at.slider(key="attn.head").value == 4
    assert at.toggle(key="attn.sinks").value is True
    written = {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}
    assert written == query
    assert "3 key/value heads shared by 9 query heads" in _texts(at.caption)


def test_widget_change_updates_url():
    """Check moving the layer slider and picking a preset writes the new state to the URL."""
    at = run_page(PAGE)
    at.slider(key="attn.layer").set_value(3).run()
    assert at.query_params["layer"] in ("3", ["3"])
    at.selectbox(key="attn_preset").select_index(1).run()
    assert not at.exception
    assert at.text_area(key="attn.text").value == "France is a country. It is beautiful."
    assert "France" in str(at.query_params["text"])


def test_bad_url_values_are_clamped_or_dropped():
    """Check an out-of-range layer is clamped to the model and junk values fall back to defaults."""
    at = run_page(PAGE, {"layer": "99", "head": "-4", "view": "<script>", "model": "nope", "query": "500"})
    assert not at.exception
    assert at.slider(key="attn.layer").value == 5 and at.slider(key="attn.head").value == 0
    assert at.radio(key="attn.model").value == "minilm"


def test_empty_text_warns_then_recovers():
    """Check blank text warns (no traceback) and typed text afterwards is kept, compare mode too."""
    at = run_page(PAGE, {"text": "   ", "compare": "second sentence"})
    assert not at.exception
    assert "empty" in _texts(at.warning)
    at.text_area(key="attn.text").input("Love is all that matters.").run()
    assert not at.exception and not at.warning
    assert at.text_area(key="attn.text").value == "Love is all that matters."
    assert at.radio(key="attn.compare").value == "second sentence"


def test_script_emoji_cjk_rtl_text_is_handled():
    """Check HTML/script, emoji, CJK and RTL text runs and is shown as text, never as HTML."""
    text = "<script>alert(1)</script> 😀 猫が座った مرحبا"
    at = run_page(PAGE, {"text": text})
    assert not at.exception and not at.error
    assert at.text_area(key="attn.text").value == text
    assert "<script>" not in _texts(at.markdown)


def test_long_text_is_truncated_with_notice():
    """Check text over 512 tokens is cut with a notice and 'auto' switches to top-k edges."""
    at = run_page(PAGE, {"text": "word " * 700})
    assert not at.exception
    assert "702 tokens; only the first 512" in _texts(at.warning)
    assert "Top-8 keys per query: 4,096 of 262,144 cells" in _texts(at.caption)


def test_hub_model_offline_shows_error():
    """Check a hub id that cannot be downloaded gives a clear st.error, and a bad id is refused."""
    at = run_page(PAGE, {"model": "hub", "hub": "someone/some-model"})
    assert not at.exception and "Could not load the model" in _texts(at.error)
    at = run_page(PAGE, {"model": "hub", "hub": "../../etc"})
    assert not at.exception and "hub id looks like" in _texts(at.error)


def test_views_and_compare_modes_run():
    """Check bertviz views, rollout and both compare modes run without exceptions."""
    for query in ({"view": "head view"}, {"view": "model view", "model": "smollm2"},
                  {"show": "rollout", "sinks": "1"}, {"compare": "second sentence"},
                  {"compare": "mask a token", "mask": "6"}):
        at = run_page(PAGE, query)
        assert not at.exception, query
        assert not at.error, query
    assert "replaced by [MASK]" in _texts(at.caption)
