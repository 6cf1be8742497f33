"""Greedy answers from the chat model for one prompt, with tokens used and time.

Greedy decoding (always the most likely next token) makes an answer a pure
function of its prompt, so it can be cached and a shared link shows the same
words. The page asks three ways: no context, retrieved chunks, random chunks.

Example:
    >>> a = generate_answer(model, tok, prompt.ids, max_new_tokens=64, device=cpu)
    >>> a.text, a.prompt_tokens, a.new_tokens, a.stopped
    ('The pass statement does nothing.', 212, 8, 'end of turn')
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import torch

MAX_NEW_TOKENS = 96  # ~6 s per answer at ~16 tokens/s on one CPU thread
MODES = ("none", "retrieved", "random")
MODE_TITLES = {"none": "No context", "retrieved": "Retrieved chunks", "random": "Random chunks"}


@dataclass(frozen=True)
class Answer:
    """One generated reply and what it cost."""

    text: str
    prompt_tokens: int
    new_tokens: int  # generated, including the end-of-turn token when reached
    seconds: float
    stopped: str  # "end of turn" | "token limit"


@torch.no_grad()
def generate_answer(model, tok, prompt_ids: tuple[int, ...] | list[int], *, max_new_tokens: int,
                    device: torch.device) -> Answer:
    """Greedy reply to prompt_ids [prompt_token], stopping at end of turn or max_new_tokens."""
    if not 1 <= max_new_tokens <= MAX_NEW_TOKENS:
        raise ValueError(f"max_new_tokens must be 1..{MAX_NEW_TOKENS}, got {max_new_tokens}")
    if not prompt_ids:
        raise ValueError("the prompt is empty")
    ids = torch.tensor([list(prompt_ids)], dtype=torch.long, device=device)  # [1, prompt_token]
    start = time.perf_counter()
    out = model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=False,
                         max_new_tokens=max_new_tokens, pad_token_id=tok.eos_token_id)
    seconds = time.perf_counter() - start
    new = out[0, ids.shape[1]:].tolist()  # [new_token]
    ended = tok.eos_token_id in new
    if ended:
        new = new[: new.index(tok.eos_token_id) + 1]
    text = tok.decode(new, skip_special_tokens=True).strip()
    return Answer(text, len(prompt_ids), len(new), seconds, "end of turn" if ended else "token limit")
