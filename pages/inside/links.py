"""Links from each stage to the page that explores it, carrying this page's prompt in the other page's URL keys.

The control-token switch travels too (URL key `control`); a page whose state has no such field drops it.
"""
from __future__ import annotations

from explorer.attention.state import AttentionState
from explorer.inside.state import InsideState
from explorer.sampling.state import SamplingState
from explorer.tokenizers.state import TokenizerState
from pages.shared.nav import PAGES

PATHS = {p.url_path: p.file for p in PAGES}  # absolute: resolves from any entry point
TOKENIZERS = "smollm2-tok|gpt2|cl100k|bert"  # SmolLM2's own tokenizer first, then the notes' usual ones


def tokenizer_query(state: InsideState) -> dict[str, str]:
    """The Tokenizer inspector on this prompt: the chat-template view when the template is on."""
    if state.chat and state.model == "smollm2":
        return TokenizerState.from_query({"mode": "chat", "user": state.text, "control": state.control}).to_query()
    return TokenizerState.from_query({"text": state.text, "tk": TOKENIZERS, "control": state.control}).to_query()


def attention_query(state: InsideState, layer: int, head: int) -> dict[str, str]:
    """The Attention heatmaps of this model and text at this layer and head."""
    model = {"model": "hub", "hub": state.hub.strip(), "kind": "decoder"} if state.model == "hub" \
        else {"model": "smollm2"}
    return AttentionState.from_query({**model, "text": state.text, "layer": str(layer),
                                      "head": str(head), "control": state.control}).to_query()


def sampling_query(state: InsideState) -> dict[str, str]:
    """The Sampling lab's next-token pipeline for this prompt (SmolLM2 only)."""
    return SamplingState.from_query({"prompt": state.text, "chat": "1" if state.chat else "0",
                                     "control": state.control}).to_query()


def show(where, target: str, state: InsideState, layer: int = 0, head: int = 0) -> None:
    """One st.page_link to `target` ('tokenizer', 'attention' or 'sampling') with the carried state."""
    if target == "tokenizer":
        where.page_link(PATHS["tokenizer"], label="These tokens in the Tokenizer inspector",
                        icon=":material/token:", query_params=tokenizer_query(state))
    elif target == "attention":
        where.page_link(PATHS["attention"], label=f"Layer {layer} in Attention heatmaps",
                        icon=":material/grid_on:", query_params=attention_query(state, layer, head))
    elif target == "sampling":
        where.page_link(PATHS["sampling"], label="This next token in the Sampling lab",
                        icon=":material/casino:", query_params=sampling_query(state),
                        disabled=state.model != "smollm2",
                        help=None if state.model == "smollm2" else "The Sampling lab runs SmolLM2 only.")
