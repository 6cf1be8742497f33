"""The Attention page's cached computations: one extraction per text, shared by every panel."""
from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.attention import extract, matrices, patterns, show_work
from explorer.attention.bertviz import BertvizConfig, BertvizPage, head_view_html, model_view_html
from explorer.core.models import Loaded
from pages.shared import model_cache

MAX_TOKENS = 512  # MiniLM's context; SmolLM2 is capped here too (CPU time, memory)


def model_for(model: str, hub: str = "", kind: str = "encoder") -> Loaded:
    """The Attention page's model: 'minilm', 'smollm2' or a hub id of `kind`."""
    if model == "smollm2":
        return model_cache.causal_lm()
    if model == "hub":
        return model_cache.causal_lm(hub) if kind == "decoder" else model_cache.encoder(hub)
    return model_cache.encoder()


def _limit(loaded: Loaded) -> int:
    return min(MAX_TOKENS, loaded.spec.context or MAX_TOKENS)


# cache_resource, not cache_data: a 512-token SmolLM2 result is ~280 MB and
# must not be copied on every rerun; arrays are frozen read-only below.
@st.cache_resource(show_spinner=False, max_entries=4, ttl=3600)
def run(model: str, hub: str, kind: str, text: str, text_b: str = "",
        mask: int = -1) -> extract.Attention:
    """Attentions [layer, head, query, key] for `text` (optionally with one token masked)."""
    loaded = model_for(model, hub, kind)
    net, tok = loaded.obj
    cfg = extract.ExtractConfig(max_tokens=_limit(loaded), mask_position=mask)
    att = extract.extract(net, tok, text, text_b, device=model_cache.device(), config=cfg)
    att.weights.flags.writeable = False
    return att


@st.cache_resource(show_spinner=False, max_entries=4, ttl=3600)
def rollout(model: str, hub: str, kind: str, text: str) -> np.ndarray:
    """Rollout [layer, query_pos, key_pos] of the cached run."""
    out = matrices.rollout(run(model, hub, kind, text).weights)
    out.flags.writeable = False
    return out


@st.cache_data(show_spinner=False, max_entries=32)
def head_patterns(model: str, hub: str, kind: str, text: str) -> patterns.HeadPatterns:
    """Measured head-pattern tags of the cached run."""
    return patterns.head_patterns(run(model, hub, kind, text))


@st.cache_data(show_spinner=False, max_entries=64)
def work(model: str, hub: str, kind: str, text: str, layer: int, head: int,
         query: int) -> show_work.Work:
    """q.k/sqrt(d) and softmax for one row, recomputed by hand via a scoped hook."""
    loaded = model_for(model, hub, kind)
    att = run(model, hub, kind, text)
    # The cached row is the model's own answer, so the hooked pass can stop at `layer`.
    return show_work.show_work(loaded.obj[0], att.token_ids.tolist(), show_work.WorkConfig(layer, head, query),
                               device=model_cache.device(), causal=att.causal,
                               model_row=att.weights[layer, head, query])


@st.cache_data(show_spinner=False, max_entries=16)
def bertviz(model: str, hub: str, kind: str, text: str, view: str,
            layer: int, head: int = -1) -> BertvizPage:
    """bertviz head or model view as offline HTML for the cached run (head >= 0: show only it first)."""
    att = run(model, hub, kind, text)
    if view == "head":
        return head_view_html(att.weights, att.tokens, BertvizConfig(), layer=layer,
                              heads=(head,) if head >= 0 else None)
    return model_view_html(att.weights, att.tokens, BertvizConfig(), layer=layer)
