"""Show-the-work in words: the real positions, scaling, soft-cap, bias and window of one row, as markdown.

The textbook says score = q·k/√d. Real families differ: T5 does not scale at
all (scale 1, folded into its weights), Gemma scales by 1/√query_pre_attn_scalar,
Gemma 2 soft-caps the score, T5 and ALiBi models add a position bias, sliding
windows mask far keys. Every number here is read from the `Work` record that
explorer.attention.show_work computed; token text is markdown-escaped.

Example:
    >>> scaling(work)            # Llama-type head with 64 dimensions
    '× 1/√64 = 0.1250'
    >>> scaling(t5_work)
    '× 1 (no scaling: T5 folds it into its query weights)'
"""
from __future__ import annotations

import math

from explorer.attention.show_work import Work
from explorer.core.markdown import escape_md

POSITIONS = {
    "rotary": "Both were rotated by RoPE first: the rotation angle encodes each token's position, so q·k "
              "depends on how far apart the two tokens are.",
    "learned": "Positions entered once, as learned vectors added to the token embeddings at the input: "
               "nothing position-specific happens in this step.",
    "relative bias": "Neither q nor k carries a position: a learned bias for the distance between the two "
                     "tokens is added to the score (T5's relative positions).",
    "ALiBi": "Neither q nor k carries a position: ALiBi adds a bias that falls with the distance "
             "(a fixed slope per head).",
}


def token(text: str) -> str:
    """A token as literal markdown ('the' for ' the'; a blank token kept as it is)."""
    return escape_md(text.strip() or text)


def scaling(work: Work) -> str:
    """'× 1/√64 = 0.1250', or this model's own factor when it is not 1/√head_dim."""
    dim, scale = work.q.shape[0], work.scale
    if math.isclose(scale, 1.0):
        return f"× 1 (no scaling: {escape_md(work.family or 'this family')} folds it into its query weights)"
    inverse_square = 1.0 / scale ** 2
    if math.isclose(inverse_square, dim, rel_tol=1e-6):
        return f"× 1/√{dim} = {scale:.4f}"
    if math.isclose(inverse_square, round(inverse_square), rel_tol=1e-6):
        return f"× 1/√{round(inverse_square)} = {scale:.4f} (this model's own scaling, not 1/√{dim})"
    return f"× {scale:.4f} (this model's own scaling, not 1/√{dim})"


def formula(work: Work) -> str:
    """The score this row's softmax reads, as this model computes it."""
    score = "q·k × scale"
    if work.softcap:
        score = f"{work.softcap:g}·tanh({score} / {work.softcap:g})"
    if work.bias is not None:
        score += " + position bias"
    return f"score = {score}"


def _score_steps(work: Work, key: int) -> str:
    """q·k, the scaling, soft-cap and bias for `key`, then the score (or why it is masked)."""
    raw = work.dots[key] * work.scale
    steps = f"q·k = **{work.dots[key]:.3f}**, {scaling(work)}"
    if work.softcap or work.bias is not None:
        steps += f" → **{raw:.3f}**"
    if work.softcap:
        steps += f", soft-capped: {work.softcap:g}·tanh({raw:.3f} / {work.softcap:g}) = " \
                 f"**{work.softcap * math.tanh(raw / work.softcap):.3f}**"
    if work.bias is not None:
        steps += f", plus the position bias {work.bias[key]:+.3f}"
    if math.isinf(work.scores[key]):
        return steps + ". This key is masked (a future token, or outside the window): score −∞, weight 0."
    return steps + f" → score **{work.scores[key]:.3f}**."


def _where(work: Work, query: int, key: int, q_token: str, k_token: str) -> str:
    """Which vectors meet: the query's and the key's tokens, and where each comes from."""
    q_from, k_from = ("decoder ", "encoder ") if work.part == "cross" else ("", "")
    return (f"query vector **q** of {q_from}token {query} ({token(q_token)}) and key vector **k** of "
            f"{k_from}token {key} ({token(k_token)}, orange bar), {work.q.shape[0]} numbers each.")


def explain(work: Work, layer: int, head: int, query: int, key: int, q_token: str, k_token: str,
            exact: bool = False) -> str:
    """The row's steps in markdown: which vectors, positions, scaling, soft-cap, bias, window, softmax."""
    part = {"decoder": " of the decoder", "cross": " of the cross-attention"}.get(work.part, "")
    shared = f" Query head {head} reads key/value head {work.kv_head} (heads share them)." \
        if work.kv_head != head else ""
    positions = "Cross-attention adds no position information here: the decoder token can read any " \
                "encoder token." if work.part == "cross" else POSITIONS.get(work.positions, "")
    window = f" Sliding window of {work.window}: keys {work.window} or more positions back are masked." \
        if work.window else ""
    own = (f"the model's own float32 weight is {work.model_weights[key]:.6f}" if exact else
           f"the model's own weight is {work.model_weights[key]:.4f} (kept as float16 for display, so up to "
           "2.5e-4 apart)")
    return (f"Layer {layer}, head {head}{part}: {_where(work, query, key, q_token, k_token)}{shared} "
            f"{positions}{window}\n\n{formula(work)}. {_score_steps(work, key)} Softmax over the row: "
            f"e^score / Σ e^score = **{work.weights[key]:.4f}**; {own}; largest gap in the row "
            f"{work.max_abs_error:.1e}.")
