"""The Attention page's cached computations: one run per text, shared by every panel and every session.

Runs and their rollouts live in one store bounded by entries AND bytes: even
stored compactly (float16 weights, explorer.attention.storage) a 512-token
SmolLM2 run is 178 MB, so a count alone would not bound memory. Everything
derived from a run (head tags, show-the-work rows, bertviz pages) is small and
bounded by entries. Every cached value is shared by all sessions: read-only.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, NamedTuple

import streamlit as st

from explorer.attention import matrices, patterns, storage
from explorer.attention.bertviz import BertvizConfig, BertvizPage, head_view_html, model_view_html
from explorer.attention.extract import Attention, ExtractConfig, extract
from explorer.attention.seq2seq import CrossAttention, Seq2Seq, extract_seq2seq
from explorer.attention.show_work import Work, WorkConfig
from explorer.core.families import family_of
from explorer.core.models import Loaded
from pages.shared import model_cache

MAX_TOKENS = storage.MAX_TOKENS
RUN_ENTRIES = 8
RUN_BYTES = 256 * 2**20  # the largest run (SmolLM2, 512 tokens: 178 MB) plus its rollout and small runs
TTL_S = 3600


class BoundedStore:
    """Least recently used values, at most `max_entries` and `max_bytes` (one value may exceed it alone).

    Thread-safe; a value is computed once even when several sessions ask at the
    same moment (they wait on that key's lock); values unused for `ttl_s` go.
    """

    def __init__(self, max_entries: int, max_bytes: int, ttl_s: float = TTL_S,
                 size: Callable[[Any], int] = storage.nbytes) -> None:
        self.max_entries, self.max_bytes, self.ttl_s, self._size = max_entries, max_bytes, ttl_s, size
        self._items: OrderedDict[Hashable, tuple[Any, int, float]] = OrderedDict()  # key -> (value, bytes, used)
        self._computing: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    @property
    def held(self) -> int:
        """Bytes held now."""
        with self._lock:
            return sum(size for _, size, _ in self._items.values())

    def _hit(self, key: Hashable) -> tuple[bool, Any]:
        """(found, value), marking it used; drops expired values first. Call with self._lock held."""
        now = time.monotonic()
        for old in [k for k, (_, _, used) in self._items.items() if now - used > self.ttl_s]:
            del self._items[old]
        if key not in self._items:
            return False, None
        value, size, _ = self._items.pop(key)
        self._items[key] = (value, size, now)
        return True, value

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value for `key`, computing (and storing) it when absent."""
        with self._lock:
            found, value = self._hit(key)
            if found:
                return value
            key_lock = self._computing.setdefault(key, threading.Lock())
        try:
            with key_lock:
                with self._lock:
                    found, value = self._hit(key)
                if not found:
                    value = compute()  # an error is raised to the caller; nothing is stored
                    self._put(key, value)
        finally:
            with self._lock:
                self._computing.pop(key, None)
        return value

    def _put(self, key: Hashable, value: Any) -> None:
        size = self._size(value)
        with self._lock:
            self._items[key] = (value, size, time.monotonic())
            while len(self._items) > 1 and (len(self._items) > self.max_entries or
                                            sum(s for _, s, _ in self._items.values()) > self.max_bytes):
                self._items.popitem(last=False)


class RunKey(NamedTuple):
    """What one run depends on, and the cache key of everything drawn from it."""

    model: str  # 'minilm' | 'smollm2' | 'hub'
    hub: str  # the hub id ('' unless model == 'hub')
    kind: str  # what the hub model is: 'encoder' | 'decoder' | 'encoder-decoder'
    text: str
    text_b: str = ""  # a second segment (compare)
    mask: int = -1  # a position to mask (compare)
    control: str = "library"  # typed control-token strings: 'library' or 'text'
    target: str = ""  # an encoder-decoder's decoder text
    part: str = ""  # 'encoder' | 'decoder' | 'cross' for an encoder-decoder's full run, else ''


@st.cache_resource(show_spinner=False)
def _runs() -> BoundedStore:
    return BoundedStore(RUN_ENTRIES, RUN_BYTES)


def model_for(model: str, hub: str = "", kind: str = "encoder") -> Loaded:
    """The Attention page's model: 'minilm', 'smollm2' or a hub id of `kind`."""
    if model == "smollm2":
        return model_cache.causal_lm()
    if model == "hub":
        return model_cache.causal_lm(hub) if kind == "decoder" else model_cache.encoder(hub)
    return model_cache.encoder()


def is_seq2seq(loaded: Loaded) -> bool:
    """True for an encoder-decoder (T5, BART): three attentions to show."""
    return family_of(loaded.obj[0]).kind == "encoder-decoder"


def token_limit(loaded: Loaded) -> int:
    """Tokens one run may hold for this model (storage.token_budget)."""
    return storage.token_budget(storage.attention_maps(loaded.obj[0].config), loaded.spec.context)


def _compute(key: RunKey) -> Attention | Seq2Seq:
    loaded = model_for(key.model, key.hub, key.kind)
    (net, tok), device = loaded.obj, model_cache.device()
    cfg = ExtractConfig(max_tokens=token_limit(loaded), mask_position=key.mask)
    if key.part:
        s2s = extract_seq2seq(net, tok, key.text, key.target or key.text, device=device, config=cfg,
                              control=key.control, keep_hidden=True)
        return storage.compact_seq2seq(s2s)
    att = extract(net, tok, key.text, key.text_b, device=device, config=cfg, control=key.control, keep_hidden=True,
                  weights_dtype=storage.DISPLAY_TORCH)
    return storage.compact(att)


def run(key: RunKey) -> Attention | Seq2Seq:
    """The whole run for `key` (all three attentions of an encoder-decoder), computed once."""
    return _runs().get(("run", key._replace(part="x" if key.part else "")), lambda: _compute(key))


def attention(key: RunKey) -> Attention | CrossAttention:
    """The attention the page shows: the run's own, or the chosen part of an encoder-decoder's."""
    found = run(key)
    return storage.part_of(found, key.part) if isinstance(found, Seq2Seq) else found


def rollout(key: RunKey):
    """Rollout [layer, query_pos, key_pos] (float16, read-only) of a self-attention."""
    def compute():
        out = matrices.rollout(attention(key).weights).astype(storage.DISPLAY)
        out.flags.writeable = False
        return out
    return _runs().get(("rollout", key), compute)


@st.cache_data(show_spinner=False, max_entries=32)
def head_patterns(key: RunKey) -> patterns.HeadPatterns:
    """Measured head-pattern tags of a self-attention."""
    return patterns.head_patterns(attention(key))


@st.cache_data(show_spinner=False, max_entries=64)
def work(key: RunKey, layer: int, head: int, query: int, exact: bool = False) -> Work:
    """One row recomputed by hand from the run's hidden states (exact: plus a forward for the float32 row)."""
    net = model_for(key.model, key.hub, key.kind).obj[0]
    return storage.work_for(net, run(key), key.part, WorkConfig(layer, head, query), device=model_cache.device(),
                            exact=exact)


@st.cache_data(show_spinner=False, max_entries=8)  # a page is at most ~3 MB (BertvizConfig.max_cells)
def bertviz(key: RunKey, view: str, layer: int, head: int = -1) -> BertvizPage:
    """bertviz head or model view as offline HTML (head >= 0: show only it first)."""
    att = attention(key)
    keys = att.key_tokens if isinstance(att, CrossAttention) else None
    queries = att.query_tokens if isinstance(att, CrossAttention) else att.tokens
    if view == "head":
        return head_view_html(att.weights, queries, BertvizConfig(), layer=layer,
                              heads=(head,) if head >= 0 else None, key_tokens=keys)
    return model_view_html(att.weights, queries, BertvizConfig(), layer=layer, key_tokens=keys)
