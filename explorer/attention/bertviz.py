"""bertviz's head view and model view as one self-contained, offline HTML page.

bertviz (Apache-2.0, Jesse Vig) loads require.js, d3 and jQuery from a CDN and
pastes `json.dumps(params)` straight into a <script> block. Here:
- bertviz's own head_view.js / model_view.js are read from the installed
  `bertviz` package (found without importing it: it imports IPython);
- d3 5.7.0, jQuery 2.2.4 and require.js 2.3.6 are inlined from assets/attention/
  (d3 and jQuery load first as plain globals, then are declared as AMD modules,
  so bertviz's unmodified `requirejs(['jquery', 'd3'], ...)` finds them offline);
- the JSON has <, > and & escaped as \\u003c / \\u003e / \\u0026, so a token such
  as '</script><script>alert(1)</script>' stays a string, and it is
  substituted exactly once;
- weights are rounded and the tokens capped, because the page size grows with
  layers x heads x tokens^2;
- `BertvizPage.framed()` wraps the page in <iframe sandbox="allow-scripts">, so
  even a slip in that escaping could not reach the app (see its docstring);
- cross-attention draws decoder tokens on the left and encoder tokens on the right.

Example:
    >>> html = head_view_html(att.weights, att.tokens, BertvizConfig())
    >>> "cdnjs" in html
    False
"""
from __future__ import annotations

import html as html_lib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from explorer.core.sources import ModelUnavailable, package_dir

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "attention"
BERTVIZ_JS = ("head_view.js", "model_view.js")  # shipped inside the bertviz package
VIEWS = ("head", "model")
SANDBOX = "allow-scripts"  # scripts only: no same-origin, top navigation, popups, forms or modals
_CDN_CONFIG = re.compile(r"require\.config\(\{.*?\}\);", re.S)
_AMD_SHIM = ("define('d3', [], function () { return window.d3; });\n"
             "define('jquery', [], function () { return window.jQuery; });")


@dataclass(frozen=True)
class BertvizConfig:
    """Limits that keep the page small enough to send and draw."""

    max_tokens: int = 64  # more tokens are cut off (the page says so)
    decimals: int = 3  # weights rounded to this many places
    max_cells: int = 400_000  # layers x heads x tokens^2 sent at most (~2 MB); layers trimmed beyond
    dark: bool = False

    def __post_init__(self) -> None:
        if not 2 <= self.max_tokens <= 512:
            raise ValueError(f"max_tokens must be in [2, 512], got {self.max_tokens}")
        if not 1 <= self.decimals <= 6:
            raise ValueError(f"decimals must be in [1, 6], got {self.decimals}")
        if self.max_cells < 4:
            raise ValueError("max_cells must be >= 4")


@dataclass(frozen=True)
class BertvizPage:
    """The HTML and what was left out to build it."""

    html: str
    tokens_shown: int
    tokens_total: int
    layers: tuple[int, ...]  # layers included in the view

    @property
    def capped(self) -> bool:
        """True when tokens were cut off."""
        return self.tokens_shown < self.tokens_total

    def framed(self, title: str = "bertviz") -> str:
        """The page inside <iframe sandbox="allow-scripts">, in an outer page with no script of its own.

        st.iframe runs HTML with scripts AND same-origin access to the app
        (Streamlit 1.67 puts allow-same-origin and allow-scripts on every
        st.iframe, with no parameter to change that). One level down, this
        sandbox gives bertviz an opaque origin: its scripts draw, but cannot
        reach the app's page, cookies, storage or server session.
        """
        return ("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body style='margin:0'>"
                f"<iframe sandbox='{SANDBOX}' title='{html_lib.escape(title, quote=True)}' "
                "style='border:0;width:100%;height:100vh;display:block' "
                f"srcdoc=\"{html_lib.escape(self.html, quote=True)}\"></iframe></body></html>")


def _asset_path(name: str) -> Path:
    if name not in BERTVIZ_JS:
        return ASSETS / name
    folder = package_dir("bertviz")
    if folder is None or not (folder / name).exists():
        raise ModelUnavailable("The bertviz views need the bertviz package: `pip install bertviz==1.4.1` "
                               "(it is in requirements.txt).")
    return folder / name


@lru_cache(maxsize=8)
def _asset(name: str) -> str:
    # "</script" cannot occur inside an inline script; none of these contain it,
    # but a future bertviz release might.
    return _asset_path(name).read_text(encoding="utf-8").replace("</script", "<\\/script")


def safe_json(value: object) -> str:
    """JSON that cannot close or open a tag when pasted inside <script>."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _layers_within(n_layers: int, per_layer: int, focus: int, max_cells: int) -> tuple[int, ...]:
    """Layers to include: all if they fit in max_cells, else a window around `focus`."""
    fit = max(1, min(n_layers, max_cells // max(per_layer, 1)))
    start = min(max(0, focus - fit // 2), n_layers - fit)
    return tuple(range(start, start + fit))


def _params(weights: np.ndarray, tokens: tuple[str, ...], config: BertvizConfig, layer: int,
            key_tokens: tuple[str, ...] | None = None) -> tuple[dict, int, tuple[int, ...]]:
    """bertviz's params: left_text = the queries' tokens, right_text = the keys' (the same for self-attention)."""
    keys = tokens if key_tokens is None else key_tokens
    n, n_k = min(len(tokens), config.max_tokens), min(len(keys), config.max_tokens)
    layers = _layers_within(weights.shape[0], weights.shape[1] * n * n_k, layer, config.max_cells)
    cut = weights[list(layers)][:, :, :n, :n_k].astype(np.float64)  # [layer, head, q, k]
    attn = np.round(cut, config.decimals).tolist()
    data = {"name": None, "attn": attn, "left_text": [str(t) for t in tokens[:n]],
            "right_text": [str(t) for t in keys[:n_k]]}
    return {"attention": [data], "default_filter": "0", "root_div_id": "bertviz",
            "include_layers": list(layers)}, n, layers


def _page(view_js: str, params: dict, controls: str, dark: bool) -> str:
    script = _CDN_CONFIG.sub("", _asset(view_js), count=1)
    script = script.replace("PYTHON_PARAMS", safe_json(params), 1)
    colors = "background:#000;color:#ccc;" if dark else "background:#fff;color:#000;"
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head>"
        f"<body style=\"margin:0;{colors}font-family:'Helvetica Neue',Helvetica,Arial,sans-serif\">"
        f"<div id='bertviz'><span style='user-select:none'>{controls}</span><div id='vis'></div></div>"
        f"<script>{_asset('d3.min.js')}</script>\n<script>{_asset('jquery.min.js')}</script>\n"
        f"<script>{_asset('require.js')}</script>\n<script>{_AMD_SHIM}</script>\n"
        f"<script>{script}</script></body></html>"
    )


def head_view_html(weights: np.ndarray, tokens: tuple[str, ...], config: BertvizConfig = BertvizConfig(),
                   layer: int = 0, heads: tuple[int, ...] | None = None,
                   key_tokens: tuple[str, ...] | None = None) -> BertvizPage:
    """bertviz head view. weights: [layer, head, query_pos, key_pos]; heads: shown at first (None = all).

    key_tokens: the keys' tokens when they are not the queries' (cross-attention).
    """
    params, n, layers = _params(weights, tokens, config, layer, key_tokens)
    params.update(layer=layer if layer in layers else layers[0], heads=list(heads) if heads else None)
    html = _page("head_view.js", params, "Layer: <select id='layer'></select>", config.dark)
    return BertvizPage(html, n, len(tokens), layers)


def model_view_html(weights: np.ndarray, tokens: tuple[str, ...], config: BertvizConfig = BertvizConfig(),
                    layer: int = 0, key_tokens: tuple[str, ...] | None = None) -> BertvizPage:
    """bertviz model view (every layer x head as a thumbnail). weights: [layer, head, q, k]."""
    params, n, layers = _params(weights, tokens, config, layer, key_tokens)
    heads = weights.shape[1]
    params.update(display_mode="dark" if config.dark else "light",
                  include_heads=list(range(heads)), total_heads=heads)
    html = _page("model_view.js", params, "", config.dark)
    return BertvizPage(html, n, len(tokens), layers)


def bertviz_reference_bytes(weights: np.ndarray, tokens: tuple[str, ...]) -> int:
    """Bytes of the HTML bertviz 1.4.1's head view would emit for these weights (benchmark).

    bertviz sends the float32 weights unrounded through json.dumps (each one
    printed with up to 17 digits) plus its JS and a CDN script tag. Counted one
    [query, key] matrix at a time so a 512-token model never needs the whole
    string in memory. weights: [layer, head, query_pos, key_pos].
    """
    layers, heads = weights.shape[:2]
    shell = {"attention": [{"name": None, "attn": [], "left_text": list(tokens),
                            "right_text": list(tokens)}], "default_filter": "0",
             "root_div_id": "bertviz-" + "0" * 32, "layer": None, "heads": None,
             "include_layers": list(range(layers))}
    size = len(json.dumps(shell))
    for layer in range(layers):
        for head in range(heads):
            size += len(json.dumps(weights[layer, head].tolist())) + 2  # ', ' between matrices
        size += 4  # '[' ']' and ', ' around each layer
    return size + len(_asset("head_view.js")) + 400  # the vis <div> and the CDN <script> tag
