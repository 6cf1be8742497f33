"""Summaries of one run for a reader: where a token looks, and the matrix as CSV.

Example:
    >>> f = focus(att, query=find_token(att, "it"), target=find_token(att, "mat"))
    >>> f.target_rank    # 1 = 'mat' is where 'it' looks most, over all heads
    5
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

from explorer.attention.extract import Attention, sink_positions


@dataclass(frozen=True)
class Focus:
    """Where one query token looks, per layer and head, for the 'it -> mat?' question."""

    query: int
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
    usable = ~sink_positions(att)
    usable[query] = False
    if att.causal:
        usable[query + 1:] = False  # future keys are masked: weight exactly 0
    mean = np.where(usable, row.mean(axis=(0, 1)), -1.0)
    order = [int(i) for i in np.argsort(-mean) if usable[i]]
    ranked = tuple((att.tokens[i], float(mean[i])) for i in order[:5])
    if not 0 <= target < n:
        return Focus(query, ranked, (0, 0), 0.0, -1, 0)
    layer, head = np.unravel_index(int(row[:, :, target].argmax()), row.shape[:2])
    rank = order.index(target) + 1 if target in order else 0
    return Focus(query, ranked, (int(layer), int(head)), float(row[layer, head, target]), target, rank,
                 float(row[:, :, target].mean()))


def find_token(att: Attention, word: str, start: int = 0) -> int:
    """First position >= start whose token text equals `word` (case/space-insensitive), or -1."""
    want = word.strip().lower()
    for i in range(start, len(att.tokens)):
        if att.tokens[i].strip().lower() == want:
            return i
    return -1


def to_csv(matrix: np.ndarray, tokens: tuple[str, ...]) -> str:
    """A [query_pos, key_pos] matrix as CSV with 'pos:token' row and column labels."""
    labels = [f"{i}:{t}" for i, t in enumerate(tokens)]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["query \\ key", *labels])
    for label, row in zip(labels, matrix):
        writer.writerow([label, *(f"{v:.6f}" for v in row)])
    return buf.getvalue()
