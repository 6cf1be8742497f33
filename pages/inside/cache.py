"""The Inside-a-transformer page's cached computations: one forward pass per prompt, shared by every section.

Every request is capped at MAX_TOKENS tokens (forward.MAX_TOKENS = 512) and
every cache is bounded by max_entries, so memory stays bounded however many
visitors type. The largest object each cache can hold, for SmolLM2 at 512
tokens (bench/bench_inside.py measures them; a hub model scales them with
its layers x width and vocabulary):
- run: the residual stream [31, 512, 576] float32, 36 MB (4 entries: 146 MB at most);
- walk: one block's stage samples, an attention row and 8 candidates, 12 KB;
- lens: [31, 5] guesses and norms, 4 KB; rope_curve: 1,024 scores, 16 KB;
- prompt / pieces: 512 ids or token texts, 2-4 KB; scores: [512] per-token arrays, 20 KB;
- architecture / encoder_architecture / notes_claims / start_piece: small tables.
"""
from __future__ import annotations

import streamlit as st

from explorer.core.models import Loaded
from explorer.inside import claims as C
from explorer.inside import evaluate, forward, lens as L, params, prompt as P, rope, walk as W
from pages.shared import model_cache

MAX_TOKENS = forward.MAX_TOKENS


def model_for(model: str, hub: str = "") -> Loaded:
    """SmolLM2, or the causal hub model `hub` when model == 'hub'."""
    return model_cache.causal_lm(hub.strip() if model == "hub" else "")


def _net(model: str, hub: str):
    return model_for(model, hub).obj


def tokenizer(model: str, hub: str = ""):
    """The page model's tokenizer (shared, read-only)."""
    return _net(model, hub)[1]


@st.cache_data(show_spinner=False, max_entries=64)
def prompt(model: str, hub: str, text: str, chat: bool, control: str = "library") -> P.Prompt:
    """The prompt's ids (chat template optional), the last MAX_TOKENS kept; control: typed control tokens' reading."""
    return P.prompt_ids(_net(model, hub)[1], text, chat, control=control)


# cache_resource, not cache_data: the residual stream of 512 tokens is ~37 MB and must
# not be copied on every rerun; its arrays are frozen read-only below.
@st.cache_resource(show_spinner=False, max_entries=4, ttl=3600)
def run(model: str, hub: str, ids: tuple) -> forward.Pass:
    """The model's own forward pass over `ids`, with its residual stream."""
    result = forward.forward_pass(_net(model, hub)[0], ids, device=model_cache.device())
    for array in (result.ids, result.resid, result.final):
        array.flags.writeable = False
    return result


@st.cache_data(show_spinner=False, max_entries=32)
def walk(model: str, hub: str, ids: tuple, layer: int, head: int, position: int) -> W.Walk:
    """Every stage of the pass for one token through block `layer`."""
    net, tok = _net(model, hub)
    return W.build_walk(net, tok, run(model, hub, ids), layer, head, position)


@st.cache_data(show_spinner=False, max_entries=32)
def lens(model: str, hub: str, ids: tuple, position: int) -> L.Lens:
    """Logit lens for one token."""
    net, tok = _net(model, hub)
    return L.logit_lens(net, tok, run(model, hub, ids), position)


@st.cache_data(show_spinner=False, max_entries=32)
def rope_curve(model: str, hub: str, ids: tuple, layer: int, head: int, query: int, key: int) -> rope.RopeCurve:
    """q·k/√d of one real pair at every distance."""
    return rope.rope_curve(_net(model, hub)[0], run(model, hub, ids), layer, head, query, key)


@st.cache_data(show_spinner=False, max_entries=8)
def architecture(model: str, hub: str) -> params.Architecture:
    """Parameter groups and architecture facts of the page's causal model."""
    loaded = model_for(model, hub)
    return params.account(loaded.obj[0], loaded.spec.title)


@st.cache_data(show_spinner=False, max_entries=1)
def encoder_architecture() -> params.Architecture:
    """The same table for MiniLM, the app's encoder."""
    loaded = model_cache.encoder()
    return params.account(loaded.obj[0], loaded.spec.title)


@st.cache_data(show_spinner=False, max_entries=8)
def notes_claims(model: str, hub: str, ids: tuple) -> tuple[C.Claim, ...]:
    """The notes' architecture claims against the loaded model."""
    return C.check_notes(_net(model, hub)[0], run(model, hub, ids), architecture(model, hub))


@st.cache_data(show_spinner=False, max_entries=64)
def scores(model: str, hub: str, text: str, start: bool, control: str = "library") -> evaluate.Scores:
    """Per-token surprise of `text` (its first MAX_TOKENS tokens), after a document-start token if `start`."""
    net, tok = _net(model, hub)
    return evaluate.score_text(net, tok, text, start=start, control=control)


@st.cache_data(show_spinner=False, max_entries=8)
def start_piece(model: str, hub: str) -> str | None:
    """The document-start token this tokenizer needs spelled out, or None."""
    tok = _net(model, hub)[1]
    first = evaluate.start_id(tok)
    return None if first is None else tok.convert_ids_to_tokens(first)


@st.cache_data(show_spinner=False, max_entries=32)
def pieces(model: str, hub: str, ids: tuple) -> tuple[str, ...]:
    """Each id decoded on its own: the token texts shown in selectors and charts."""
    tok = _net(model, hub)[1]
    return tuple(tok.decode([i]) for i in ids)
