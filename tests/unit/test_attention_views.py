"""Unit tests for the offline bertviz HTML, the attention figures and the page's URL state."""
import json
import re
from html.parser import HTMLParser

import numpy as np
import pytest

from explorer.attention import bertviz, figures
from explorer.attention.matrices import top_k_edges
from explorer.attention.state import AttentionState

EVIL = "</script><script>alert(1)</script>"


def _weights(layers=2, heads=3, n=5, seed=0):
    rng = np.random.default_rng(seed)
    w = rng.random((layers, heads, n, n)).astype(np.float32)
    return w / w.sum(-1, keepdims=True)


def test_head_view_escapes_token_text():
    """Check a '</script>' token cannot close the script block: only our own tags contain '</script'."""
    tokens = ("[CLS]", EVIL, "a&b", "<img src=x onerror=alert(2)>", "[SEP]")
    page = bertviz.head_view_html(_weights(), tokens)
    assert page.html.count("</script") == 5  # d3, jQuery, require.js, the AMD shim, bertviz
    assert EVIL not in page.html and "<img src=x" not in page.html
    assert "\\u003c/script\\u003e" in page.html and "const params = PYTHON_PARAMS" not in page.html


def test_head_view_is_offline_and_round_trips_params():
    """Check no CDN URL remains, the params JSON parses back with rounded weights and the tokens."""
    w = _weights()
    page = bertviz.head_view_html(w, tuple("abcde"), bertviz.BertvizConfig(decimals=2), layer=1)
    assert "cdnjs" not in page.html and not re.search(r"<script[^>]+src=", page.html)
    raw = re.search(r"const params = (\{.*?\}); // HACK", page.html, re.S).group(1)
    params = json.loads(raw)
    assert params["layer"] == 1 and params["attention"][0]["left_text"] == list("abcde")
    got = np.array(params["attention"][0]["attn"])
    np.testing.assert_allclose(got, np.round(w, 2), atol=1e-9)


def test_caps_tokens_and_trims_layers():
    """Check tokens are capped with the count kept and layers trimmed around the chosen one."""
    page = bertviz.head_view_html(_weights(6, 4, 70), tuple(f"t{i}" for i in range(70)),
                                  bertviz.BertvizConfig(max_tokens=64, max_cells=2 * 4 * 64 * 64), layer=5)
    assert page.capped and page.tokens_shown == 64 and page.tokens_total == 70
    assert page.layers == (4, 5)
    with pytest.raises(ValueError):
        bertviz.BertvizConfig(max_tokens=1)


def test_model_view_params():
    """Check the model view lists every head and is also free of CDN references."""
    page = bertviz.model_view_html(_weights(2, 3, 4), tuple("abcd"))
    assert '"include_heads":[0,1,2]' in page.html and '"total_heads":3' in page.html
    assert "cdnjs" not in page.html and not page.capped


def test_bertviz_reference_size_is_exact_and_grows_with_n_squared():
    """Check the chunked size equals a direct json.dumps count and grows ~4x when tokens double."""
    w = _weights(2, 2, 16)
    tokens = tuple("abcdefghijklmnop")
    direct = len(json.dumps({"attention": [{"name": None, "attn": w.tolist(), "left_text": list(tokens),
                                            "right_text": list(tokens)}], "default_filter": "0",
                             "root_div_id": "bertviz-" + "0" * 32, "layer": None, "heads": None,
                             "include_layers": [0, 1]}))
    js = len(bertviz._asset("head_view.js")) + 400
    assert abs(bertviz.bertviz_reference_bytes(w, tokens) - js - direct) <= 8
    big = bertviz.bertviz_reference_bytes(_weights(2, 2, 32), tokens * 2) - js
    assert 3.5 < big / direct < 4.5


def test_heatmap_escapes_labels_and_masks_future():
    """Check token labels are escaped, unique per position, and the causal triangle is blank."""
    m = np.tril(np.ones((3, 3), np.float32)) / np.arange(1, 4)[:, None]
    fig = figures.heatmap(m, ("<b>x</b>", "the", "the"), causal=True)
    trace = fig.data[0]
    assert list(trace.x) == ["0 &lt;b&gt;x&lt;/b&gt;", "1 the", "2 the"]
    z = np.array(trace.z, dtype=float)
    assert np.isnan(z[0, 1]) and np.isnan(z[1, 2]) and z[2, 0] == pytest.approx(1 / 3)
    assert "<b>x" not in fig.to_json()


def test_edges_figure_payload_is_small_for_512_tokens():
    """Check the top-8 edge view of a 512-token matrix stays far below the full heatmap's size."""
    m = _weights(1, 1, 512)[0, 0]
    e = top_k_edges(m, 8)
    tokens = tuple(f"w{i}" for i in range(512))
    edges = len(figures.edges_figure(e.query, e.key, e.weight, tokens).to_json())
    full = len(figures.heatmap(m, tokens).to_json())
    assert len(e.weight) == 512 * 8 and edges < full / 3


def test_grid_has_one_clickable_marker_per_head():
    """Check the grid mosaic has layers x heads markers in row-major (layer, head) order."""
    fig = figures.grid_figure(_weights(3, 4, 30), np.full((3, 4), "broad"))
    marks = fig.data[1]
    assert len(marks.x) == 12 and marks.hovertext[5].startswith("layer 1, head 1")
    assert np.array(fig.data[0].z).shape == (3 * 25, 4 * 25)  # 30 tokens pooled to 24 + gap


def test_state_round_trip_and_clamping():
    """Check the page state writes only non-defaults and clamps/drops bad URL values."""
    s = AttentionState(model="smollm2", layer=7, head=4, sinks=True, text="Love is all that matters.")
    assert AttentionState.from_query(s.to_query()) == s
    assert s.to_query()["sinks"] == "1" and "view" not in s.to_query()
    bad = AttentionState.from_query({"model": "gpt9", "layer": "999", "head": "-5", "view": "<x>",
                                     "text": "y" * 7000, "k": "nan"})
    assert bad.model == "minilm" and bad.layer == 63 and bad.head == 0 and bad.view == "heatmap"
    assert bad.text == AttentionState().text and bad.k == 8


class _Frames(HTMLParser):
    """Collects the iframes and scripts of an HTML page, and its text outside any attribute."""

    def __init__(self):
        super().__init__()
        self.iframes, self.scripts = [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "iframe":
            self.iframes.append(dict(attrs))
        self.scripts += tag == "script"


def test_framed_page_runs_bertviz_in_a_scripts_only_sandbox():
    """Check the outer page has no script, one iframe sandboxed to allow-scripts only, holding the page intact."""
    tokens = ("[CLS]", EVIL, '"><script>alert(3)</script>', "a&b", "[SEP]")
    page = bertviz.head_view_html(_weights(), tokens)
    outer = _Frames()
    outer.feed(page.framed("bertviz head view"))
    assert outer.scripts == 0 and len(outer.iframes) == 1
    frame = outer.iframes[0]
    assert frame["sandbox"] == "allow-scripts" and frame["title"] == "bertviz head view"
    assert frame["srcdoc"] == page.html  # the parser un-escapes the attribute: the page arrives whole


def test_cross_attention_views_label_queries_and_keys_apart():
    """Check bertviz gets the decoder tokens on the left and the encoder tokens on the right, cut to the cap."""
    w = _weights(2, 3, 4)[:, :, :3, :]  # [layer, head, 3 queries, 4 keys]
    page = bertviz.head_view_html(w, ("d0", "d1", "d2"), key_tokens=("e0", "e1", "e2", "e3"))
    params = json.loads(re.search(r"const params = (\{.*?\}); // HACK", page.html, re.S).group(1))
    data = params["attention"][0]
    assert data["left_text"] == ["d0", "d1", "d2"] and data["right_text"] == ["e0", "e1", "e2", "e3"]
    assert np.array(data["attn"]).shape == (2, 3, 3, 4)
    model = bertviz.model_view_html(w, ("d0", "d1", "d2"), bertviz.BertvizConfig(max_tokens=2),
                                    key_tokens=("e0", "e1", "e2", "e3"))
    assert '"right_text":["e0","e1"]' in model.html and model.capped


def test_figures_take_float16_weights_and_send_float32():
    """Check heatmap, grid and the focus rows accept float16 weights (as the page keeps them)."""
    w = _weights(2, 3, 6).astype(np.float16)
    heat = figures.heatmap(w[1, 2], tuple("abcdef"))
    assert np.asarray(heat.data[0].z).dtype == np.float32
    np.testing.assert_allclose(np.asarray(heat.data[0].z), w[1, 2].astype(np.float32))
    grid = figures.grid_figure(w)
    assert np.asarray(grid.data[0].z).max() > 0
    focus = figures.focus_figure(w[:, :, 2].mean(1), tuple("abcdef"), 2)
    assert np.asarray(focus.data[0].z).dtype == np.float32
    work = figures.work_figure(("e0", "e1"), np.array([0.25, 0.75]), np.array([0.25, 0.75], np.float16), 0, 1,
                               query_token="<d0>")
    assert "&lt;d0&gt;" in work.layout.title.text and work.data[0].name == "by hand: softmax(score)"


def test_state_carries_control_mode_and_encoder_decoder_fields():
    """Check control, kind, part and target round-trip, and junk values fall back to the defaults."""
    s = AttentionState(model="hub", hub="t5-small", kind="encoder-decoder", control="text", part="cross",
                       target="Die Katze")
    assert AttentionState.from_query(s.to_query()) == s
    assert s.to_query()["control"] == "text" and "control" not in AttentionState().to_query()
    bad = AttentionState.from_query({"control": "raw", "part": "both", "kind": "seq2seq", "target": "x" * 3000})
    assert (bad.control, bad.part, bad.kind, bad.target) == ("library", "encoder", "encoder", "")
