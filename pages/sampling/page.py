"""Sampling lab: how SmolLM2 picks each next token, stage by stage, on the full vocabulary."""
import streamlit as st

from explorer.core.markdown import escape_md
from explorer.core.sources import ModelUnavailable
from explorer.core.state import options
from explorer.sampling.state import SamplingState, url_notes, valid_path
from pages.sampling import (
    cache, engine_path, engine_views, logit_lens, next_token, path_strip, prompt_box, repetition, settings,
    side_by_side, steps, variation,
)
from pages.shared import model_cache
from pages.shared.url_state import read_widgets, sync_widgets, write_url

P = "samp"
VIEW_LABELS = {"next": "Next-token pipeline", "generate": "Steps & entropy", "vary": "Why outputs vary",
               "compare": "Side by side", "repeat": "Repetition lab", "lens": "Logit lens"}

st.title("Sampling lab")
st.markdown(
    "A language model only ever outputs one thing: a score (logit) for each of its **49,152** tokens. "
    "*Sampling* turns those scores into one chosen token. Here the real SmolLM2-135M-Instruct runs on "
    "this server and every setting goes through transformers' own logits processors, in the order "
    "`model.generate()` uses, so what you see is exactly what the library does."
)

for note in url_notes({k: st.query_params.get_all(k) for k in st.query_params}):
    st.warning(note)
state = sync_widgets(SamplingState, P)
settings.sidebar()
engine = engine_path.pick(state)  # None: this server's model; else the engine's settings

try:
    model_cache.causal_lm()
except (ModelUnavailable, OSError, ValueError) as err:
    st.error(f"SmolLM2 could not be loaded: {escape_md(err)}. Install it with `make models` and reload.")
    st.stop()

prompt = prompt_box.show(on_engine=engine is not None)
if prompt is None:
    write_url(SamplingState, P)
    st.stop()

if engine is None:
    kept = valid_path(state.path, model_cache.causal_lm().obj[0].config.vocab_size)
    if len(kept) < len(state.path):
        st.warning(f"The link's path had {len(state.path) - len(kept)} entries that are not SmolLM2 token ids; "
                   "they were dropped.")
        st.session_state[f"{P}.path"] = list(kept)
    state = read_widgets(SamplingState, P)
    path_strip.generate_buttons(state, prompt)
    state = read_widgets(SamplingState, P)
    path = path_strip.show(state, prompt)
    path_strip.inspect_control(path)
    if path is not None:
        st.markdown(f"**Prompt + path:** `{len(prompt.ids)}` prompt tokens + `{len(path.pieces)}` generated; "
                    f"seed `{state.seed}`. Share this page's URL to restore it exactly.")
else:
    context = cache.prompt_text(st.session_state[f"{P}.prompt"], bool(st.session_state[f"{P}.chat"]))
    engine_path.buttons(engine, read_widgets(SamplingState, P), context)
    state = read_widgets(SamplingState, P)
    path = engine_path.show(state, context)

view = st.segmented_control("View", options(SamplingState, "view"), format_func=VIEW_LABELS.get, key=f"{P}.view",
                            required=True, label_visibility="collapsed")
state = write_url(SamplingState, P)
if engine is not None and engine_views.show(view, engine, state, context, path):
    pass
elif view == "next":
    next_token.show(state, prompt, path)
elif view == "generate":
    steps.show(path)
elif view == "vary":
    variation.show(state, prompt)
elif view == "compare":
    side_by_side.show(state, prompt)
elif view == "repeat":
    repetition.show(state, prompt)
elif view == "lens":
    logit_lens.show(state, prompt, path)
