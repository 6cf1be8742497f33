"""Search and answer, step 4: what the prompts really hold: control tokens in the documents, an
injected turn said plainly, and the exact prompts with the turns SmolLM2 reads from their ids."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.core.encoding import CONTROL_LABELS
from explorer.core.markdown import escape_md
from explorer.rag.answers import MODE_TITLES, MODES
from explorer.rag.prompts import BuiltPrompt
from explorer.core.turns import roles
from pages.rag import cache
from pages.shared import control_tokens

EXPLAIN = {
    "library": "SmolLM2's chat template wraps each turn in <|im_start|> ... <|im_end|>. Control-token "
               "strings in your question or files are read as the library does: they become those control "
               "tokens, so a typed <|im_end|> ends your turn and <|im_start|>system opens a new one.",
    "text": "SmolLM2's chat template wraps each turn in <|im_start|> ... <|im_end|>. What you type or upload "
            "is read as plain text, so a typed <|im_end|> cannot end your turn early (the safe version).",
}


def documents_notice(contexts: dict, prompts: dict[str, BuiltPrompt], mode: str) -> None:
    """The shared notice for control-token strings inside the chunks that entered the prompts."""
    used = list(dict.fromkeys(f"{h}\n{t}" for m in MODES for h, t in contexts[m][:prompts[m].contexts_used]))
    if used:
        control_tokens.notice(st, cache.prompt_tokenizer(), "\n".join(used), mode,
                              "SmolLM2: the documents in the prompt")


def _names(names: tuple[str, ...]) -> str:
    """'system, user, assistant', each role escaped (a typed role can be any text)."""
    return ", ".join(escape_md(r) or "(no role)" for r in names)


def injection(prompts: dict[str, BuiltPrompt], mode: str) -> None:
    """Say plainly when text inside a prompt closes the user's turn or opens another role."""
    hit = [m for m in MODES if prompts[m].injected]
    if not hit:
        return
    p = prompts[hit[0]]
    opened = p.opened_roles
    what = (f"closes the user's turn and opens {len(opened)} new turn{'s' if len(opened) > 1 else ''} "
            f"({_names(opened)})") if opened else "closes the user's turn early"
    where = ", ".join(MODE_TITLES[m].lower() for m in hit)
    st.error(f"**Prompt injection:** text inside the prompt ({where}) {what}. Read as the library does, "
             f"SmolLM2 gets {len(p.turns)} turns ({_names(roles(p.turns))}) where the template wrote "
             f"{len(p.written)} ({_names(roles(p.written))}). The turns are listed under *The exact prompts sent*.",
             icon=":material/gpp_bad:")
    st.caption(f"Switch *{escape_md(control_tokens.LABEL)}* to *{CONTROL_LABELS['text']}* to send the safe "
               "version.")


def _turns_table(p: BuiltPrompt) -> pd.DataFrame:
    return pd.DataFrame([{"turn": i, "role": t.role, "opened by": "text in the prompt" if t.opened_by_user
                          else "the template", "closed": t.closed, "text": t.preview}
                         for i, t in enumerate(p.turns)])


def show(prompts: dict[str, BuiltPrompt], mode: str) -> None:
    """The three exact prompts, each with the turns SmolLM2 reads from its ids (open when injected)."""
    injected = any(p.injected for p in prompts.values())
    with st.expander("The exact prompts sent (chat template applied)", expanded=injected):
        st.caption(escape_md(EXPLAIN[mode]))
        for tab, m in zip(st.tabs([MODE_TITLES[m] for m in MODES]), MODES):
            p = prompts[m]
            tab.caption(f"{p.n_tokens:,} tokens · {len(p.turns)} turns as SmolLM2 reads them"
                        + (f", where the template wrote {len(p.written)}" if p.injected else ""))
            if p.turns:
                tab.dataframe(_turns_table(p), hide_index=True, width="stretch")
            tab.code(p.text, language=None, wrap_lines=True)
