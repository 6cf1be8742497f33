"""Section 5: per-token surprise and perplexity of two texts, and what perplexity does and does not measure."""
from __future__ import annotations

import streamlit as st

from explorer.core.markdown import escape_md
from explorer.inside import figures as F
from explorer.inside.evaluate import Scores, shuffle_words
from explorer.inside.presets import PAIRS
from explorer.inside.state import InsideState
from pages.inside import cache
from pages.inside.forward_path import PLOT
from pages.shared import control_tokens, url_state

P = "inside"
MEANING = """
**What perplexity measures:** how well the model *predicted this exact text*, token by token:
2 to the power of the average surprise in bits. 1 would be a model that saw every token coming; a
perplexity of 20 means the model was, on average, as unsure as if it were choosing among 20 equally
likely tokens.

**What it does not measure:** whether the text is *true*, helpful, safe or well reasoned (a fluent false
sentence can score almost as well as the true one); how good the model's *answers* are; and it cannot be
compared across models with different tokenizers (the same text is a different number of tokens), nor
across texts of very different kinds. A low perplexity can also mean the model saw this text in training.
Try the pair *The notes' table vs the model's own architecture*: perplexity rewards what sounds usual to the
model, not what is true of it.
"""


def _apply_pair() -> None:
    """Callback: put the chosen pair into texts A and B (B = A shuffled when the pair says so)."""
    choice = st.session_state.get("inside_pair")
    if choice in PAIRS:
        a, b = PAIRS[choice]
        st.session_state[f"{P}.eval_a"] = a
        st.session_state[f"{P}.eval_b"] = b if b is not None else shuffle_words(a, st.session_state[f"{P}.seed"])


def _shuffle() -> None:
    """Callback: B = A's words in a new random order (the seed moves on, so the link records it)."""
    st.session_state[f"{P}.seed"] = (int(st.session_state[f"{P}.seed"]) + 1) % 2**31
    st.session_state[f"{P}.eval_b"] = shuffle_words(st.session_state[f"{P}.eval_a"], st.session_state[f"{P}.seed"])


def controls() -> None:
    """The two texts, the preset pairs and the shuffle button."""
    top = st.columns([3, 2, 1])
    top[0].selectbox("Pairs to compare", list(PAIRS), index=None, key="inside_pair",
                     placeholder="Pick a pair: fluent vs shuffled, fact vs false fact...", on_change=_apply_pair)
    url_state.number_input(top[1], "Shuffle seed", InsideState, P, "seed", step=1)
    top[2].button("Shuffle A into B", on_click=_shuffle, icon=":material/shuffle:")
    first = cache.start_piece(st.session_state[f"{P}.model"], st.session_state[f"{P}.hub"].strip())
    if first:
        st.toggle(f"Start each text with {escape_md(first)} (a new document)", key=f"{P}.start",
                  help=f"The model was trained on documents separated by {escape_md(first)}. Without it the "
                       "first word has nothing to be predicted from, and the model reads what follows it oddly: "
                       "try both.")
    cols = st.columns(2)
    url_state.text_area(cols[0], "Text A", InsideState, P, "eval_a", height=80)
    url_state.text_area(cols[1], "Text B", InsideState, P, "eval_b", height=80)


def _score(state, text: str, name: str) -> Scores | None:
    if not text.strip():
        st.warning(f"Text {name} is empty: type a sentence to score it.")
        return None
    tok = cache.tokenizer(state.model, state.hub.strip())
    control_tokens.notice(st, tok, text, state.control, f"Text {name}")
    try:
        s = cache.scores(state.model, state.hub.strip(), text, state.start, state.control)
    except (ValueError, RuntimeError) as err:
        st.error(f"Could not score text {name}: {escape_md(err)}")
        return None
    if s.total_tokens > len(s.ids):
        st.warning(f"Text {name} has {s.total_tokens:,} tokens; only the first {len(s.ids)} were scored.")
    if s.scored == 0:
        st.info(f"Text {name} is a single token: there is nothing before it to predict it from.")
    return s


def show(state) -> tuple[Scores | None, Scores | None]:
    """Both texts scored: metrics, per-token surprise charts and the meaning of perplexity."""
    a, b = _score(state, state.eval_a, "A"), _score(state, state.eval_b, "B")
    cols = st.columns(2)
    for col, s, name in ((cols[0], a, "A"), (cols[1], b, "B")):
        if s is None or s.scored == 0:
            continue
        m = col.columns(3)
        m[0].metric(f"Perplexity {name}", f"{s.perplexity:,.1f}")
        m[1].metric("Bits per token", f"{s.mean_bits:.2f}")
        m[2].metric("Tokens scored", f"{s.scored}")
        col.plotly_chart(F.surprise_figure(s, f"Text {name}: surprise per token"), width="stretch", config=PLOT,
                         key=f"inside_surprise_{name}")
    if a and b and a.scored and b.scored:
        lower = "A" if a.perplexity < b.perplexity else "B"
        st.markdown(f"The model finds text **{lower}** less surprising "
                    f"({min(a.perplexity, b.perplexity):,.1f} vs {max(a.perplexity, b.perplexity):,.1f}).")
    st.markdown(MEANING)
    return a, b
