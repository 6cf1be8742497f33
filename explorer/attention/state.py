"""Shareable view state of the Attention heatmaps page (URL keys = field names).

Example:
    >>> AttentionState.from_query({"model": "smollm2", "layer": "99"}).layer
    63
"""
from __future__ import annotations

from dataclasses import dataclass

from explorer.core.encoding import CONTROL_MODES
from explorer.core.state import ViewState, choice, flag, num
from explorer.core.state import text as free_text

PRESETS = {
    "it → mat (notes: self-attention)": "The cat sat on the mat because it was comfortable.",
    "France … It (notes: multi-head attention)": "France is a country. It is beautiful.",
    "Love … matters (notes: multi-head attention)": "Love is all that matters.",
    "it → cat? (same length, one word changed)": "The cat sat on the mat because it was tired.",
}
# For each preset: (query word, the word the notes say it should look at, the notes' claim).
PRESET_QUESTIONS = {
    "The cat sat on the mat because it was comfortable.":
        ("it", "mat", "The notes claim the model “understands that ‘it’ refers to ‘mat’ rather than ‘cat’”."),
    "France is a country. It is beautiful.":
        ("it", "france", "The notes ask what “It” refers to (France) and credit multi-head attention."),
    "Love is all that matters.":
        ("matters", "love", "The notes ask how “love” and “matters” connect."),
    "The cat sat on the mat because it was tired.":
        ("it", "cat", "Same sentence, one word changed: now ‘it’ means the cat. Compare the two."),
}
DEFAULT_TEXT = next(iter(PRESETS.values()))
MODELS = ("minilm", "smollm2", "hub")
KINDS = ("encoder", "decoder", "encoder-decoder")  # what a hub model is (encoder-decoders load like encoders)
PARTS = ("encoder", "decoder", "cross")  # an encoder-decoder's self-attentions and its cross-attention
VIEWS = ("heatmap", "grid", "head view", "model view")
SHOWS = ("head", "mean of heads", "max of heads", "rollout")
LONG = ("auto", "full", "top-k")
COMPARE = ("off", "second sentence", "mask a token")
MAX_TEXT = 6_000  # ~1,200 tokens of English: enough to hit the 512-token cap
MAX_TARGET = 2_000


@dataclass(frozen=True)
class AttentionState(ViewState):
    """What the page shows; every field round-trips through the URL."""

    model: str = choice("minilm", MODELS)
    hub: str = free_text("", max_len=120)  # any hub id, used when model == "hub"
    kind: str = choice("encoder", KINDS)  # what the hub model is
    text: str = free_text(DEFAULT_TEXT, max_len=MAX_TEXT)
    control: str = choice("library", CONTROL_MODES)  # typed [CLS] / <|im_end|>: control tokens or plain text
    part: str = choice("encoder", PARTS)  # which attention of an encoder-decoder is shown
    target: str = free_text("", max_len=MAX_TARGET)  # the decoder's text; '' = the source text again
    view: str = choice("heatmap", VIEWS)
    show: str = choice("head", SHOWS)
    layer: int = num(0, lo=0, hi=63)
    head: int = num(0, lo=0, hi=63)
    sinks: bool = flag(False)  # hide [CLS]/[SEP]/BOS (and a decoder's first token)
    long: str = choice("auto", LONG)  # full heatmap or top-k edges for long inputs
    k: int = num(8, lo=1, hi=64)
    query: int = num(-1, lo=-1, hi=511)  # cell for "show the work"; -1 = the preset's word
    key: int = num(-1, lo=-1, hi=511)
    compare: str = choice("off", COMPARE)
    text_b: str = free_text("The cat sat on the mat because it was tired.", max_len=MAX_TEXT)
    mask: int = num(-1, lo=-1, hi=511)  # token position to mask in the comparison
