"""UI pieces of the Attention heatmaps page (pages/attention/page.py): one function per panel."""
from __future__ import annotations

import streamlit as st

from explorer.attention import extract as A
from explorer.attention.focus import find_token, focus, to_csv
from explorer.attention.state import PRESET_QUESTIONS, PRESETS
from explorer.attention import figures as F
from explorer.core.figures import safe_label
from explorer.core.sources import ModelUnavailable
from pages.attention import cache

P = "attn"
LONG_AT = 128  # 'auto' switches to top-k edges above this many tokens
PLOT_CONFIG = {"toImageButtonOptions": {"format": "png", "filename": "attention", "scale": 2},
               "displaylogo": False}
MODEL_LABELS = {"minilm": "Encoder: MiniLM (BERT)", "smollm2": "Decoder: SmolLM2",
                "hub": "Any hub model (online)"}


def model_args(state) -> tuple[str, str, str]:
    """(model, hub id, kind) as the cache keys them; the hub id only matters for 'hub'."""
    hub = state.hub.strip() if state.model == "hub" else ""
    return state.model, hub, state.kind if state.model == "hub" else "encoder"


def apply_preset() -> None:
    """Callback: copy the chosen preset sentence into the text box."""
    choice = st.session_state.get("attn_preset")
    if choice in PRESETS:
        st.session_state[f"{P}.text"] = PRESETS[choice]
        st.session_state[f"{P}.query"] = st.session_state[f"{P}.key"] = -1


def pick_from_grid() -> None:
    """Callback: a click on the layers x heads grid selects and enlarges that head."""
    points = st.session_state["attn_grid"].selection.get("points", [])
    heads = st.session_state.get("_attn_heads", 1)
    marks = [p for p in points if p.get("curve_number") == 1]
    if marks:
        index = int(marks[0]["point_index"])
        st.session_state[f"{P}.layer"], st.session_state[f"{P}.head"] = divmod(index, heads)
        st.session_state[f"{P}.view"], st.session_state[f"{P}.show"] = "heatmap", "head"


def load_model(state) -> tuple | None:
    """The chosen model, or None after showing why it could not load."""
    if state.model == "hub" and not state.hub.strip():
        st.info("Type a hub id such as `bert-base-uncased` or `gpt2` (needs internet access).")
        return None
    try:
        with st.spinner("Loading the model (the first time takes a few seconds)..."):
            return cache.model_for(*model_args(state))
    except (ModelUnavailable, ValueError, OSError) as err:
        st.error(f"Could not load the model: {err}")
        return None


def run(state, text: str, mask: int = -1) -> A.Attention | None:
    """The cached forward pass, or None after a clear message."""
    if not text.strip():
        st.warning("The text is empty: type a sentence or pick a preset.")
        return None
    try:
        with st.spinner("Running the model and collecting every head's attention..."):
            return cache.run(*model_args(state), text, "", mask)
    except (ModelUnavailable, ValueError, OSError, RuntimeError) as err:
        st.error(f"Could not compute attention: {err}")
        return None


def notices(att: A.Attention, state) -> None:
    """Token count, truncation and what the model is."""
    layers, heads, n = att.shape
    kind = "decoder (causal: each token sees only itself and earlier tokens)" if att.causal else \
        "encoder (bidirectional: every token sees every token)"
    gqa = f", {att.kv_heads} key/value heads shared by {heads} query heads" if att.kv_heads != heads else ""
    st.caption(f"{n} tokens · {layers} layers × {heads} heads{gqa} · {kind}")
    if att.causal and state.model == "smollm2":
        st.caption("SmolLM2 is a Llama-architecture model, and Llama is decoder-only: the notes' table "
                   "lists LLaMA under encoder-decoder, but its attention here is causal (grey triangle).")
    if att.truncated:
        st.warning(f"The text has {att.n_input_tokens} tokens; only the first {n} were run "
                   f"(this page's limit is {cache.MAX_TOKENS}).")


def matrix(att: A.Attention, state):
    """The [query, key] matrix for the current view settings."""
    rolled = cache.rollout(*model_args(state), state.text) \
        if state.show == "rollout" else None
    return A.view_matrix(att, state.show, state.layer, state.head, state.sinks, rolled)


def _title(state) -> str:
    if state.show == "head":
        return f"Layer {state.layer}, head {state.head}"
    if state.show == "rollout":
        return f"Attention rollout through layers 0..{state.layer}"
    return f"Layer {state.layer}, {state.show}"


def heatmap_view(att: A.Attention, state) -> None:
    """One big heatmap, or top-k edges for long inputs; CSV download."""
    mat = matrix(att, state)
    hidden = A.sink_positions(att) if state.sinks else None
    n = len(att.tokens)
    edges = state.long == "top-k" or (state.long == "auto" and n > LONG_AT)
    if edges:
        e = A.top_k_edges(mat, state.k)
        st.caption(f"Top-{state.k} keys per query: {len(e.weight):,} of {n * n:,} cells, "
                   f"carrying {e.kept_mass:.0%} of the attention. Switch *Long inputs* to *full* for every cell.")
        fig = F.edges_figure(e.query, e.key, e.weight, att.tokens, title=_title(state))
    else:
        fig = F.heatmap(mat, att.tokens, title=_title(state), causal=att.causal, hidden=hidden,
                        height=min(900, 260 + 18 * n))
    st.plotly_chart(fig, width="stretch", config=PLOT_CONFIG, key="attn_main")
    if att.causal:
        st.caption("Grey upper triangle: future tokens, masked out before the softmax (weight exactly 0).")
    if state.sinks:
        st.caption("Grey columns: hidden sink tokens; each row was renormalised to sum to 1 again.")
    st.download_button("Download this matrix as CSV", to_csv(mat, att.tokens), "attention.csv",
                       "text/csv", key="attn_csv",
                       help="For a PNG, use the camera icon that appears at the top right of any chart.")


def grid_view(att: A.Attention, state) -> None:
    """Every head as a thumbnail; clicking one enlarges it."""
    st.session_state["_attn_heads"] = att.shape[1]
    tags = cache.patterns(*model_args(state), state.text).tags if len(att.tokens) >= 3 else None
    fig = F.grid_figure(att.weights, tags, selected=(state.layer, state.head))
    st.caption("Rows are layers, columns are heads. Click a thumbnail to open it as the big heatmap.")
    st.plotly_chart(fig, width="stretch", config=PLOT_CONFIG, key="attn_grid", on_select=pick_from_grid,
                    selection_mode="points")


def bertviz_view(att: A.Attention, state, which: str) -> None:
    """bertviz's own head or model view, drawn offline in an iframe."""
    head = state.head if which == "head" and state.show == "head" else -1
    page = cache.bertviz(*model_args(state), state.text, which, state.layer, head)
    if page.capped:
        st.warning(f"bertviz draws every line in the browser, so it shows the first {page.tokens_shown} of "
                   f"{page.tokens_total} tokens. The heatmap view has no such limit.")
    if len(page.layers) < att.shape[0]:
        st.info(f"Layers {page.layers[0]}..{page.layers[-1]} are included (the page size grows with "
                "layers × heads × tokens²); move the layer slider to see others.")
    st.caption("bertviz (Jesse Vig, Apache-2.0) with d3, jQuery and require.js inlined: no CDN needed. "
               + ("Hover a token to see where it looks. Each colour is a head: click a colour to toggle it, "
                  "double-click to show only that head (set *Show* to a mean to start with all heads)."
                  if which == "head" else "Click a thumbnail to enlarge it."))
    st.iframe(page.html, height=min(1400, 160 + 24 * page.tokens_shown) if which == "head" else 900)


def question_targets(att: A.Attention, text: str) -> tuple[int, int, str]:
    """(query, target) positions of the preset's question and the notes' claim, or (-1, -1, '')."""
    words = PRESET_QUESTIONS.get(text.strip())
    if not words:
        return -1, -1, ""
    target = find_token(att, words[1])
    return find_token(att, words[0], max(0, target + 1)), target, words[2]


def focus_panel(att: A.Attention, state, query: int, target: int, model_name: str, claim: str = "") -> None:
    """Where the query token looks, per layer, and what the notes claimed."""
    if claim and target >= 0:
        st.markdown(f"{claim} What {model_name} actually does, measured:")
    hidden = A.sink_positions(att) if state.sinks else None
    rows = att.weights[:, :, query, :].mean(axis=1)  # [layer, key]
    st.plotly_chart(F.focus_figure(rows, att.tokens, query, hidden), width="stretch", config=PLOT_CONFIG,
                    key="attn_focus")
    f = focus(att, query, target)
    top = ", ".join(f"**{safe_label(t.strip())}** {w:.1%}" for t, w in f.ranked[:4])
    st.markdown(f"Averaged over all heads and layers, {model_name}'s token **{safe_label(att.tokens[query].strip())}** "
                f"(position {query}) looks most at: {top} (sink tokens left out).")
    if target < 0:
        return
    who = safe_label(att.tokens[target].strip())
    if f.target_rank == 0 and att.causal and target > query:
        st.info(f"**{who}** comes later in the text: a decoder's token cannot look ahead, so its weight is 0.")
    elif f.target_rank == 0:
        st.info(f"**{who}** is position {target}, a sink token: nearly every token puts a large weight there "
                "whatever it means, so that weight is not evidence of reference.")
    else:
        st.markdown(f"**{who}** ranks **#{f.target_rank}** ({f.target_weight:.1%} on average). The single head "
                    f"that looks at it most is layer {f.best_head[0]}, head {f.best_head[1]} "
                    f"with {f.best_head_weight:.1%}.")
