"""Unit tests: typed control-token strings through the inspector's adapters, both modes, every built-in tokenizer."""
import pytest

from explorer.core import models
from explorer.core.encoding import ControlTokenRefused, control_strings, encode, is_tiktoken
from explorer.tokenizers.adapters import TokenizeConfig
from explorer.tokenizers.byte_pieces import char_to_byte_offsets
from explorer.tokenizers.plain_text import hf_plain, origin_classes
from tests.unit._backend_spy import spied

TYPED = ["[CLS]", "[SEP]", "[PAD]", "[MASK]", "<|endoftext|>", "<|im_start|>", "<|im_end|>",
         "<|begin_of_text|>", "<s>", "</s>"]
REFUSED = "refused"
PLAIN = {  # the plain-text reading (split_special_tokens=True / encode_ordinary), add_special_tokens=False
    'gpt2': {
        '[CLS]': [58, 5097, 50, 60], '[SEP]': [58, 5188, 47, 60], '[PAD]': [58, 47, 2885, 60],
        '[MASK]': [58, 31180, 42, 60], '<|endoftext|>': [27, 91, 437, 1659, 5239, 91, 29],
        '<|im_start|>': [27, 91, 320, 62, 9688, 91, 29], '<|im_end|>': [27, 91, 320, 62, 437, 91, 29],
        '<|begin_of_text|>': [27, 91, 27471, 62, 1659, 62, 5239, 91, 29], '<s>': [27, 82, 29],
        '</s>': [3556, 82, 29],
    },
    'cl100k': {
        '[CLS]': [58, 88816, 60], '[SEP]': [58, 82476, 60], '[PAD]': [43447, 1846, 60],
        '[MASK]': [40479, 7536, 60], '<|endoftext|>': [27, 91, 8862, 728, 428, 91, 29],
        '<|im_start|>': [27, 91, 318, 5011, 91, 29], '<|im_end|>': [27, 91, 318, 6345, 91, 29],
        '<|begin_of_text|>': [27, 91, 7413, 3659, 4424, 91, 29], '<s>': [45147, 29], '</s>': [524, 82, 29],
    },
    'o200k': {
        '[CLS]': [58, 180595, 60], '[SEP]': [58, 152913, 60], '[PAD]': [58, 92158, 60],
        '[MASK]': [98407, 15202, 60], '<|endoftext|>': [27, 91, 419, 1440, 919, 91, 29],
        '<|im_start|>': [27, 91, 321, 10949, 91, 29], '<|im_end|>': [27, 91, 321, 13707, 91, 29],
        '<|begin_of_text|>': [27, 91, 15563, 8023, 9118, 91, 29], '<s>': [101950, 29], '</s>': [808, 82, 29],
    },
    'llama3': {
        '[CLS]': [58, 88816, 60], '[SEP]': [58, 82476, 60], '[PAD]': [43447, 1846, 60],
        '[MASK]': [40479, 7536, 60], '<|endoftext|>': [27, 91, 8862, 728, 428, 91, 29],
        '<|im_start|>': [27, 91, 318, 5011, 91, 29], '<|im_end|>': [27, 91, 318, 6345, 91, 29],
        '<|begin_of_text|>': [27, 91, 7413, 3659, 4424, 91, 29], '<s>': [45147, 29], '</s>': [524, 82, 29],
    },
    'qwen3': {
        '[CLS]': [58, 87716, 60], '[SEP]': [58, 81376, 60], '[PAD]': [42347, 1808, 60],
        '[MASK]': [39379, 7384, 60], '<|endoftext|>': [27, 91, 8691, 723, 427, 91, 29],
        '<|im_start|>': [27, 91, 318, 4906, 91, 29], '<|im_end|>': [27, 91, 318, 6213, 91, 29],
        '<|begin_of_text|>': [27, 91, 7265, 3575, 4326, 91, 29], '<s>': [44047, 29], '</s>': [522, 82, 29],
    },
    'bert': {
        '[CLS]': [1031, 18856, 2015, 1033], '[SEP]': [1031, 19802, 1033], '[PAD]': [1031, 11687, 1033],
        '[MASK]': [1031, 7308, 1033], '<|endoftext|>': [1026, 1064, 2203, 15794, 10288, 2102, 1064, 1028],
        '<|im_start|>': [1026, 1064, 10047, 1035, 2707, 1064, 1028],
        '<|im_end|>': [1026, 1064, 10047, 1035, 2203, 1064, 1028],
        '<|begin_of_text|>': [1026, 1064, 4088, 1035, 1997, 1035, 3793, 1064, 1028], '<s>': [1026, 1055, 1028],
        '</s>': [1026, 1013, 1055, 1028],
    },
    'smollm2-tok': {
        '[CLS]': [75, 7430, 67, 77], '[SEP]': [75, 6493, 64, 77], '[PAD]': [75, 64, 3907, 77],
        '[MASK]': [75, 61, 34260, 77], '<|endoftext|>': [44, 108, 486, 1714, 2692, 108, 46],
        '<|im_start|>': [44, 108, 306, 79, 3738, 108, 46], '<|im_end|>': [44, 108, 306, 79, 486, 108, 46],
        '<|begin_of_text|>': [44, 108, 21083, 79, 1714, 79, 2692, 108, 46], '<s>': [44, 99, 46],
        '</s>': [9617, 99, 46],
    },
    'phi3': {
        '[CLS]': [518, 6154, 29903, 29962], '[SEP]': [518, 1660, 29925, 29962],
        '[PAD]': [518, 29925, 3035, 29962], '[MASK]': [518, 1529, 16033, 29962],
        '<|endoftext|>': [529, 29989, 355, 974, 726, 29989, 29958],
        '<|im_start|>': [529, 29989, 326, 29918, 2962, 29989, 29958],
        '<|im_end|>': [529, 29989, 326, 29918, 355, 29989, 29958],
        '<|begin_of_text|>': [529, 29989, 463, 29918, 974, 29918, 726, 29989, 29958],
        '<s>': [529, 29879, 29958], '</s>': [1533, 29879, 29958],
    },
}
LIBRARY = {  # the library's default where it differs: HF parses the control token, tiktoken refuses
    'gpt2': {'<|endoftext|>': REFUSED},
    'cl100k': {'<|endoftext|>': REFUSED},
    'o200k': {'<|endoftext|>': REFUSED},
    'llama3': {'<|begin_of_text|>': REFUSED},
    'qwen3': {'<|endoftext|>': REFUSED, '<|im_start|>': REFUSED, '<|im_end|>': REFUSED},
    'bert': {'[CLS]': [101], '[SEP]': [102], '[PAD]': [0], '[MASK]': [103]},
    'smollm2-tok': {'<|endoftext|>': [0], '<|im_start|>': [1], '<|im_end|>': [2]},
    'phi3': {'<|endoftext|>': [32000], '<s>': [1], '</s>': [2]},
}
LIBRARY_MODE = TokenizeConfig(add_special_tokens=False)
TEXT_MODE = TokenizeConfig(add_special_tokens=False, control="text")


@pytest.mark.parametrize("typed", TYPED)
@pytest.mark.parametrize("key", models.TOKENIZER_KEYS)
def test_typed_string_gives_each_librarys_ids_in_both_modes(adapters, key, typed):
    """Check the IDs of a typed control string alone: the library's default (or its refusal) and the plain text."""
    lib, text = adapters[key].tokenize(typed, LIBRARY_MODE), adapters[key].tokenize(typed, TEXT_MODE)
    want = LIBRARY[key].get(typed, PLAIN[key][typed])
    assert text.ids.tolist() == PLAIN[key][typed] and not text.refused and text.n_typed == 0
    if want == REFUSED:
        assert "plain text" in lib.refused and lib.ids.tolist() == PLAIN[key][typed]
        assert lib.spelled.all() and lib.n_typed == 0
    else:
        assert lib.ids.tolist() == want and not lib.refused
    is_control = typed in control_strings(adapters[key].obj)
    assert lib.n_strings == text.n_strings == int(is_control)
    assert lib.n_typed == int(is_control and not is_tiktoken(adapters[key].obj))
    assert text.spelled.all() == is_control and (text.spelled.any() == is_control)


@pytest.mark.parametrize("typed", TYPED)
@pytest.mark.parametrize("key", models.TOKENIZER_KEYS)
def test_typed_string_inside_text_follows_the_core_rule(adapters, key, typed):
    """Check adapter IDs equal core encode() in both modes, with the tokenizer's own specials added."""
    tok, text = adapters[key].obj, f"Hello {typed} world"
    bos = [128000] if key == "llama3" else []  # quicktok's plain BPE lacks the HF tokenizer's BOS
    for control in ("library", "text"):
        got = adapters[key].tokenize(text, TokenizeConfig(control=control))
        try:
            want = encode(tok, text, control=control)
        except ControlTokenRefused:
            want = encode(tok, text, control="text")
            assert got.refused
        assert got.ids.tolist() == (bos + want if is_tiktoken(tok) else want)
        assert control == "library" or not got.typed.any()


@pytest.mark.parametrize("key", models.TOKENIZER_KEYS)
def test_typed_and_spelled_tokens_sit_on_the_typed_string(adapters, key):
    """Check a parsed control token's span is exactly the typed string, and plain pieces cover it."""
    tok = adapters[key].obj
    typed = next((t for t in TYPED if t in control_strings(tok)), None)
    if typed is None:
        pytest.skip(f"{key} has none of the typed strings as a control token")
    text = f"ab {typed} cd"
    lo, hi = char_to_byte_offsets(text)[3], char_to_byte_offsets(text)[3 + len(typed)]
    lib = adapters[key].tokenize(text, TokenizeConfig(control="library"))
    plain = adapters[key].tokenize(text, TokenizeConfig(control="text"))
    if not is_tiktoken(tok):
        assert lib.starts[lib.typed].tolist() == [lo] and lib.ends[lib.typed].tolist() == [hi]
    spans = [(s, e) for s, e in zip(plain.starts[plain.spelled], plain.ends[plain.spelled])]
    covered = {b for s, e in spans for b in range(s, e)}
    assert set(range(lo, hi)) <= covered and all(e > lo and s < hi for s, e in spans)
    assert not (plain.spelled & plain.added).any() and not plain.typed.any()


@pytest.mark.parametrize("key", ["bert", "smollm2-tok", "phi3"])
def test_hf_plain_offsets_match_core_ids(adapters, key):
    """Check the offset-carrying plain reading gives core's plain-text IDs on odd text."""
    tok = adapters[key].obj
    for text in ["", "Héllo [CLS] <s> wörld <|im_end|>x 東京 🤖", "a\n\n<|endoftext|>\t</s>", "  [SEP][SEP]  "]:
        ids, offsets = hf_plain(tok, text)
        assert ids == encode(tok, text, add_special_tokens=False, control="text")
        assert len(offsets) == len(ids) and all(0 <= s <= e <= len(text) for s, e in offsets)


def test_added_and_typed_are_counted_apart(adapters):
    """Check BERT's '[CLS] hi [SEP]': added by the tokenizer 2, typed control tokens 2; plain text: 2 and 0."""
    lib = adapters["bert"].tokenize("[CLS] hi [SEP]")
    assert lib.ids.tolist() == [101, 101, 7632, 102, 102]
    assert (lib.n_added, lib.n_typed, lib.n_strings) == (2, 2, 2)
    assert origin_classes(lib) == ["added", "typed", "", "typed", "added"]
    plain = adapters["bert"].tokenize("[CLS] hi [SEP]", TokenizeConfig(control="text"))
    assert plain.ids.tolist() == [101, 1031, 18856, 2015, 1033, 7632, 1031, 19802, 1033, 102]
    assert (plain.n_added, plain.n_typed, int(plain.spelled.sum())) == (2, 0, 7)


def test_shared_tokenizer_is_never_reconfigured(adapters):
    """Check tokenizing in both modes calls nothing that reconfigures an HF backend, and its settings stay."""
    for key in ("bert", "smollm2-tok", "phi3"):
        adapter, spy = spied(adapters[key])
        for control in ("library", "text"):
            for special in (True, False):
                adapter.tokenize("Hi [CLS] <|im_end|> </s> x", TokenizeConfig(special, control=control))
        assert spy.log == [], key
        backend = adapters[key].obj.backend_tokenizer
        assert backend.truncation is None and backend.padding is None
        assert backend.encode_special_tokens is False and adapters[key].obj.split_special_tokens is False
    adapter.obj("x", padding="max_length", max_length=4)  # the spy does see a reconfiguring call
    assert "enable_padding" in spy.log


def test_bad_control_mode_is_refused():
    """Check a control mode outside CONTROL_MODES is a ValueError, not a silent default."""
    with pytest.raises(ValueError, match="control"):
        TokenizeConfig(control="maybe")


def test_long_text_of_typed_strings_stays_bounded(adapters):
    """Check 6,000 typed '<s>' (18,000 characters) are marked without a token x string matrix."""
    t = adapters["phi3"].tokenize("<s>" * 6000, TokenizeConfig(control="text"))
    assert t.n_strings == 6000 and t.spelled.sum() == t.n_tokens - t.n_added
    assert adapters["phi3"].tokenize("<s>" * 6000).n_typed == 6000
