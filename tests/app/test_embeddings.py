"""AppTest for the Embedding space page: every mode, shared links, bad input."""
import pytest

from explorer.core.markdown import escape_md
from tests.app._apptest import run_page

PAGE = "pages/embeddings/page.py"


def _texts(at, kind: str) -> str:
    return " ".join(str(e.value) for e in getattr(at, kind))


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_default_words_view():
    """Check the default view projects the royalty preset with PCA and a trust score."""
    at = run_page(PAGE)
    assert not at.exception
    assert at.text_area(key="emb.words").value.startswith("king, queen")
    metrics = _metrics(at)
    assert metrics["Points shown"] == "10 of 10"
    assert 0 < float(metrics["Trustworthiness"]) <= 1
    assert "Nearest to “king”" in _texts(at, "markdown")
    assert dict(at.query_params) == {}


def test_unknown_and_duplicate_words():
    """Check an unknown word is named with close spellings and duplicates are reported."""
    at = run_page(PAGE, {"words": "king, qeen, king, <script>alert(1)</script>"})
    assert not at.exception
    warnings = _texts(at, "warning")
    assert "“qeen” is not in GloVe" in warnings and "queen" in warnings
    assert escape_md("<script>alert(1)</script>") in warnings  # escaped: shown as text, never markup
    assert "king" in _texts(at, "caption")  # "Ignored duplicates: king"


def test_no_known_words_is_a_message():
    """Check a word list GloVe does not know gives a warning, not a crash."""
    at = run_page(PAGE, {"words": "zzqxv"})
    assert not at.exception
    assert "Type at least one word" in _texts(at, "warning")


def test_preset_and_background_change_url():
    """Check loading a preset and adding background words updates widgets and the URL."""
    at = run_page(PAGE)
    at.selectbox(key="emb_preset").set_value("animals").run()
    at.slider(key="emb.background").set_value(1000).run()
    assert not at.exception
    assert at.text_area(key="emb.words").value.startswith("cat, dog")
    assert _metrics(at)["Points shown"] == "1,012 of 1,012"
    assert at.query_params["background"] == "1000"
    assert at.query_params["words"].startswith("cat, dog")


def test_shared_link_restores_widgets():
    """Check a shared link restores mode, words, method, dims, seed and parameters."""
    query = {"words": "cat, dog, horse, cow, lion, tiger", "method": "tsne", "dims": "3",
             "seed": "7", "perplexity": "4", "metric": "euclidean"}
    at = run_page(PAGE, query)
    assert not at.exception
    assert at.text_area(key="emb.words").value == query["words"]
    assert at.radio(key="emb.method").value == "tsne"
    assert at.radio(key="emb.dims").value == 3
    assert at.number_input(key="emb.seed").value == 7
    assert at.slider(key="emb.perplexity").value == 4.0
    assert at.radio(key="emb.metric").value == "euclidean"
    assert dict(at.query_params) == query
    assert "t-SNE time" in _metrics(at)


def test_bad_url_params_fall_back():
    """Check nonsense URL values are ignored or clamped without an exception."""
    at = run_page(PAGE, {"mode": "zzz", "k": "-5", "dims": "9", "background": "1e9",
                         "method": "<b>", "seed": "nan"})
    assert not at.exception
    assert at.segmented_control(key="emb.mode").value == "words"
    assert at.radio(key="emb.method").value == "pca"
    assert at.slider(key="emb.background").value == 50_000


def test_analogy_mode():
    """Check king - man + woman gives queen and excluding inputs is explained."""
    at = run_page(PAGE, {"mode": "analogy"})
    assert not at.exception
    assert "≈ queen" in _texts(at, "success") and "0.852" in _texts(at, "success")
    assert "would be king" in _texts(at, "caption")
    assert "In all 50 dimensions" in _texts(at, "markdown")  # picture vs real space, both shown


def test_analogy_shared_link_and_typing():
    """Check paris - france + italy -> rome from a link, then typing a new word."""
    at = run_page(PAGE, {"mode": "analogy", "a": "paris", "b": "france", "c": "italy"})
    assert "≈ rome" in _texts(at, "success")
    at.text_input(key="emb.c").input("japan").run()
    assert not at.exception
    assert "≈ tokyo" in _texts(at, "success")
    assert at.query_params["c"] == "japan"


def test_analogy_bad_words():
    """Check unknown or repeated analogy words give a warning."""
    at = run_page(PAGE, {"mode": "analogy", "a": "king", "b": "king", "c": "qqqzz"})
    assert not at.exception
    assert "Give three different words" in _texts(at, "warning")


def test_axes_mode():
    """Check semantic axes place words and show their cosine table."""
    at = run_page(PAGE, {"mode": "axes"})
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame.columns) == ["man → woman", "small → big"]
    assert frame.loc["queen", "man → woman"] > frame.loc["king", "man → woman"]


def test_neighbours_mode():
    """Check neighbour search over all words, and a missing word message."""
    at = run_page(PAGE, {"mode": "neighbours", "query": "frog", "k": "5"})
    assert not at.exception
    assert "over all 400,000 words" in _texts(at, "markdown")
    at.text_input(key="emb.query").input("frgo").run()
    assert "not in GloVe" in _texts(at, "warning")


def test_sentences_mode_and_search():
    """Check MiniLM sentence mode projects the preset and searches by meaning."""
    at = run_page(PAGE, {"mode": "sentences"})
    assert not at.exception
    assert _metrics(at)["Points shown"] == "16 of 16"
    top = at.dataframe[0].value.iloc[0]
    assert top["label"] == "animals"


@pytest.mark.parametrize("content,message", [
    (b"", "empty"), (b"name,label\nx,y\n", "no 'text' column"),
])
def test_sentence_upload_errors(content, message):
    """Check empty and wrong-column CSV uploads show a clear error."""
    at = run_page(PAGE, {"mode": "sentences"})
    at.file_uploader(key="emb_upload").upload("bad.csv", content, "text/csv").run()
    assert not at.exception
    assert escape_md(message) in _texts(at, "error")  # shown as typed: markdown-escaped


def test_sentence_upload_good_file():
    """Check an uploaded CSV with labels replaces the typed sentences."""
    at = run_page(PAGE, {"mode": "sentences", "search": ""})
    rows = "text,label\n" + "".join(f"sentence number {i},g{i % 2}\n" for i in range(8))
    at.file_uploader(key="emb_upload").upload("ok.csv", rows.encode(), "text/csv").run()
    assert not at.exception and not at.error
    assert _metrics(at)["Points shown"] == "8 of 8"


def test_contextual_mode_minilm():
    """Check MiniLM contextual mode compares notes and model across layers."""
    at = run_page(PAGE, {"mode": "contextual"})
    assert not at.exception
    text = _texts(at, "markdown")
    assert "Study notes" in text and "peaks at layer" in text
    assert at.slider(key="emb.layer").max == 6


def test_contextual_smollm2_layer_clamp_and_missing_word():
    """Check SmolLM2 offers 30 layers and a word in no sentence is an error message."""
    at = run_page(PAGE, {"mode": "contextual", "model": "smollm2", "layer": "30"})
    assert not at.exception
    assert at.slider(key="emb.layer").value == 30
    at.radio(key="emb.model").set_value("minilm").run()
    assert at.slider(key="emb.layer").value == 6
    at.text_input(key="emb.word").input("zebra").run()
    assert "no sentence contains" in _texts(at, "error")


def test_umap_request_never_blocks():
    """Check asking for UMAP answers at once: UMAP if warm, else PCA with progress."""
    at = run_page(PAGE, {"method": "umap"})
    assert not at.exception
    metrics = _metrics(at)
    assert "UMAP time" in metrics or "PCA time" in metrics


def test_two_words_in_one_analogy_box():
    """Check a two-word entry in an analogy box asks for one word per box."""
    at = run_page(PAGE, {"mode": "analogy", "a": "new york", "b": "usa", "c": "france"})
    assert not at.exception
    assert "one word in each box" in _texts(at, "warning")


def test_axes_with_unknown_pole():
    """Check an axis whose end word GloVe lacks is named and explained."""
    at = run_page(PAGE, {"mode": "axes", "x_hi": "wommman", "y_lo": "", "y_hi": ""})
    assert not at.exception
    warnings = _texts(at, "warning")
    assert "“wommman” is not in GloVe" in warnings and "two different words" in warnings


def test_first_change_after_switching_mode_is_kept():
    """Check the first widget change after a mode switch is not reset from the URL."""
    at = run_page(PAGE, {"mode": "analogy"})
    at.segmented_control(key="emb.mode").set_value("words").run()
    at.slider(key="emb.background").set_value(500).run()
    assert not at.exception
    assert at.slider(key="emb.background").value == 500
    assert at.query_params["background"] == "500"
    at.segmented_control(key="emb.mode").set_value("analogy").run()
    assert at.text_input(key="emb.a").value == "king"  # the hidden mode's inputs survived


MARKDOWN = "[x](http://e) ![i](http://e/i.png) `tick` *star* # hash"


def _shown(at) -> str:
    """Every text Streamlit renders as markdown on the page."""
    return " ".join(_texts(at, kind) for kind in ("markdown", "caption", "info", "warning", "error", "success"))


def test_contextual_control_switch_reads_typed_sep():
    """Check a typed [SEP] in contextual sentences is warned about, and control=text reads it as text."""
    contexts = "river | I sat on the bank [SEP] of the river.\nmoney | The bank [SEP] lent me money."
    at = run_page(PAGE, {"mode": "contextual", "contexts": contexts})
    assert not at.exception and at.radio(key="emb.control").value == "library"
    assert "typed control tokens: 2" in _texts(at, "warning")
    at.radio(key="emb.control").set_value("text").run()
    assert not at.exception and at.query_params["control"] == "text"
    assert "as plain text" in _texts(at, "info") and "Cosine between the 2" in _texts(at, "markdown")
    from pages.embeddings import cache
    texts = ("I sat on the bank [SEP] of the river.", "The bank [SEP] lent me money.")
    library, plain = (cache.contextual("minilm", "bank", texts, mode).vectors for mode in ("library", "text"))
    assert abs(library[-1] - plain[-1]).max() > 1e-3  # the typed [SEP] really was read differently


def test_sentences_control_switch_and_notice():
    """Check sentence mode names typed [CLS] and embeds it as plain text with control=text."""
    at = run_page(PAGE, {"mode": "sentences", "sentences": "a | [CLS] a cat\nb | a dog", "search": ""})
    assert not at.exception and "typed control tokens: 1" in _texts(at, "warning")
    at = run_page(PAGE, {"mode": "sentences", "sentences": "a | [CLS] a cat\nb | a dog", "search": "",
                         "control": "text"})
    assert not at.exception and "as plain text" in _texts(at, "info")
    assert _metrics(at)["Points shown"] == "2 of 2"


@pytest.mark.parametrize("query", [
    {"words": f"king, {MARKDOWN}"},
    {"mode": "analogy", "a": "[x](http://e)", "b": "`b`", "c": "*c*"},
    {"mode": "neighbours", "query": "![i](http://e/i.png)"},
    {"mode": "contextual", "word": "[x](http://e)", "contexts": f"a | {MARKDOWN}"},
    {"mode": "sentences", "sentences": f"{MARKDOWN}\nlabel | a dog", "search": ""},
])
def test_markdown_typed_anywhere_is_shown_as_typed(query):
    """Check links, images, backticks, * and # typed into any mode never become markdown."""
    at = run_page(PAGE, query)
    assert not at.exception
    shown = _shown(at)
    assert "](http" not in shown and "![i]" not in shown and "`tick`" not in shown and "`b`" not in shown


def test_many_unknown_words_get_few_suggestions_and_one_summary():
    """Check 60 unknown words give 8 suggestion warnings plus one summary line, and a rerun reuses them."""
    junk = ", ".join(f"zq{chr(97 + i % 26)}{chr(97 + i // 26)}x" for i in range(60))
    at = run_page(PAGE, {"words": f"king, queen, {junk}"})
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 9 and warnings[-1].startswith("52 more words are not in GloVe")
    from pages.embeddings import cache
    assert cache.typed_words(f"king, queen, {junk}").missing[:1] == ("zqaax",)  # cached: no new scan


def test_axes_list_the_words_at_each_end():
    """Check axes mode lists the k frequent words furthest toward each end, from the k slider."""
    at = run_page(PAGE, {"mode": "axes", "k": "5"})
    assert not at.exception
    assert at.slider(key="emb.k").value == 5 and (at.slider(key="emb.k").min, at.slider(key="emb.k").max) == (1, 100)
    ends = [d.value for d in at.dataframe[1:]]
    assert len(ends) == 4 and all(len(frame) == 5 for frame in ends)  # 2 axes x 2 ends
    assert (ends[1]["cosine"] > 0).all() and (ends[0]["cosine"] < 0).all()
    assert "Most toward “woman”" in _texts(at, "markdown")
