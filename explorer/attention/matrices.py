"""The [query_pos, key_pos] matrices the page draws from one run, and their exports.

One head, the mean or max over a layer's heads, or attention rollout through
the layers; optionally with the sink columns hidden (rows renormalised); for
long inputs only the top-k keys per query; any of them as CSV.

Example:
    >>> m = view_matrix(att, "mean of heads", layer=2, head=0, hide_sinks=True)   # [query_pos, key_pos]
    >>> top_k_edges(m, 8).kept_mass          # MiniLM, 'The cat sat on the mat because it was comfortable.'
    0.913
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

from explorer.attention.extract import Attention, sink_positions


def hide_columns(weights: np.ndarray, hide: np.ndarray) -> np.ndarray:
    """Zero the key columns in `hide` and renormalise each row to sum to 1 again.

    weights: [..., query_pos, key_pos]; hide: [key_pos] bool. Rows whose whole
    mass was on hidden keys stay all-zero rather than dividing by zero.
    """
    kept = np.where(hide[None, :], 0.0, weights)
    sums = kept.sum(axis=-1, keepdims=True)
    return np.divide(kept, sums, out=np.zeros_like(kept), where=sums > 1e-12).astype(np.float32)


def aggregate_heads(weights: np.ndarray, how: str) -> np.ndarray:
    """[layer, head, q, k] -> [layer, q, k] by mean or max over heads.

    The max is not a distribution (rows can sum to more than 1); the mean is.
    """
    if how == "mean":
        return weights.mean(axis=1)
    if how == "max":
        return weights.max(axis=1)
    raise ValueError(f"aggregate must be 'mean' or 'max', got {how!r}")


def rollout(weights: np.ndarray, residual: float = 0.5) -> np.ndarray:
    """Attention rollout (Abnar & Zuidema 2020): [layer, head, q, k] -> [layer, q, k].

    Each layer's head-mean is mixed with the identity (the residual stream),
    rows renormalised, then multiplied from the first layer up:
    R_0 = A_0, R_l = A_l @ R_{l-1}. Entry [l, q, k] is how much token k flows
    into position q after layer l.
    """
    if not 0.0 <= residual <= 1.0:
        raise ValueError(f"residual must be in [0, 1], got {residual}")
    mean = weights.mean(axis=1, dtype=np.float64)  # [layer, q, k]; no float64 copy of every head
    n = mean.shape[-1]
    mixed = (1 - residual) * mean + residual * np.eye(n)[None]
    mixed /= mixed.sum(axis=-1, keepdims=True)
    out = np.empty_like(mixed)
    acc = np.eye(n)
    for layer in range(mixed.shape[0]):
        acc = mixed[layer] @ acc
        out[layer] = acc
    return out.astype(np.float32)


@dataclass(frozen=True)
class Edges:
    """The k strongest keys per query. Arrays are [edge]; for long inputs."""

    query: np.ndarray  # [edge] int32
    key: np.ndarray  # [edge] int32
    weight: np.ndarray  # [edge] float32
    kept_mass: float  # share of the total attention these edges carry
    cells: int  # query_pos x key_pos: every cell the full matrix has


def top_k_edges(matrix: np.ndarray, k: int) -> Edges:
    """The k largest entries of each row of a [query_pos, key_pos] matrix (zeros dropped)."""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    n_q, n_k = matrix.shape
    k = min(k, n_k)
    idx = np.argpartition(-matrix, k - 1, axis=1)[:, :k]  # [query, k]
    rows = np.repeat(np.arange(n_q), k)
    cols = idx.ravel()
    vals = matrix[rows, cols]
    keep = vals > 0
    total = float(matrix.sum()) or 1.0
    return Edges(rows[keep].astype(np.int32), cols[keep].astype(np.int32),
                 vals[keep].astype(np.float32), float(vals[keep].sum()) / total, n_q * n_k)


def view_matrix(att: Attention, show: str, layer: int, head: int, hide_sinks: bool = False,
                rolled: np.ndarray | None = None) -> np.ndarray:
    """The [query_pos, key_pos] matrix the page draws.

    show: 'head' (one head), 'mean of heads', 'max of heads' or 'rollout'
    (needs `rolled`, [layer, q, k] from `rollout`). hide_sinks zeroes the
    sink columns and renormalises the rows.
    """
    if show == "head":
        matrix = att.weights[layer, head]
    elif show in ("mean of heads", "max of heads"):
        matrix = aggregate_heads(att.weights[layer:layer + 1], show.split()[0])[0]
    elif show == "rollout":
        if rolled is None:
            raise ValueError("rollout view needs the rolled-out matrices")
        matrix = rolled[layer]
    else:
        raise ValueError(f"unknown view {show!r}")
    return hide_columns(matrix, sink_positions(att)) if hide_sinks else np.asarray(matrix, np.float32)


def to_csv(matrix: np.ndarray, tokens: tuple[str, ...]) -> str:
    """A [query_pos, key_pos] matrix as CSV with 'pos:token' row and column labels."""
    labels = [f"{i}:{t}" for i, t in enumerate(tokens)]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["query \\ key", *labels])
    for label, row in zip(labels, matrix):
        writer.writerow([label, *(f"{v:.6f}" for v in row)])
    return buf.getvalue()
