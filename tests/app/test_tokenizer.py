"""AppTest: the Tokenizer inspector page in every mode, its URL state and bad input."""
import pytest

from tests.app._apptest import run_page

PAGE = "pages/tokenizer/page.py"


def _texts(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_default_compare_view_shows_four_tokenizers():
    """Check the default page tokenizes 'I love NPL.' with 4 tokenizers and compares to the notes."""
    at = run_page(PAGE)
    assert not at.exception and not at.error
    counts = at.dataframe[0].value
    assert list(counts["tokenizer"]) == ["GPT-2 BPE", "cl100k_base (GPT-4)",
                                         "BERT WordPiece (MiniLM)", "Phi-3 SentencePiece"]
    assert counts.loc[2, "tokens"] == 7 and counts.loc[2, "special tokens"] == 2
    assert "`[CLS]`=101, `[SEP]`=102" in _texts(at)
    assert "Notes (bert-base-cased)" in _texts(at)
    assert "text" not in at.query_params and "tk" not in at.query_params  # defaults stay out


def test_shared_link_restores_batch_mode():
    """Check a link with batch settings restores the widgets and the padded grid."""
    query = {"mode": "batch", "tk": "bert|gpt2", "side": "left", "padding": "max_length",
             "maxlen": "10"}
    at = run_page(PAGE, query)
    assert not at.exception and not at.error
    assert at.radio(key="tok.mode").value == "batch"
    assert at.multiselect(key="tok.tk").value == ["bert", "gpt2"]
    assert at.radio(key="tok.side").value == "left"
    assert at.number_input(key="tok.maxlen").value == 10
    assert "input_ids = [\n    [0, 0, 0, 0, 101, 14324" in at.code[0].value
    assert "row 0: '[PAD] [PAD] [PAD] [PAD] [CLS] bert is great. [SEP]'" in at.code[1].value
    assert "left" in str(at.query_params["side"]) and "10" in str(at.query_params["maxlen"])


def test_widget_changes_are_written_to_the_url_and_survive_mode_switches():
    """Check a changed text lands in the URL and batch settings survive a trip to compare mode."""
    at = run_page(PAGE)
    at.text_area(key="tok.text").set_value("unbelievable").run()
    assert "unbelievable" in str(at.query_params["text"])
    at.radio(key="tok.mode").set_value("batch").run()
    at.radio(key="tok.side").set_value("left").run()
    at.radio(key="tok.mode").set_value("compare").run()
    at.radio(key="tok.mode").set_value("batch").run()
    assert not at.exception
    assert at.radio(key="tok.side").value == "left"
    assert "unbelievable" in str(at.query_params["text"])
    at.multiselect(key="tok.tk").set_value(["qwen3"]).run()
    at.radio(key="tok.mode").set_value("chat").run()
    assert not at.multiselect  # hidden in chat mode, yet kept
    at.radio(key="tok.mode").set_value("compare").run()
    assert at.multiselect(key="tok.tk").value == ["qwen3"]


@pytest.mark.parametrize("text,kind,needle", [
    ("", "warning", "empty"),
    ("x" * 20_001, "error", "20,000"),
])
def test_empty_and_oversized_text_give_messages(text, kind, needle):
    """Check empty text warns and text past 20,000 characters is refused, naming the limit."""
    at = run_page(PAGE)
    at.text_area(key="tok.text").set_value(text).run()
    assert not at.exception
    assert any(needle in m.value for m in getattr(at, kind))


def test_hostile_text_renders_without_exception():
    """Check script tags, NUL, ZWJ emoji and right-to-left text tokenize cleanly."""
    text = "<script>alert(1)</script> \x00\x1b 👨‍👩‍👧 مرحبا <img src=x onerror=alert(2)>"
    at = run_page(PAGE, {"text": text})
    assert not at.exception and not at.error
    assert at.text_area(key="tok.text").value == text


def test_junk_url_params_fall_back_to_defaults():
    """Check invalid URL values are dropped without an error."""
    at = run_page(PAGE, {"mode": "<b>", "tk": "evil|gpt2", "maxlen": "nan", "special": "maybe"})
    assert not at.exception and not at.error
    assert at.radio(key="tok.mode").value == "compare"
    assert at.multiselect(key="tok.tk").value == ["gpt2"]


def test_preset_loads_the_notes_padding_batch():
    """Check choosing the padding preset switches to batch mode and shows the notes' rows."""
    at = run_page(PAGE)
    at.selectbox(key="tok_preset").set_value("padding").run()
    assert not at.exception
    assert at.radio(key="tok.mode").value == "batch"
    assert "[SEP] (102) is missing" in " ".join(i.value for i in at.info)
    table = at.dataframe[0].value
    assert table.loc[0, "notes (bert-base-cased)"] == "[101, 1592, 1110, 1673, 119, 0, 0]"
    assert table.loc[0, "real (MiniLM uncased, padding='longest')"] == "[101, 14324, 2003, 2307, 1012, 102, 0, 0]"


def test_chat_mode_marks_template_tokens():
    """Check chat mode reports the user's token count and parity with apply_chat_template."""
    at = run_page(PAGE, {"mode": "chat", "user": "Hi <b>x</b>"})
    assert not at.exception and not at.error
    assert "Same IDs as `apply_chat_template(tokenize=True)`: **True**" in _texts(at)
    assert "<|im_start|>user\nHi <b>x</b><|im_end|>" in at.code[0].value


def test_decode_mode_and_bad_ids():
    """Check IDs decode per tokenizer and junk or out-of-range IDs give clear errors."""
    at = run_page(PAGE, {"mode": "decode", "tk": "bert"})
    assert not at.exception and at.code[0].value == "[CLS] i love npl. [SEP]"
    at.text_area(key="tok.ids").set_value("1, banana").run()
    assert "not a token ID" in at.error[0].value
    at.text_area(key="tok.ids").set_value("99999").run()
    assert "not in its vocabulary: 99999" in at.error[0].value


def test_hub_id_offline_and_malformed(monkeypatch):
    """Check a hub tokenizer fails fast with a message offline and a bad id is refused."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    at = run_page(PAGE, {"tk": "gpt2", "hub": "google-bert/bert-base-cased"})
    assert not at.exception
    assert any("cannot be reached" in e.value for e in at.error)
    at = run_page(PAGE, {"tk": "gpt2", "hub": "<script>"})
    assert any("org/model-name" in e.value for e in at.error)


def test_no_tokenizer_selected_warns():
    """Check an empty tokenizer selection asks the user to pick one."""
    at = run_page(PAGE)
    at.multiselect(key="tok.tk").set_value([]).run()
    assert not at.exception
    assert any("Pick at least one" in w.value for w in at.warning)
