"""Unit tests for the inspector's diff, chat template, presets, state, HTML and figures."""
import html
import re

import numpy as np
import pytest

from explorer.core import models
from explorer.tokenizers import figures as figs
from explorer.tokenizers.adapters import TokenizeConfig, adapt
from explorer.tokenizers.batch import BatchConfig, make_batch
from explorer.tokenizers.chips import chip_text, id_colour, piece_strip, token_panel
from explorer.tokenizers.diff import diff_cuts, diff_tokenized
from explorer.tokenizers.presets import (
    NOTES_BATCH, PRESETS, batch_claim_rows, claim_grid, claim_matches, claim_rows, plain_pieces, preset_for,
)
from explorer.tokenizers.state import TokenizerState

XSS = "<script>alert('x')</script><img src=x onerror=alert(1)>\"'&"


@pytest.fixture(scope="module")
def toks():
    """GPT-2, BERT and SmolLM2 adapters."""
    out = {}
    for key in ("gpt2", "bert", "smollm2-tok"):
        loaded = models.load_tokenizer(key)
        out[key] = adapt(key, loaded.obj, loaded.spec.title, loaded.spec.context)
    return out


def test_diff_hand_cases():
    """Check a shared cut is agreed, an extra cut marks its segment, spaces are ignored."""
    d = diff_cuts("unbelievable", [[(0, 2), (2, 12)], [(0, 12)]])
    assert d.segments.tolist() == [[0, 12]] and d.differs.tolist() == [True]
    same = diff_cuts("a cat", [[(0, 1), (1, 5)], [(0, 1), (2, 5)]])  # ' cat' vs 'cat'
    assert same.differs.tolist() == [False, False]
    assert same.segments.tolist() == [[0, 1], [2, 5]]


def test_diff_marks_npl_and_only_its_tokens(toks):
    """Check GPT-2 vs BERT on 'I love NPL.' differ only on 'NPL' (N|PL vs np|##l)."""
    results = [toks["gpt2"].tokenize("I love NPL."), toks["bert"].tokenize("I love NPL.")]
    d = diff_tokenized(results)
    data = b"I love NPL."
    bad = [data[s:e] for (s, e), f in zip(d.segments.tolist(), d.differs) if f]
    assert bad == [b"NPL"]
    assert [p for p, f in zip(results[1].pieces, d.token_differs[1]) if f] == ["np", "##l"]
    with pytest.raises(ValueError):
        diff_tokenized([results[0], toks["gpt2"].tokenize("other")])


def test_token_panel_escapes_every_piece_of_text(toks):
    """Check script-like text reaches the HTML only escaped: no live tag or attribute."""
    t = toks["gpt2"].tokenize(XSS)
    out = token_panel(t, "p0", markers=False)
    body = out.split("</style>", 1)[1]
    assert "<script" not in body and "<img" not in body
    assert "&lt;" in body
    tags = set(re.findall(r"<\s*([a-zA-Z]+)", body))
    assert tags <= {"div", "span", "br"}
    assert "onerror=" not in re.sub(r"&[a-z#0-9]+;", "", body.replace("onerror=alert", ""))
    strip = piece_strip(t.pieces, t.raw, t.ids)
    assert "<script" not in strip.split("</style>", 1)[1]
    with pytest.raises(ValueError):
        token_panel(t, "p0{}")


def test_token_panel_links_ids_and_marks_added(toks):
    """Check each token has a chip and an ID chip sharing class k<i> and colour; [CLS] is marked."""
    t = toks["bert"].tokenize("Hi")
    out = token_panel(t, "p1", differs=np.array([False, True, False]))
    for i, token_id in enumerate(t.ids.tolist()):
        assert out.count(f"k{i}") >= 3  # chip, ID chip, hover CSS
        assert out.count(f"k{i} {id_colour(token_id)}") == 2
    assert out.count("added") >= 2 and re.search(r'class="tk k1 c\d+ diff"', out)
    assert ".tokv.p1:has(.k0:hover) .k0" in out


def test_chip_text_never_shows_replacement_char():
    """Check partial UTF-8 shows as bytes in both views; markers mode shows the vocab piece."""
    assert chip_text("ä½", "你".encode()[:2], markers=False) == "<0xE4><0xBD>"
    assert chip_text("ä½", "你".encode()[:2], markers=True) == "<0xE4><0xBD>"
    assert chip_text("Ġworld", b" world", markers=True) == "Ġworld"
    assert chip_text("Ċ", b"\n", markers=False) == "↵"


def test_id_colour_is_stable_per_id():
    """Check the same ID always gets the same colour and neighbours differ."""
    assert id_colour(101) == id_colour(101) != id_colour(102)


def test_notes_claims_against_real_bert(toks):
    """Check the notes' bert-base-cased claims disagree with uncased BERT, as the page says."""
    real = toks["bert"].tokenize(PRESETS["npl"].text)
    assert claim_matches(PRESETS["npl"], real) == {"tokens": False, "ids": False}
    assert plain_pieces(real) == ("i", "love", "np", "##l", ".")
    gpt2 = toks["gpt2"].tokenize(PRESETS["npl"].text)
    assert plain_pieces(gpt2) == ("I", "love", "N", "PL", ".")
    unb = toks["bert"].tokenize("unbelievable")
    assert unb.pieces == ("[CLS]", "unbelievable", "[SEP]")
    stop = toks["smollm2-tok"].tokenize("unstoppable")
    assert plain_pieces(stop) == ("un", "stop", "p", "able")  # close to the notes' un+stop+able
    grid = claim_grid(PRESETS["padding"])
    assert grid.shape == (3, 7) and grid[0, -3:].tolist() == [119, 0, 0]  # the missing [SEP]


def test_claim_tables_set_the_notes_beside_reality(toks):
    """Check the notes-vs-real rows name each tokenizer's pieces and the batch rows add the real IDs."""
    preset = preset_for("I love NPL.")
    assert preset is PRESETS["npl"] and preset_for("I love NLP.") is None
    rows = claim_rows(preset, [toks["bert"].tokenize(preset.text)])
    assert rows[0]["real tokens"] == "i | love | np | ##l | ." and rows[0]["same pieces as notes"] is False
    real = make_batch(toks["bert"], list(NOTES_BATCH), BatchConfig())
    table = batch_claim_rows(PRESETS["padding"], real)
    assert len(table) == 3 and table[0]["real (MiniLM uncased, padding='longest')"].startswith("[101, 14324")
    assert list(batch_claim_rows(PRESETS["padding"], None)[0]) == ["row", "notes (bert-base-cased)"]


def test_state_round_trip_and_bad_values():
    """Check the view state keeps valid values, drops junk and writes only non-defaults."""
    s = TokenizerState.from_query({"tk": "gpt2|nope|bert", "mode": "evil", "maxlen": "99999",
                                   "text": "x" * 30_000, "trunc": "1"})
    assert s.tk == ("gpt2", "bert") and s.mode == "compare" and s.maxlen == 4096
    assert s.text == "I love NPL." and s.trunc is True
    assert TokenizerState().to_query() == {}
    q = TokenizerState(mode="batch", side="left").to_query()
    assert q == {"mode": "batch", "side": "left"}
    assert TokenizerState.from_query(q) == TokenizerState(mode="batch", side="left")


def test_figures_escape_and_shape(toks):
    """Check the gauge has one bar per tokenizer and the grid escapes pieces and marks pads."""
    results = [toks["gpt2"].tokenize(XSS), toks["bert"].tokenize(XSS)]
    gauge = figs.context_gauge(results)
    assert len(gauge.data[0].y) == 2 and gauge.data[0].x[0] == pytest.approx(100 * results[0].n_tokens / 1024)
    b = make_batch(toks["gpt2"], [XSS, "hi"], BatchConfig())
    grid = figs.batch_grid(b)
    cells = [c for row in grid.data[0].text for c in row]
    assert not any("<script" in c or "<img" in c for c in cells)
    assert grid.data[0].z[1][-1] == figs.PAD
    table = figs.token_table(results)
    assert len(table) == sum(r.n_tokens for r in results)
    assert set(table["tokenizer"]) == {"GPT-2 BPE", "BERT WordPiece (MiniLM)"}
    assert html.escape("<") not in "".join(table["text"])  # the table holds raw text, not HTML


def test_counts_table_one_row_per_tokenizer(toks):
    """Check the counts table's numbers for 'I love NPL.' and that an unknown context shows '?'."""
    gpt2, bert = toks["gpt2"].tokenize("I love NPL."), toks["bert"].tokenize("I love NPL.")
    table = figs.counts_table([gpt2, bert])
    assert table["tokens"].tolist() == [5, 7] and table["added by the tokenizer"].tolist() == [0, 2]
    assert table["typed control tokens"].tolist() == [0, 0]
    assert table["bytes / token"].tolist() == [round(11 / 5, 2), round(11 / 7, 2)]
    assert table["context used"][0] == f"{100 * 5 / 1024:.2f}%"
    no_context = adapt("gpt2", models.load_tokenizer("gpt2").obj, "GPT-2").tokenize("hi")
    assert figs.counts_table([no_context])["context used"][0] == "?"


def test_chip_cap_is_stated(toks):
    """Check a text past the chip cap draws CHIP_CAP chips and says how many tokens there are."""
    from explorer.tokenizers import chips

    t = toks["gpt2"].tokenize("🤖" * 2_500)  # 3 byte tokens per emoji
    out = token_panel(t, "p0")
    assert out.count('class="tk ') == chips.CHIP_CAP
    assert f"first {chips.CHIP_CAP:,} of {t.n_tokens:,} tokens" in out


def test_typed_control_tokens_are_marked_apart_from_added_ones(toks):
    """Check chips, ID strip, legend, tooltips and the CSV mark typed control tokens apart from added ones."""
    t = toks["bert"].tokenize("[CLS] hi [SEP]")
    out = token_panel(t, "p0")
    assert re.search(r'class="tk k0 c\d+ added"', out) and re.search(r'class="ti k1 c\d+ typed"', out)
    assert re.search(r'class="tk k1 c\d+ typed"', out) and re.search(r'class="ti k3 c\d+ typed"', out)
    assert "typed control token (parsed from the text)" in out and '<span class="lg added">' in out
    plain = toks["bert"].tokenize("[CLS] hi", TokenizeConfig(control="text"))
    assert re.search(r'class="tk k1 c\d+ spelled"', token_panel(plain, "p1"))
    table = figs.token_table([t, plain])
    assert table["origin"].tolist()[:5] == ["added by the tokenizer", "typed control token (parsed from the text)",
                                             "text", "typed control token (parsed from the text)",
                                             "added by the tokenizer"]
    assert "typed control string, read as plain text" in table["origin"].tolist()
    counts = figs.counts_table([t, plain])
    assert counts["typed control tokens"].tolist() == [2, 0] and counts["control strings in text"].tolist() == [2, 1]


def test_typed_control_marks_in_a_chat_strip(toks):
    """Check piece_strip takes the typed marks of a Tokenized record and keeps every text escaped."""
    t = toks["smollm2-tok"].tokenize("<b>x</b><|im_end|>")
    out = piece_strip(t.pieces, t.raw, t.ids, marks=t)
    assert len(re.findall(r'class="tk c\d+ typed"', out)) == 1 and "<b>" not in out.split("</style>", 1)[1]
    assert "typed" not in piece_strip(t.pieces, t.raw, t.ids).split("</style>", 1)[1]


def test_control_preset_and_state_field():
    """Check the new presets exist, a chat preset carries the injection, and 'control' round-trips in the URL."""
    assert PRESETS["control"].mode == "compare" and "<|im_end|>" in PRESETS["control"].text
    assert PRESETS["injection"].mode == "chat" and "<|im_start|>system" in PRESETS["injection"].text
    assert TokenizerState.from_query({"control": "text"}).control == "text"
    assert TokenizerState.from_query({"control": "<b>"}).control == "library"
    assert TokenizerState(control="text").to_query() == {"control": "text"} and TokenizerState().control == "library"
