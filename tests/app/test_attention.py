"""AppTest: the Attention page runs, restores its URL state and handles bad input calmly."""
import pytest

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
    assert r"replaced by \[MASK\]" in _texts(at.caption)  # the tokenizer's own text, markdown-escaped


MARKDOWN = "[x](http://e) ![i](http://e/i.png) `tick` *star* # hash"


def _shown(at) -> str:
    """Every text Streamlit renders as markdown: markdown, captions, headers and alerts."""
    kinds = ("markdown", "caption", "subheader", "info", "warning", "error", "success")
    return " ".join(_texts(getattr(at, kind)) for kind in kinds)


def test_control_switch_reads_typed_sep_as_text_and_says_so():
    """Check a typed [SEP] is a control token by default (warned, 6 tokens) and plain text with control=text."""
    at = run_page(PAGE, {"text": "the cat [SEP] sat"})
    assert not at.exception and at.radio(key="attn.control").value == "library"
    assert "6 tokens" in _texts(at.caption) and "typed control tokens: 1" in _texts(at.warning)
    at.radio(key="attn.control").set_value("text").run()
    assert not at.exception and at.query_params["control"] in ("text", ["text"])
    assert "8 tokens" in _texts(at.caption) and "as plain text" in _texts(at.info)


def test_markdown_in_text_is_shown_as_typed():
    """Check a link, an image, backticks, * and # typed in the text never become markdown anywhere."""
    at = run_page(PAGE, {"text": MARKDOWN, "query": "1"})
    assert not at.exception and not at.error
    shown = _shown(at)
    assert "](http" not in shown and "![i]" not in shown and "`tick`" not in shown
    assert "\\[" in shown and "\\]" in shown  # the token '[' is there, escaped


def test_markdown_in_hub_id_is_escaped_in_the_error():
    """Check a hub id shaped like a link is refused with the id shown as text, not as a link."""
    at = run_page(PAGE, {"model": "hub", "hub": "[Verify your account](http://e)"})
    assert not at.exception and at.error
    assert "](http" not in _shown(at) and "\\[Verify your account\\]" in _texts(at.error)


def _tiny_hub(monkeypatch, tmp_path, family: str) -> str:
    """Serve a tiny random `family` model saved to tmp_path as a hub model; return its (fake) hub id."""
    from explorer.core import models
    from tests.unit.tiny_families import build

    model, tok = build(family)
    model.save_pretrained(tmp_path)
    tok.save_pretrained(tmp_path)
    hub_id = f"tiny/{family}-{tmp_path.name}"

    def load(wanted: str, cls_name: str, device, like):
        assert wanted == hub_id
        net, tokenizer = models._hf_lm(tmp_path, device, cls_name)
        spec = models.ModelSpec(hub_id, hub_id, like.role, None, hub_id, "test", 512)
        return models.Loaded(spec, (net, tokenizer), f"test {hub_id}", 0.0)

    monkeypatch.setattr(models, "_load_hub", load)
    return hub_id


@pytest.mark.parametrize("family, scaling", [("t5", "× 1 (no scaling: T5"), ("bart", "× 1/√8")])
def test_encoder_decoder_hub_model_shows_its_three_attentions(monkeypatch, tmp_path, family, scaling):
    """Check a T5 / BART hub model gets cross, decoder and encoder views, each with show-the-work."""
    hub = _tiny_hub(monkeypatch, tmp_path, family)
    at = run_page(PAGE, {"model": "hub", "hub": hub, "kind": "encoder-decoder", "part": "cross",
                         "text": "the cat sat on the mat", "target": "the dog ran"})
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "4 decoder tokens × " in _texts(at.caption) and "cross-attention" in _texts(at.caption)
    md = _texts(at.markdown)
    assert "of the cross-attention" in md and "decoder token 3" in md and scaling in md
    at.radio(key="attn.part").set_value("decoder").run()
    assert not at.exception and "causal" in _texts(at.caption) and "of the decoder" in _texts(at.markdown)
    at.radio(key="attn.part").set_value("encoder").run()
    assert not at.exception and "encoder (bidirectional" in _texts(at.caption)
    for view in ("grid", "head view", "model view"):
        at.radio(key="attn.part").set_value("cross").run()
        at.segmented_control(key="attn.view").set_value(view).run()
        assert not at.exception and not at.error, view


def test_bounded_store_evicts_by_entries_and_bytes_and_computes_once():
    """Check the run store drops the least recently used past its entry and byte caps, and shares one compute."""
    import threading

    import numpy as np

    from pages.attention.cache import BoundedStore

    store = BoundedStore(max_entries=3, max_bytes=350)
    for name in "abc":
        store.get(name, lambda: np.zeros(100, np.uint8))
    store.get("a", lambda: pytest.fail("cached"))  # 'a' is now the most recent
    store.get("d", lambda: np.zeros(100, np.uint8))  # a 4th entry: 'b', the least recent, goes
    assert store.held == 300 and store.get("b", lambda: "gone") == "gone"  # 'b' back in, 'c' out
    store.get("big", lambda: np.zeros(300, np.uint8))  # a 4th entry, then 400 bytes > 350: "a" and "d" go
    assert store.held == 300 and store.get("b", lambda: pytest.fail("kept")) == "gone"
    assert store.get("d", lambda: "recomputed") == "recomputed"
    calls, gate = [], threading.Event()

    def slow():
        calls.append(1)
        gate.wait(5)
        return np.zeros(10, np.uint8)

    threads = [threading.Thread(target=store.get, args=("e", slow)) for _ in range(4)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(10)
    assert calls == [1]
    with pytest.raises(ZeroDivisionError):
        store.get("z", lambda: 1 / 0)
    assert store.get("z", lambda: "ok") == "ok" and "z" not in store._computing  # a failure stores nothing
    expired = BoundedStore(max_entries=3, max_bytes=250, ttl_s=-1)
    expired.get("x", lambda: np.zeros(1))
    assert expired.get("x", lambda: "again") == "again"


def test_kept_run_is_float16_with_float32_hidden_states():
    """Check the page keeps MiniLM's weights as read-only float16 and its hidden states as float32."""
    import numpy as np

    from pages.attention import cache

    att = cache.attention(cache.RunKey("minilm", "", "encoder", "The cat sat on the mat."))
    assert att.weights.dtype == np.float16 and not att.weights.flags.writeable
    assert att.hidden.dtype == np.float32 and att.hidden.shape == (7, len(att.tokens), 384)
