"""The page's top controls: which model, which prompt (typed or one of the notes' questions), chat template,
and how control-token strings typed in the prompt are read."""
from __future__ import annotations

import streamlit as st

from explorer.core.markdown import escape_md
from explorer.core.sources import ModelUnavailable
from explorer.inside.presets import PROMPTS
from explorer.inside.prompt import Prompt
from explorer.inside.state import MAX_TEXT, MODELS, InsideState
from pages.inside import cache
from pages.shared import control_tokens, url_state

P = "inside"
MODEL_LABELS = {"smollm2": "SmolLM2-135M-Instruct (bundled)", "hub": "Any causal hub model (online)"}


def _apply_preset() -> None:
    """Callback: copy the chosen question (and its chat setting) into the prompt."""
    choice = st.session_state.get("inside_preset")
    if choice in PROMPTS:
        st.session_state[f"{P}.text"], st.session_state[f"{P}.chat"] = PROMPTS[choice]
        st.session_state[f"{P}.pos"] = st.session_state[f"{P}.key"] = -1


def url_notes() -> None:
    """Say so when a link's text was too long to use (the state fell back to the default)."""
    for field, what in (("text", "prompt"), ("eval_a", "text A"), ("eval_b", "text B")):
        raw = st.query_params.get(field)
        if raw is not None and len(raw) > MAX_TEXT:
            st.warning(f"The link's {what} has {len(raw):,} characters, over this page's {MAX_TEXT:,}; "
                       "it was not used.")


def controls() -> None:
    """Model choice, hub id, presets, the prompt, the chat-template switch and the control-token switch."""
    left, right = st.columns([2, 3])
    left.radio("Model", MODELS, key=f"{P}.model", format_func=MODEL_LABELS.get)
    hub_off = st.session_state[f"{P}.model"] != "hub"
    url_state.text_input(left, "Hub model id (a causal LM)", InsideState, P, "hub",
                         placeholder="HuggingFaceTB/SmolLM2-360M", disabled=hub_off)
    left.toggle("Chat template", key=f"{P}.chat",
                help="Wrap the prompt in the model's chat format (system turn, user turn, assistant turn), "
                     "as a chat app does. Off: the model simply continues the text.")
    right.selectbox("Questions from the study notes", list(PROMPTS), index=None, key="inside_preset",
                    placeholder="Pick a question from the notes...", on_change=_apply_preset)
    url_state.text_area(right, "Prompt", InsideState, P, "text", height=90,
                        help=f"At most {MAX_TEXT:,} characters; up to {cache.MAX_TOKENS} tokens are run "
                             "(the last ones are kept) and longer prompts are cut with a notice.")
    control_tokens.switch(right, InsideState, P)


def load(state):
    """The chosen model, or None after saying why it could not load (the hub policy's refusals included)."""
    if state.model == "hub" and not state.hub.strip():
        st.info("Type a hub id of a causal language model, such as `HuggingFaceTB/SmolLM2-360M` "
                "(needs internet access).")
        return None
    try:
        with st.spinner("Loading the model (the first time takes a few seconds)..."):
            return cache.model_for(state.model, state.hub)
    except (ModelUnavailable, ValueError, OSError) as err:
        name = state.hub.strip() if state.model == "hub" else MODEL_LABELS[state.model]
        st.error(f"**Could not load the model** {escape_md(name)}: {escape_md(err)}", icon=":material/error:")
        return None


def encode(state, loaded) -> Prompt | None:
    """The prompt's ids, or None after a clear message (empty text, no tokens); notes typed control tokens."""
    if not state.text.strip():
        st.warning("The prompt is empty: type a question or pick one from the notes.")
        return None
    try:
        prompt = cache.prompt(state.model, state.hub.strip(), state.text, state.chat, state.control)
    except (ValueError, RuntimeError) as err:
        st.error(f"Could not tokenize the prompt: {escape_md(err)}")
        return None
    typed = control_tokens.notice(st, loaded.obj[1], state.text, state.control, f"{loaded.spec.title}: the prompt")
    if typed and prompt.chat and state.control == "library":
        st.caption("With the chat template on, a typed end-of-turn token really ends your turn in what the "
                   "model reads: the Tokenizer inspector's link below shows the turns it gets.")
    if state.chat and not prompt.chat:
        st.info("This model's tokenizer has no chat template, so the prompt is run as plain text.")
    if prompt.cut:
        st.warning(f"The prompt has {prompt.total:,} tokens; only the last {len(prompt.ids)} were run "
                   f"(this page's limit is {cache.MAX_TOKENS}).")
    return prompt
