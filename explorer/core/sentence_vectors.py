"""Sentence vectors from an encoder (MiniLM), and exact cosine search over them.

Shared by the Embedding space page and Search and answer: masked mean pooling
of the last layer, then L2 normalisation, as all-MiniLM-L6-v2 does.

Example:
    >>> vecs = sentence_vectors(model, tok, ["A cat.", "Rates rose."], device=cpu)  # [sentence, 384]
    >>> rows, scores = cosine_search(vecs[0], vecs, k=1)
"""
from __future__ import annotations

import numpy as np
import torch

from explorer.core.encoding import encode, pad_rows

MAX_TOKENS = 256  # per sentence: all-MiniLM-L6-v2 was trained on 128, its context is 512


@torch.no_grad()
def sentence_vectors(model, tokenizer, sentences: list[str], *, device: torch.device,
                     batch_size: int = 32, max_tokens: int = MAX_TOKENS, control: str = "library") -> np.ndarray:
    """Unit-length sentence vectors [sentence, dim]: masked mean of the last layer.

    `control` says how typed control-token strings ([SEP], [CLS]) are read: see explorer.core.encoding.
    """
    out = []
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    for start in range(0, len(sentences), batch_size):
        batch = sentences[start:start + batch_size]
        rows = [encode(tokenizer, s, max_length=max_tokens, control=control) for s in batch]
        ids, mask = pad_rows(rows, pad)
        ids_t, mask_t = torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device)
        hidden = model(input_ids=ids_t, attention_mask=mask_t).last_hidden_state  # [sentence, token, dim]
        weights = mask_t.unsqueeze(-1).to(hidden.dtype)  # [sentence, token, 1]
        mean = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)  # [sentence, dim]
        out.append(torch.nn.functional.normalize(mean, dim=-1).float().cpu().numpy())
    dim = getattr(model.config, "hidden_size", 384)
    return np.concatenate(out) if out else np.zeros((0, dim), np.float32)


def cosine_search(query: np.ndarray, corpus: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact search of unit vectors: (rows [k], cosine scores [k]) for one query [dim], best first."""
    scores = corpus @ query  # [sentence]
    k = min(k, len(scores))
    order = np.argsort(-scores, kind="stable")[:k]
    return order, scores[order]
