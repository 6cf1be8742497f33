"""Search and answer, step 4: SmolLM2 answers three ways, with the exact prompts and their cost."""
from __future__ import annotations

import dataclasses
import html

import streamlit as st

from explorer.core.markdown import escape_md
from explorer.core.sources import ModelUnavailable
from explorer.rag.answers import MODE_TITLES, MODES, Answer
from explorer.rag.export import answers_json
from explorer.rag.library import Library
from explorer.rag.presets import is_right
from explorer.rag.prompts import BuiltPrompt, PromptConfig
from explorer.rag.retrieval import Retrieval
from explorer.rag.state import RagState
from pages.rag import cache, prompt_view
from pages.rag.question import preset_of
from pages.shared.url_state import slider

ANSWER_BOX = ("<div style='white-space:pre-wrap;border-left:4px solid {};padding:0.4rem 0.7rem;"
              "background:#f9fafb;min-height:4rem'>{}</div>")
VERDICT = {True: ("#059669", "right"), False: ("#DC2626", "wrong"), None: ("#9CA3AF", "")}


def _switches() -> None:
    cols = st.columns(4)
    cols[0].toggle("System prompt", key="rag.system",
                   help="Off: SmolLM2's chat template inserts its own default system prompt.")
    cols[1].toggle("Answer only from the context", key="rag.only_context")
    cols[2].toggle("Few-shot examples", key="rag.few_shot",
                   help="Two worked question/answer turns before yours.")
    slider(cols[3], "New tokens at most", RagState, "rag", "new_tokens",
                   help="Greedy decoding: the same prompt always gives the same answer.")


def _contexts(lib: Library, retrieval: Retrieval) -> dict[str, tuple[tuple[str, str], ...]]:
    """mode -> the (heading, text) chunks its prompt gets, best first."""
    chunks = lib.chunks
    pairs = {"none": (), "retrieved": retrieval.rows, "random": retrieval.random_rows}
    return {mode: tuple((chunks.headings[r], chunks.texts[r]) for r in rows) for mode, rows in pairs.items()}


def _generate(prompts: dict[str, BuiltPrompt], new_tokens: int) -> dict[str, Answer]:
    out = {}
    with st.status("SmolLM2 is answering three ways...", expanded=False) as status:
        for mode in MODES:
            status.update(label=f"SmolLM2 is answering: {MODE_TITLES[mode].lower()}...")
            out[mode] = cache.answer(prompts[mode].ids, new_tokens)
            status.write(f"{MODE_TITLES[mode]}: {out[mode].new_tokens} tokens in "
                         f"{out[mode].seconds:.1f} s")
        status.update(label="Answered three ways", state="complete")
    return out


def _show(mode: str, prompt: BuiltPrompt, answer: Answer, verdict: bool | None) -> None:
    colour, word = VERDICT[verdict]
    st.markdown(f"**{MODE_TITLES[mode]}**" + (f" · :{'green' if verdict else 'red'}[{word}]" if word else ""))
    st.html(ANSWER_BOX.format(colour, html.escape(answer.text or "(no answer)")))
    used = f", {prompt.contexts_used} of {prompt.contexts_given} chunks fit" \
        if prompt.contexts_used < prompt.contexts_given else ""
    st.caption(f"{answer.prompt_tokens:,} prompt tokens{used} → {answer.new_tokens} new "
               f"({answer.stopped}) in {answer.seconds:.1f} s")


def _honesty(question: str, verdicts: dict) -> None:
    preset = preset_of(question)
    if preset is None:
        st.caption("Your own question: judge the answers against the highlighted chunks.")
        return
    st.caption(f"The reference says: {escape_md(preset.answer)} (topic `{preset.topic}`). "
               "Right / wrong is a pattern match for that fact.")
    if verdicts["retrieved"] is False:
        st.warning("Even with the right chunk in its prompt, this 135M-parameter model got it "
                   "wrong here: retrieval finds the text, but the model must still read it. "
                   "Larger models read context far more reliably.")


def answers_panel(state: RagState, lib: Library, question: str, retrieval: Retrieval) -> None:
    """Prompt switches, three greedy answers side by side, the exact prompts, the JSON download."""
    _switches()
    cfg = PromptConfig(state.system, state.only_context, state.few_shot)
    try:
        contexts = _contexts(lib, retrieval)
        prompts = {m: cache.prompt(question, contexts[m], cfg, state.control) for m in MODES}
        prompt_view.documents_notice(contexts, prompts, state.control)
        prompt_view.injection(prompts, state.control)
        answers = _generate(prompts, state.new_tokens)
    except ModelUnavailable as err:
        st.error(f"SmolLM2 is not available: {escape_md(err)}")
        return
    except ValueError as err:
        st.error(escape_md(str(err)))
        return
    preset = preset_of(question)
    verdicts = {m: (is_right(a.text, preset) if preset else None) for m, a in answers.items()}
    for col, mode in zip(st.columns(3), MODES):
        with col:
            _show(mode, prompts[mode], answers[mode], verdicts[mode])
    _honesty(question, verdicts)
    prompt_view.show(prompts, state.control)
    settings = {**dataclasses.asdict(state), "question": question}
    st.download_button("Download the answers and prompts (JSON)",
                       answers_json(question, settings, prompts, answers, verdicts),
                       "rag_answers.json", "application/json", key="rag_answers_json")
