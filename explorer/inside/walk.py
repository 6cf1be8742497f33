"""The forward pass as a list of stages, each with its real tensor shape and a few real numbers.

text -> tokens -> IDs -> embedding rows -> (block `layer`: RMSNorm -> q, k, v -> RoPE ->
q·k/√d + causal mask -> softmax -> mix of v -> output projection -> residual add ->
RMSNorm -> gate/up -> activation -> down -> residual add) -> the other blocks ->
final norm -> unembedding -> logits -> softmax -> the next token.

Example:
    >>> w = build_walk(model, tok, run, layer=3, head=0, position=-1)
    >>> [s.key for s in w.stages][:4]
    ['tokens', 'ids', 'embed', 'block_in']
    >>> w.stage("q").shape                     # [head, token, head_dim]
    (9, 12, 64)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from explorer.inside.forward import Pass, Shapes, block_tensors, linear, shapes

SAMPLE = 6  # numbers shown per stage
TOP = 8  # next-token candidates kept


@dataclass(frozen=True)
class Stage:
    """One step of the forward pass."""

    key: str
    name: str
    shape: tuple[int, ...]
    dims: str  # the dimensions in words, e.g. "[head, token, head_dim]"
    values: np.ndarray  # [<= SAMPLE] real numbers at the followed token (ids for the first stages)
    what: str  # what the step computes, with its formula
    link: str = ""  # the page that explores this step: "tokenizer", "attention", "sampling"


@dataclass(frozen=True)
class Walk:
    """Every stage for one followed token, the attention row of one head and the next-token guess."""

    tokens: tuple[str, ...]  # [token]
    position: int
    layer: int
    head: int
    stages: tuple[Stage, ...]
    weights_row: np.ndarray  # [key] attention of the followed token, this layer and head
    top_ids: np.ndarray  # [TOP]
    top_probs: np.ndarray  # [TOP]
    top_pieces: tuple[str, ...]  # [TOP]
    gap: float  # max |hand-recomputed block output - the model's own hidden state|

    def stage(self, key: str) -> Stage:
        """The stage called `key`."""
        return next(s for s in self.stages if s.key == key)


def _few(row) -> np.ndarray:
    return np.asarray(row, dtype=np.float32).reshape(-1)[:SAMPLE]


def tied(model) -> bool:
    """True when the unembedding matrix is the embedding table itself (one set of weights)."""
    return model.lm_head.weight.data_ptr() == model.model.embed_tokens.weight.data_ptr()


def _front(run: Pass, s: Shapes, p: int, n: int, pieces: tuple[str, ...]) -> list[Stage]:
    ids, lo = run.ids, max(0, p - SAMPLE + 1)
    shown = " ".join(repr(t) for t in pieces[lo:p + 1])
    return [
        Stage("tokens", "Text → tokens", (n,), "[token]", ids[lo:p + 1],
              f"The tokenizer cuts the text into {n} pieces from a vocabulary of {s.vocab:,}; "
              f"up to the followed one: {shown}.", "tokenizer"),
        Stage("ids", "Token IDs", (n,), "[token]", ids[lo:p + 1],
              "Each piece becomes its row number in the vocabulary: that is all the model ever sees."),
        Stage("embed", "Embedding rows", (n, s.hidden), "[token, hidden]", _few(run.resid[0, p]),
              f"Row \"id\" of the {s.vocab:,} × {s.hidden} embedding table. No position vector is added: "
              "the same token gets the same row wherever it stands."),
    ]


def _attention_stages(t: dict, s: Shapes, layer: int, head: int, p: int, n: int) -> list[Stage]:
    kv = head // (s.heads // s.kv_heads)
    lo = max(0, p - SAMPLE + 1)
    return [
        Stage("norm1", "RMSNorm", (n, s.hidden), "[token, hidden]", _few(t["normed"][p]),
              "x = h / √(mean(h²) + ε) · w. Rescales each token's vector; unlike LayerNorm it "
              "subtracts no mean and adds no bias."),
        Stage("q", "Queries q = x·W_q", (s.heads, n, s.head_dim), "[head, token, head_dim]", _few(t["q"][head, p]),
              f"{s.heads} heads of {s.head_dim} numbers each: what this token is looking for."),
        Stage("kv", "Keys k = x·W_k, values v = x·W_v", (s.kv_heads, n, s.head_dim), "[kv_head, token, head_dim]",
              _few(t["k"][kv, p]), f"Only {s.kv_heads} key/value heads: each is shared by "
              f"{s.heads // s.kv_heads} query heads (grouped-query attention)."),
        Stage("rope", "RoPE: rotate q and k", (s.heads, n, s.head_dim), "[head, token, head_dim]",
              _few(t["q_rot"][head, p]), "Each pair of numbers is turned by an angle = position × "
              f"θ^(−2i/{s.head_dim}) (θ = {s.rope_theta or 0:g}). Position enters the model only here."),
        Stage("scores", "Scores q·k/√d + causal mask", (s.heads, n, n), "[head, query, key]",
              _few(t["scores"][head, p, lo:p + 1]), f"One score per earlier token (÷ √{s.head_dim}); "
              "later tokens are masked out with −∞ before the softmax.", "attention"),
        Stage("softmax", "Attention weights = softmax(scores)", (s.heads, n, n), "[head, query, key]",
              _few(t["weights"][head, p, lo:p + 1]), "Each row now sums to 1: how much of each earlier "
              "token's value this token takes.", "attention"),
        Stage("mix", "Weighted sum of values, heads side by side", (n, s.heads * s.head_dim),
              "[token, head × head_dim]", _few(t["mixed"][p]), "Σ weight · v for every head, then the heads' "
              "outputs are concatenated."),
        Stage("attn_out", "Output projection W_o", (n, s.hidden), "[token, hidden]", _few(t["attn_out"][p]),
              "Back to the width of the residual stream."),
        Stage("mid", "Residual add h + attention", (n, s.hidden), "[token, hidden]", _few(t["mid"][p]),
              "Attention only adds to the stream; the token's own vector is kept."),
    ]


def _mlp_stages(t: dict, s: Shapes, layer: int, p: int, n: int, gap: float) -> list[Stage]:
    return [
        Stage("norm2", "RMSNorm", (n, s.hidden), "[token, hidden]", _few(t["normed2"][p]),
              "Normalised again before the MLP."),
        Stage("gate_up", "MLP gate and up: x·W_gate, x·W_up", (n, s.intermediate), "[token, intermediate]",
              _few(t["gate"][p]), f"Two projections to {s.intermediate:,} numbers (the MLP's hidden width)."),
        Stage("act", f"{s.activation}(gate) × up", (n, s.intermediate), "[token, intermediate]",
              _few(t["act"][p]), "The gate, passed through the activation, scales the up-projection "
              "number by number (SwiGLU)."),
        Stage("mlp_out", "MLP down projection W_down", (n, s.hidden), "[token, hidden]", _few(t["mlp_out"][p]),
              "Back to the residual width. Same weights for every token: the MLP looks at one token at a time."),
        Stage("block_out", f"Residual add: output of block {layer}", (n, s.hidden), "[token, hidden]",
              _few(t["out"][p]), f"Recomputed here from the weights; equals the model's own hidden state to "
              f"within {gap:.1e}."),
    ]


def _back(model, tok, run: Pass, s: Shapes, p: int, layer: int) -> tuple[list[Stage], torch.Tensor]:
    final = torch.tensor(run.final[p]).to(model.lm_head.weight.device)
    logits = linear(final.to(model.lm_head.weight.dtype), model.lm_head).float()  # [vocab]
    probs = torch.softmax(logits, -1)
    top = probs.topk(TOP)
    n, rest = len(run.ids), s.layers - layer - 1
    unembed = "the embedding table itself (tied weights)" if tied(model) else "its own unembedding matrix"
    stages = [
        Stage("rest", f"The other {rest} blocks", (n, s.hidden), "[token, hidden]", _few(run.resid[-1, p]),
              f"Blocks {layer + 1}..{s.layers - 1} do the same with their own weights." if rest else
              "This was the last block."),
        Stage("final_norm", "Final RMSNorm", (n, s.hidden), "[token, hidden]", _few(run.final[p]),
              "One last normalisation."),
        Stage("logits", "Unembedding → logits", (n, s.vocab), "[token, vocab]", _few(logits[top.indices].cpu()),
              f"x · Eᵀ with E = {unembed}: one score per vocabulary entry (top scores shown)."),
        Stage("probs", "Softmax → probabilities", (n, s.vocab), "[token, vocab]", _few(top.values.cpu()),
              "exp(logit) / Σ exp: the model's whole answer is this distribution.", "sampling"),
        Stage("next", "The next token", (1,), "[1]", top.indices[:1].cpu().numpy(),
              f"Greedy decoding takes the most likely id, {tok.decode([int(top.indices[0])])!r}; "
              "sampling draws one at random from the distribution.", "sampling"),
    ]
    return stages, top


@torch.no_grad()
def build_walk(model, tok, run: Pass, layer: int, head: int, position: int) -> Walk:
    """Every stage for token `position` (-1 = last) through block `layer`, head `head`."""
    s, n = shapes(model), len(run.ids)
    layer, head = min(max(layer, 0), s.layers - 1), min(max(head, 0), s.heads - 1)
    p = n - 1 if position < 0 or position >= n else position
    parts = block_tensors(model, layer, torch.tensor(run.resid[layer]))
    t = {k: v.float().cpu().numpy() for k, v in parts.items()}
    # The model returns the last block's output already normed; forward_pass checked that one.
    gap = run.last_block_gap if layer == s.layers - 1 else float(np.abs(t["out"] - run.resid[layer + 1]).max())
    back, top = _back(model, tok, run, s, p, layer)
    pieces = tuple(tok.decode([int(i)]) for i in run.ids)
    stages = _front(run, s, p, n, pieces) + [
        Stage("block_in", f"Block {layer} input (residual stream)", (n, s.hidden), "[token, hidden]",
              _few(run.resid[layer, p]), f"The token's vector after {layer} blocks; its length is "
              f"{float(np.linalg.norm(run.resid[layer, p])):.1f}.")
    ] + _attention_stages(t, s, layer, head, p, n) + _mlp_stages(t, s, layer, p, n, gap) + back
    ids = top.indices.cpu().numpy()
    return Walk(pieces, p, layer, head, tuple(stages),
                t["weights"][head, p].copy(), ids, top.values.cpu().numpy(),
                tuple(tok.decode([int(i)]) for i in ids), gap)
