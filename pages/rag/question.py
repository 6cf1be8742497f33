"""Search and answer, step 2: the question, from a preset or typed, within its limits."""
from __future__ import annotations

import streamlit as st

from explorer.core.markdown import escape_md
from explorer.core.sources import ModelUnavailable
from explorer.rag.presets import BY_QUESTION, PRESETS
from explorer.rag.retrieval import MAX_QUESTION_CHARS
from explorer.rag.state import RagState
from pages.rag import cache
from pages.shared import control_tokens
from pages.shared.url_state import slider, text_area

PRESET_LABELS = {"return": "bare return", "ellipsis": "Ellipsis", "assert": "failed assert",
                 "power": "-1**2", "debug": "__debug__ under -O"}


def _use_preset(question: str) -> None:
    st.session_state["rag.question"] = question


def question_panel(state: RagState) -> str | None:
    """Preset buttons, the question box and k; the question, or None with a message."""
    st.caption("Preset questions, each answered in the Python basics documents. Measured on a "
               "CPU at the default settings, SmolLM2 got 1 of the 5 right with no context, 3 with "
               f"the retrieved chunks and 2 with random ones; {escape_md('-1**2')} and "
               f"{escape_md('__debug__')} stay wrong even with the right chunk in front of it.")
    cols = st.columns(len(PRESETS))
    for col, preset in zip(cols, PRESETS):
        col.button(escape_md(PRESET_LABELS[preset.key]), key=f"rag_preset_{preset.key}", width="stretch",
                   on_click=_use_preset, args=(preset.question,), help=preset.question)
    left, right = st.columns([4, 1])
    text_area(left, "Question", RagState, "rag", "question", height=68)
    slider(right, "Chunks to retrieve (k)", RagState, "rag", "k")
    control_tokens.switch(st, RagState, "rag")
    raw = state.question
    if len(raw) > MAX_QUESTION_CHARS:
        st.error(f"The question has {len(raw):,} characters; questions are limited to "
                 f"{MAX_QUESTION_CHARS} (a long question would crowd the chunks out of the "
                 "prompt). Shorten it.")
        return None
    question = " ".join(raw.split())
    if not question:
        st.warning("Type a question, or pick a preset.")
        return None
    _notices(question, state.control)
    return question


def _notices(question: str, mode: str) -> None:
    """What each model's tokenizer does with control-token strings typed in the question."""
    readers = (("MiniLM (search)", cache.search_tokenizer), ("SmolLM2 (prompt)", cache.prompt_tokenizer))
    for name, load in readers:
        try:
            control_tokens.notice(st, load(), question, mode, name)
        except ModelUnavailable:
            continue  # the step that needs the model says so


def preset_of(question: str):
    """The preset this exact question comes from, or None."""
    return BY_QUESTION.get(question)
