"""Unit tests for explorer.tokenizers.adapters: every built-in tokenizer behind one adapter."""
import unicodedata

import numpy as np
import pytest

from explorer.core import models
from explorer.core.tokenizer_loaders import phi3_vocab_dir
from explorer.tokenizers.adapters import MAX_CHARS, TokenizeConfig, check_text
from explorer.tokenizers.byte_pieces import byte_alphabet, from_alphabet, show_bytes, to_alphabet
from explorer.tokenizers.decode import decode, parse_ids

PLAIN = TokenizeConfig(add_special_tokens=False)
CORPUS = [
    "", "Hello world", "  leading and trailing  ", "tabs\tand\nnewlines\r\n", "naïve café",
    "日本語のテキスト", "emoji 👩‍💻 family 👨‍👩‍👧 flag 🇫🇷", "RTL مرحبا بالعالم עברית",
    "NUL \x00 and ESC \x1b", "<script>alert('x')</script>", "z̸̢a̵l̶g̷o", "1234567890.123",
]
EXACT = [k for k in models.TOKENIZER_KEYS if k != "bert"]


@pytest.mark.parametrize("key", EXACT)
def test_decode_encode_is_identity(adapters, key):
    """Check decode(encode(x)) == x for every byte-exact tokenizer over the edge corpus."""
    tok = adapters[key]
    for text in CORPUS:
        ids = tok.tokenize(text, PLAIN).ids.tolist()
        assert tok.decode(ids) == text, (key, text)


def _bert_normal(text: str) -> str:
    """BERT uncased's documented normaliser: lowercase, strip accents, drop controls and spaces."""
    nfd = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in nfd if unicodedata.category(c)[0] not in "MC" and not c.isspace())


def test_bert_round_trip_is_its_documented_normalisation(adapters):
    """Check BERT uncased decodes to the lowercased, accent-stripped text ([UNK] for emoji)."""
    tok = adapters["bert"]
    for text in CORPUS:
        back = tok.decode(tok.tokenize(text, PLAIN).ids.tolist())
        if "👩" in text:
            assert back.count("[UNK]") == 3
            continue
        assert "".join(back.split()) == _bert_normal(text), text
    assert tok.decode(tok.tokenize("Naïve Café", PLAIN).ids.tolist()) == "naive cafe"


@pytest.mark.parametrize("key", EXACT)
def test_spans_tile_the_text_exactly(adapters, key):
    """Check the typed tokens' byte spans cover the UTF-8 text in order, with no gap or overlap."""
    tok = adapters[key]
    for text in CORPUS:
        t = tok.tokenize(text, PLAIN)
        data = text.encode()
        assert b"".join(data[s:e] for s, e in zip(t.starts, t.ends)) == data
        assert (t.starts[1:] == t.ends[:-1]).all() if t.n_tokens > 1 else True


def test_cjk_and_emoji_bytes_show_as_bytes_not_replacement(adapters):
    """Check GPT-2's partial-character tokens show as <0xNN> bytes, never U+FFFD."""
    t = adapters["gpt2"].tokenize("你好 🤖", PLAIN)
    shown = [show_bytes(r) for r in t.raw]
    assert shown == ["<0xE4><0xBD>", "<0xA0>", "<0xE5><0xA5>", "<0xBD>", " <0xF0><0x9F>",
                     "<0xA4>", "<0x96>"]
    assert not any("\ufffd" in s for s in shown)
    assert b"".join(t.raw) == "你好 🤖".encode()


def test_sentencepiece_byte_fallback_spans_split_one_character(adapters):
    """Check Phi-3's four byte-fallback tokens for 🤖 get one byte of the emoji each."""
    t = adapters["phi3"].tokenize("🤖", PLAIN)
    assert t.pieces == ("▁", "<0xF0>", "<0x9F>", "<0xA4>", "<0x96>")
    assert t.starts.tolist()[1:] == [0, 1, 2, 3] and t.ends.tolist()[1:] == [1, 2, 3, 4]


def test_show_bytes_hand_cases():
    """Check valid text stays text, broken UTF-8 and controls become bytes, spaces optional."""
    assert show_bytes("你".encode()[:2]) == "<0xE4><0xBD>"
    assert show_bytes(b"a\x00b") == "a<0x00>b"
    assert show_bytes(b" hi\n\t", visible_space=True) == "·hi↵⇥"
    assert show_bytes("é".encode() + b"\xff") == "é<0xFF>"
    assert show_bytes("👩\u200d💻 \u202eabc".encode()) == "👩<U+200D>💻 <U+202E>abc"


def test_byte_alphabet_matches_gpt2_conventions():
    """Check the byte-level alphabet: space is Ġ, newline Ċ, and it round-trips all bytes."""
    assert len(set(byte_alphabet().values())) == 256
    assert to_alphabet(b" hi\n") == "ĠhiĊ"
    assert from_alphabet(to_alphabet(bytes(range(256)))) == bytes(range(256))
    assert from_alphabet("▁x") is None


def test_bert_special_token_accounting(adapters):
    """Check BERT adds exactly [CLS]=101 first and [SEP]=102 last, marked as added."""
    t = adapters["bert"].tokenize("I love NPL.")
    assert t.ids.tolist() == [101, 1045, 2293, 27937, 2140, 1012, 102]
    assert t.added.tolist() == [True, False, False, False, False, False, True]
    assert t.pieces[0] == "[CLS]" and t.pieces[-1] == "[SEP]"
    assert adapters["bert"].tokenize("I love NPL.", PLAIN).n_tokens == 5


@pytest.mark.parametrize("key,added", [("gpt2", []), ("cl100k", []), ("o200k", []),
                                       ("qwen3", []), ("smollm2-tok", []), ("phi3", [1]),
                                       ("llama3", [128000])])
def test_added_special_tokens_per_tokenizer(adapters, key, added):
    """Check which IDs each tokenizer adds with add_special_tokens (Phi-3 <s>, Llama-3 BOS)."""
    t = adapters[key].tokenize("hi")
    assert t.ids[t.added].tolist() == added


def test_typed_special_text_is_refused_by_tiktoken_and_parsed_by_bert(adapters):
    """Check '<|endoftext|>' typed into GPT-2 is refused (plain reading kept), while '[SEP]' typed into BERT is 102."""
    gpt2 = adapters["gpt2"].tokenize("a <|endoftext|> b", PLAIN)
    assert 50256 not in gpt2.ids.tolist() and "refuses" in gpt2.refused and gpt2.spelled.sum() == 7
    bert = adapters["bert"].tokenize("a [SEP] b", PLAIN)
    assert 102 in bert.ids.tolist() and not bert.added.any() and bert.typed.tolist() == [False, True, False]


def test_phi3_matches_llama_cpp_reference_ids(adapters):
    """Check Phi-3 ids equal llama.cpp's expected ids on its own tokenizer test inputs."""
    folder = phi3_vocab_dir()
    if not (folder / "ggml-vocab-phi-3.gguf.out").exists():
        pytest.skip("llama.cpp phi-3 reference files not prepared (make models)")
    texts = (folder / "ggml-vocab-phi-3.gguf.inp").read_text("utf-8").split("\n__ggml_vocab_test__\n")
    expected = (folder / "ggml-vocab-phi-3.gguf.out").read_text("utf-8").split("\n")
    assert len(texts) == len(expected) > 40
    for text, want in zip(texts, expected):
        got = adapters["phi3"].tokenize(text, PLAIN).ids.tolist()
        assert got == [int(x) for x in want.split()], text


def test_stats_hand_worked(adapters):
    """Check counts for 'Hello world' on GPT-2: 2 tokens, 11 bytes, 5.5 bytes/token, 1 token/word."""
    s = adapters["gpt2"].tokenize("Hello world").stats()
    assert s["tokens"] == 2 and s["bytes"] == 11 and s["bytes_per_token"] == 5.5
    assert s["tokens_per_word"] == 1.0 and s["context_used"] == 2 / 1024


def test_oversized_and_broken_text_is_refused():
    """Check text past the limit is refused naming the limit, and lone surrogates are refused."""
    with pytest.raises(ValueError, match="20,000"):
        check_text("x" * (MAX_CHARS + 1))
    with pytest.raises(ValueError, match="surrogate"):
        check_text("a\ud83d")
    with pytest.raises(ValueError):
        TokenizeConfig(max_chars=0)


def test_decode_ids_and_bad_ids(adapters):
    """Check decode returns text and pieces, and names IDs outside the vocabulary."""
    dec = decode(adapters["bert"], parse_ids("[101, 7592, 102]"))
    assert dec.text == "[CLS] hello [SEP]" and dec.pieces == ("[CLS]", "hello", "[SEP]")
    with pytest.raises(ValueError, match="30522"):
        decode(adapters["bert"], [30522])
    with pytest.raises(ValueError, match="99999999"):
        decode(adapters["gpt2"], [1, 99999999])
    half = decode(adapters["gpt2"], [19526])  # first two bytes of 你
    assert half.shown == "<0xE4><0xBD>" and "\ufffd" in half.text


@pytest.mark.parametrize("bad", ["", "1, two", "-5", "1.5", "１２"])
def test_parse_ids_rejects_junk(bad):
    """Check parse_ids refuses empty input, words, negatives, decimals and full-width digits."""
    with pytest.raises(ValueError):
        parse_ids(bad)


def test_hub_tokenizer_fails_fast_offline(monkeypatch):
    """Check a hub id fails with a clear message offline, and a malformed id is refused."""
    from explorer.core.sources import ModelUnavailable
    from explorer.tokenizers.hub import load_hub

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailable, match="cannot be reached"):
        load_hub("google-bert/bert-base-cased")
    with pytest.raises(ValueError, match="org/model-name"):
        load_hub("<script>")


def test_ids_dtype_and_shapes(adapters):
    """Check every per-token array has one entry per token."""
    t = adapters["smollm2-tok"].tokenize("shape check")
    n = t.n_tokens
    assert t.ids.dtype == np.int64 and t.starts.shape == t.ends.shape == t.added.shape == (n,)
    assert len(t.pieces) == len(t.raw) == n


@pytest.mark.parametrize("key,digits", [
    ("gpt2", ["Ġ123", "45", "67"]), ("cl100k", ["123", "456", "7"]), ("o200k", ["123", "456", "7"]),
    ("llama3", ["123", "456", "7"]), ("qwen3", list("1234567")), ("smollm2-tok", list("1234567")),
    ("phi3", list("1234567")), ("bert", ["123", "##45", "##6", "##7"]),
])
def test_number_preset_remark_matches_real_tokenizers(adapters, key, digits):
    """Check what the 'number' preset's remark says about how each tokenizer cuts 1234567."""
    from explorer.tokenizers.presets import PRESETS

    pieces = adapters[key].tokenize(PRESETS["number"].text, PLAIN).pieces
    start = next(i for i, p in enumerate(pieces) if p.lstrip("Ġ▁").startswith("1"))
    assert list(pieces[start:start + len(digits)]) == digits
