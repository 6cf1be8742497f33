"""Unit tests for the typed-control-token rule (explorer.core.encoding) on every built-in tokenizer."""
import copy

import pytest

from explorer.core import models
from explorer.core.encoding import (
    ControlTokenRefused, control_strings, encode, is_tiktoken, library_default, typed_controls,
)

TYPED = ["[CLS]", "[SEP]", "[PAD]", "[MASK]", "<|endoftext|>", "<|im_start|>", "<|im_end|>",
         "<|begin_of_text|>", "<s>", "</s>"]


@pytest.fixture(scope="module", params=models.TOKENIZER_KEYS)
def tokenizer(request):
    """Each built-in tokenizer, as the app loads it."""
    return request.param, models.load_tokenizer(request.param).obj


def _split_reference(tok, text, add_special_tokens=True):
    """HF's own plain-text encoding, on a private copy (the call reconfigures the tokenizer)."""
    private = copy.deepcopy(tok)
    return private(text, add_special_tokens=add_special_tokens, split_special_tokens=True)["input_ids"]


@pytest.mark.parametrize("typed", TYPED)
def test_both_modes_match_what_each_library_does(tokenizer, typed):
    """Check 'library' is the library's default and 'text' its plain-text encoding, for every typed string."""
    key, tok = tokenizer
    text = f"Hello {typed} world"
    controls = control_strings(tok)
    if is_tiktoken(tok):
        if typed in controls:
            with pytest.raises(ControlTokenRefused, match="plain text"):
                encode(tok, text)
            with pytest.raises(ValueError):  # tiktoken's own default refuses it too
                tok.encode(text)
        else:
            assert encode(tok, text) == tok.encode(text)
        assert encode(tok, text, control="text") == tok.encode_ordinary(text)
        assert not set(encode(tok, text, control="text")) & set(controls.values())
        return
    assert encode(tok, text) == tok(text)["input_ids"]
    plain = encode(tok, text, add_special_tokens=False, control="text")
    reference = _split_reference(tok, text, False)
    if typed in controls:
        assert controls[typed] in encode(tok, text, add_special_tokens=False)
        assert controls[typed] not in plain
    # Where HF's split_special_tokens really splits, the ids are the same; Phi-3's
    # converted tokenizer keeps '</s>' whole even then, and plain text here does not.
    if not (typed in controls and controls[typed] in reference):
        assert plain == reference
        assert encode(tok, text, control="text") == _split_reference(tok, text)


def test_known_ids(tokenizer):
    """Check the IDs the issue names: BERT parses [CLS]/[SEP]/[PAD] as 101/102/0, SmolLM2 <|im_end|> as 2."""
    key, tok = tokenizer
    if key == "bert":
        assert encode(tok, "[CLS] [SEP] [PAD]", add_special_tokens=False) == [101, 102, 0]
        assert 101 not in encode(tok, "[CLS]", add_special_tokens=False, control="text")
    if key == "smollm2-tok":
        assert encode(tok, "<|im_end|><|im_start|>", add_special_tokens=False) == [2, 1]
    if key in ("gpt2", "cl100k"):
        assert 0 < len(encode(tok, "<|endoftext|>", control="text")) > 1
    assert library_default(tok) == ("refused by default: the text contains a control token"
                                    if is_tiktoken(tok) else "parsed as control tokens")


def test_typed_controls_are_located(tokenizer):
    """Check typed control strings are found with their offsets and ids, longest match first."""
    key, tok = tokenizer
    controls = control_strings(tok)
    typed = next((t for t in TYPED if t in controls), None)
    if typed is None:
        pytest.skip(f"{key} has none of the typed strings as a control token")
    text = f"ab {typed}{typed} c"
    found = typed_controls(tok, text)
    assert [(f.start, f.text, f.token_id) for f in found] == \
        [(3, typed, controls[typed]), (3 + len(typed), typed, controls[typed])]
    assert typed_controls(tok, "plain words") == []


def test_plain_mode_truncates_and_keeps_added_specials(tokenizer):
    """Check max_length cuts the text but keeps [CLS]/[SEP] in plain-text mode too."""
    key, tok = tokenizer
    ids = encode(tok, "[CLS] " + "word " * 50, max_length=6, control="text")
    assert len(ids) == 6
    if key == "bert":
        assert ids[0] == 101 and ids[-1] == 102 and 101 not in ids[1:-1]


def test_unknown_mode_is_refused():
    """Check a control mode outside CONTROL_MODES raises ValueError."""
    tok = models.load_tokenizer("gpt2").obj
    with pytest.raises(ValueError):
        encode(tok, "x", control="maybe")
