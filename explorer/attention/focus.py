"""Where one token looks, and which (query, key) cell the page explains by default.

Example:
    >>> cell = pick_cell(att, "The cat sat on the mat because it was comfortable.", layer=0, head=0)
    >>> f = focus(att, cell.query, cell.target)     # 'it' -> 'mat', the notes' question
    >>> f.target_rank    # 1 = 'mat' is where 'it' looks most, over all heads
    5
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.attention.extract import Attention, sink_positions
from explorer.attention.state import PRESET_QUESTIONS


@dataclass(frozen=True)
class Focus:
    """Where one query token looks, per layer and head, for the 'it -> mat?' question."""

    query: int
    per_layer: np.ndarray  # [layer, key_pos] the query's row, averaged over each layer's heads
    ranked: tuple[tuple[str, float], ...]  # (token, mean weight over all heads/layers), best first
    best_head: tuple[int, int]  # (layer, head) giving the most weight to `target`
    best_head_weight: float
    target: int  # key position the question is about (-1 if none)
    target_rank: int  # rank of target among non-special keys by head-mean weight (1 = top)
    target_weight: float = 0.0  # target's weight averaged over every layer and head


def focus(att: Attention, query: int, target: int = -1) -> Focus:
    """Summarise where `query` attends, ignoring sink positions, and how `target` ranks."""
    n = len(att.tokens)
    if not 0 <= query < n:
        raise ValueError(f"query position {query} is outside 0..{n - 1}")
    row = att.weights[:, :, query, :]  # [layer, head, key]
    per_layer = row.mean(axis=1)  # [layer, key]
    usable = ~sink_positions(att)
    usable[query] = False
    if att.causal:
        usable[query + 1:] = False  # future keys are masked: weight exactly 0
    mean = np.where(usable, per_layer.mean(axis=0), -1.0)  # [key]
    order = [int(i) for i in np.argsort(-mean) if usable[i]]
    ranked = tuple((att.tokens[i], float(mean[i])) for i in order[:5])
    if not 0 <= target < n:
        return Focus(query, per_layer, ranked, (0, 0), 0.0, -1, 0)
    layer, head = np.unravel_index(int(row[:, :, target].argmax()), row.shape[:2])
    rank = order.index(target) + 1 if target in order else 0
    return Focus(query, per_layer, ranked, (int(layer), int(head)), float(row[layer, head, target]),
                 target, rank, float(row[:, :, target].mean()))


def find_token(att: Attention, word: str, start: int = 0) -> int:
    """First position >= start whose token text equals `word` (case/space-insensitive), or -1."""
    want = word.strip().lower()
    for i in range(start, len(att.tokens)):
        if att.tokens[i].strip().lower() == want:
            return i
    return -1


@dataclass(frozen=True)
class Cell:
    """The (query, key) cell the page explains, and the notes' question about the text, if any."""

    query: int  # row: chosen by hand, else the preset question's word, else the last plain token
    key: int  # column: chosen by hand, else the question's target, else the row's strongest key
    target: int  # the question's target when the query was picked automatically, else -1
    claim: str  # what the notes claim about this preset sentence, '' for other text


def _question(att: Attention, text: str) -> tuple[int, int, str]:
    """(query, target) positions of the preset's question and the notes' claim, or (-1, -1, '')."""
    words = PRESET_QUESTIONS.get(text.strip())
    if not words:
        return -1, -1, ""
    target = find_token(att, words[1])
    # the query word is the one after the target: 'it' refers back to 'mat'
    return find_token(att, words[0], max(0, target + 1)), target, words[2]


def pick_cell(att: Attention, text: str, layer: int, head: int, query: int = -1, key: int = -1) -> Cell:
    """The cell to explain: `query`/`key` when they are positions, else picked as `Cell` documents.

    The automatic key is the argmax of the query's row in (layer, head): the
    key that head reads most.
    """
    n = len(att.tokens)
    auto_query, target, claim = _question(att, text)
    by_hand = 0 <= query < n
    if not by_hand:
        plain = np.flatnonzero(~att.special)  # [pos] of non-special tokens
        query = auto_query if auto_query >= 0 else (int(plain[-1]) if len(plain) else 0)
    if not 0 <= key < n:
        key = target if target >= 0 else int(att.weights[layer, head, query].argmax())
    return Cell(query, key, -1 if by_hand else target, claim)
