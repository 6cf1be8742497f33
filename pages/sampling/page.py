"""Sampling lab: how SmolLM2 picks each next token, stage by stage, on the full vocabulary."""
import streamlit as st

from explorer.sampling.state import SamplingState, url_notes
from explorer.core.sources import ModelUnavailable
from pages.shared import model_cache
from pages.sampling import controls
from pages.sampling import studies as more
from pages.sampling import next_token as views
from pages.shared.url_state import read_widgets, sync_widgets, write_url

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
state = sync_widgets(SamplingState, "samp")
controls.settings_sidebar()

try:
    model_cache.causal_lm()
except (ModelUnavailable, OSError, ValueError) as err:
    st.error(f"SmolLM2 could not be loaded: {err}. Install it with `make models` and reload.")
    st.stop()

prompt = controls.prompt_box(state)
if prompt is None:
    write_url(SamplingState, "samp")
    st.stop()

vocab = model_cache.causal_lm().obj[0].config.vocab_size
bad = [t for t in state.path if not t.isdigit() or int(t) >= vocab]
if bad:
    st.warning(f"The link's path had {len(bad)} entries that are not SmolLM2 token ids; they were dropped.")
    st.session_state["samp.path"] = [t for t in state.path if t not in bad]
state = read_widgets(SamplingState, "samp")
controls.generate_buttons(state, prompt)
state = read_widgets(SamplingState, "samp")
path = views.path_strip(state, prompt)
views.inspect_control(path)
if path is not None:
    st.markdown(f"**Prompt + path:** `{len(prompt.ids)}` prompt tokens + `{len(path.pieces)}` generated; "
                f"seed `{state.seed}`. Share this page's URL to restore it exactly.")

view = st.segmented_control("View", list(VIEW_LABELS), format_func=VIEW_LABELS.get, key="samp.view",
                            required=True, label_visibility="collapsed")
state = write_url(SamplingState, "samp")
if view == "next":
    views.next_view(state, prompt, path)
elif view == "generate":
    views.steps_view(path)
elif view == "vary":
    more.vary_view(state, prompt)
elif view == "compare":
    views.side_by_side(state, prompt)
elif view == "repeat":
    more.repeat_view(state, prompt)
elif view == "lens":
    more.lens_view(state, prompt, path)
