"""What the study notes say about transformer parts, beside what the loaded model shows.

Each claim is checked with a number measured on the model, so the page can
show both sides where they differ.

Example:
    >>> [c.verdict for c in check_notes(model, run, arch)]
    ['no', 'partly', 'partly', 'no', 'partly']
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from explorer.inside.forward import Pass
from explorer.inside.params import Architecture


@dataclass(frozen=True)
class Claim:
    """One statement of the notes and the model's measured answer."""

    topic: str
    notes: str  # what the notes say, in this app's words
    model: str  # what the model shows, with the number
    verdict: str  # "yes" | "partly" | "no"


def _embedding_check(model, run: Pass) -> str:
    """Show that layer 0 is the bare table row: a repeated token has identical vectors."""
    weight = model.get_input_embeddings().weight
    rows = weight[torch.tensor(run.ids.tolist(), device=weight.device)].detach().float().cpu().numpy()
    gap = float(np.abs(run.resid[0] - rows).max())
    values, counts = np.unique(run.ids, return_counts=True)
    if (counts > 1).any():
        token = values[np.argmax(counts)]
        rows = run.resid[0][run.ids == token]
        same = float(np.abs(rows - rows[0]).max())
        return (f"token id {int(token)} appears {int(counts.max())} times and its input vectors are equal "
                f"{_exact(same)}; every input vector equals its table row {_exact(gap)}")
    return f"every input vector equals its embedding-table row {_exact(gap)}"


def _norm_weights(model) -> int:
    """Parameters of one normalisation layer (RMSNorm: a scale per dimension; LayerNorm adds a bias)."""
    norm = next((m for m in model.modules() if "Norm" in type(m).__name__), None)
    return sum(p.numel() for p in norm.parameters()) if norm is not None else 0


def _exact(gap: float) -> str:
    return "exactly" if gap == 0 else f"to within {gap:.1e}"


def check_notes(model, run: Pass, arch: Architecture) -> tuple[Claim, ...]:
    """The notes' statements about architecture, each against the loaded model."""
    decoder = arch.kind.startswith("decoder")
    return (
        Claim("Architecture", "The notes' table files LLaMA under encoder-decoder models.",
              f"This Llama-architecture model is {arch.kind}: {arch.layers} identical decoder blocks, "
              "no encoder, and every token attends only to earlier tokens.", "no" if decoder else "yes"),
        Claim("Normalisation", "Layer normalisation keeps training stable.",
              f"It uses {arch.norm}: each vector is divided by its root-mean-square; no mean is subtracted and no "
              f"bias added ({_norm_weights(model)} weights per norm, where LayerNorm of the same width has "
              f"{2 * arch.hidden}).",
              "partly" if arch.norm == "RMSNorm" else "yes"),
        Claim("Positional encoding", "Each word is given its position, added to its embedding.",
              f"Positions: {arch.positions}. No position vector is added: {_embedding_check(model, run)}. "
              "Order enters only by rotating q and k inside attention.",
              "partly" if "RoPE" in arch.positions else "yes"),
        Claim("Components", "The notes list a recurrent layer among an LLM's components.",
              f"{arch.recurrent} recurrent modules: only embeddings, attention, MLPs and norms.",
              "no" if arch.recurrent == 0 else "yes"),
        Claim("Size", "LLMs have billions or trillions of parameters.",
              f"This one has {arch.total / 1e6:,.1f} million and still answers simple questions; "
              f"{arch.group('MLP').count / arch.total:.0%} of them sit in the MLPs.",
              "partly" if arch.total < 1e9 else "yes"),
    )
