"""Follow one token through every layer: its residual-stream length and the logit lens.

The logit lens reads the residual stream after each block as if it were the
last one: final RMSNorm, then the unembedding, then softmax. Layer 0 is the
embedding row itself, layer L the model's real output.

Example:
    >>> lens = logit_lens(model, tok, run, position=-1)
    >>> lens.norms.shape, lens.top_ids.shape            # [layer+1], [layer+1, k]
    ((31,), (31, 5))
    >>> lens.top_pieces[-1][0]                          # the model's real top guess
    ' Paris'
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from explorer.inside.forward import Pass, linear, rms_norm

K = 5  # guesses kept per layer


@dataclass(frozen=True)
class Lens:
    """What one token's vector would predict after each layer."""

    position: int
    norms: np.ndarray  # [layer+1] length of the residual-stream vector
    top_ids: np.ndarray  # [layer+1, K]
    top_probs: np.ndarray  # [layer+1, K]
    top_pieces: tuple[tuple[str, ...], ...]  # [layer+1][K]
    final_prob: np.ndarray  # [layer+1] probability of the model's final top token at each layer
    shift: np.ndarray  # [layer+1] total variation from the previous layer's guess (0 at layer 0)

    def biggest_changes(self, n: int = 3) -> np.ndarray:
        """The n layers whose block moved the prediction most, largest first."""
        return np.argsort(-self.shift, kind="stable")[:n]


@torch.no_grad()
def _distributions(model, vectors: np.ndarray) -> torch.Tensor:
    """softmax(unembed(final_norm(v))) for each row of vectors [layer+1, hidden] -> [layer+1, vocab]."""
    head = model.lm_head
    x = torch.tensor(vectors).to(head.weight.device, head.weight.dtype)
    return torch.softmax(linear(rms_norm(x, model.model.norm), head).float(), -1)


@torch.no_grad()
def logit_lens(model, tok, run: Pass, position: int = -1) -> Lens:
    """Norm and top-K guesses after every layer for token `position` (-1 = last)."""
    n = len(run.ids)
    p = n - 1 if position < 0 or position >= n else position
    vectors = run.resid[:, p]  # [layer+1, hidden]
    probs = _distributions(model, vectors)  # [layer+1, vocab]
    top = probs.topk(K, -1)
    final_top = int(top.indices[-1, 0])
    shift = torch.zeros(len(vectors))
    shift[1:] = 0.5 * (probs[1:] - probs[:-1]).abs().sum(-1)
    ids = top.indices.cpu().numpy()
    pieces = tuple(tuple(tok.decode([int(i)]) for i in row) for row in ids)
    return Lens(p, np.linalg.norm(vectors, axis=-1), ids, top.values.cpu().numpy(), pieces,
                probs[:, final_top].cpu().numpy(), shift.numpy())
