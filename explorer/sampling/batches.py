"""Many samples of one prompt within a memory budget: the prompt is read once, the rows decode in batches.

Every row of a batch keeps its own key/value cache for prompt + new tokens
(SmolLM2: 30 layers x 2 x 3 KV heads x 64 dims x 4 bytes = 46 KB a token).
One batch of 100 rows over a 1,024-token prompt would hold 4.9 GB of cache,
and reading the prompt 100 times over with eager attention (the shared model
is loaded with it) would add 100 x 9 heads x 1,024^2 x 4 bytes = 3.8 GB per
layer. So:
- the prompt is read once (batch of one) and its cache copied into each row;
- rows x (prompt + new tokens) of one batch stays within `BATCH_TOKENS`
  (4,096 tokens: at most 189 MB of cache); bigger requests run batch after
  batch, each drawing from its own generator (`batch_seed`), so the result
  still depends only on (prompt, settings, n, seed);
- samples x (prompt + new tokens) of a whole request stays within
  `WORK_TOKENS` (8,192): each new token re-reads its row's whole cache, so
  the time grows with both. Measured on 2 busy cores, 1 thread: a decoding
  step costs about 7 ms a row after a 40-token prompt and 75 ms a row after
  1,024 tokens; 100 samples x 30 tokens after 1,024 prompt tokens took 325 s
  (prompt read once), 15 of them 49 s. Above the cap fewer samples are drawn
  (`BatchPlan.capped`, 7 in that case), and the page says so. 100 samples x 30
  tokens after the default chat prompt (40 tokens) fit: 21 s, 2 batches.
A request that fits one batch draws from `generator(seed)` like
`torch.manual_seed(seed); model.generate(..., num_return_sequences=n)`.

Example:
    >>> todo = plan(100, prompt_len=1024, new_tokens=30)
    >>> todo.n, todo.rows, todo.n_batches       # 7 of the 100 asked, 3 rows a batch
    (7, 3, 3)
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import torch

from explorer.core.decoding import choose, generator

BATCH_TOKENS = 4_096  # rows x (prompt + new tokens) decoded together: at most 189 MB of cache
WORK_TOKENS = 8_192  # samples x (prompt + new tokens) of one request, all batches together
SEED_STRIDE = 0x9E3779B9  # batch k > 0 draws from seed + k x this (mod 2**32): far from seed + 1's batches


@dataclass(frozen=True)
class BatchPlan:
    """How many of the `asked` rows are drawn, and how they are split into batches of at most `rows`."""

    asked: int
    n: int  # rows drawn: asked, or fewer when the work cap applies
    prompt_len: int
    new_tokens: int
    rows: int  # rows per batch
    budget: int  # tokens per batch
    work: int  # tokens per request

    @property
    def n_batches(self) -> int:
        return -(-self.n // self.rows)

    @property
    def split(self) -> bool:
        """True when the batch budget splits the request into several batches."""
        return self.n_batches > 1

    @property
    def capped(self) -> bool:
        """True when the work cap leaves some of the asked rows undrawn."""
        return self.n < self.asked

    @property
    def tokens(self) -> int:
        """Tokens held by all drawn rows together (prompt + new each)."""
        return self.n * (self.prompt_len + self.new_tokens)


def plan(n: int, prompt_len: int, new_tokens: int, budget: int = BATCH_TOKENS, work: int = WORK_TOKENS) -> BatchPlan:
    """Rows drawn (n x (prompt_len + new_tokens) <= work) and rows per batch (x (prompt_len + new_tokens) <= budget).

    At least one row is always drawn.
    """
    if n < 1 or prompt_len < 1 or new_tokens < 0:
        raise ValueError(f"need n >= 1, a prompt and new_tokens >= 0, got {n}, {prompt_len}, {new_tokens}")
    per_row = prompt_len + new_tokens
    drawn = max(1, min(n, work // per_row))
    return BatchPlan(n, drawn, prompt_len, new_tokens, max(1, min(drawn, budget // per_row)), budget, work)


def batch_seed(seed: int, k: int) -> int:
    """The seed of batch k: the request's own seed for the first batch."""
    return (seed + k * SEED_STRIDE) % 2**32


def entropy(probs: torch.Tensor) -> torch.Tensor:
    """probs: [batch, vocab] -> [batch] entropy in nats."""
    logp = torch.log(probs.clamp_min(1e-30))
    return -(probs * logp).sum(-1)


@torch.no_grad()
def _decode(model, ids: torch.Tensor, cache, logits: torch.Tensor, procs, greedy: bool,
            gen: torch.Generator, steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """From [rows, prompt] ids, their cache and next logits [rows, vocab]: ([rows, step] ids, [rows, step] entropy)."""
    start, ents = ids.shape[1], []
    for step in range(steps):
        probs = torch.softmax(procs(ids, logits.float().clone()), -1)  # [rows, vocab]
        token = choose(probs, greedy, gen)  # [rows]
        ents.append(entropy(probs))
        ids = torch.cat([ids, token[:, None]], 1)
        if step + 1 < steps:
            out = model(token[:, None], past_key_values=cache, use_cache=True)
            cache, logits = out.past_key_values, out.logits[:, -1]
    ent = torch.stack(ents, 1) if ents else torch.zeros((ids.shape[0], 0), device=ids.device)
    return ids[:, start:], ent


@torch.no_grad()
def draw(model, prompt_ids, procs, greedy: bool, todo: BatchPlan, seed: int,
         device: torch.device = torch.device("cpu")) -> tuple[torch.Tensor, torch.Tensor]:
    """The `todo.n` rows drawn, batch by batch: ([n, step] new ids, [n, step] entropy of each sampled distribution)."""
    prompt = torch.tensor([list(prompt_ids)], dtype=torch.long, device=device)  # [1, prompt_len]
    out = model(prompt, use_cache=True, logits_to_keep=1)  # the prompt, read once
    news, ents = [], []
    for k in range(todo.n_batches):
        rows = min(todo.rows, todo.n - k * todo.rows)
        cache = copy.deepcopy(out.past_key_values)
        cache.batch_repeat_interleave(rows)  # [rows, kv_heads, prompt_len, head_dim] per layer
        new, ent = _decode(model, prompt.expand(rows, -1), cache, out.logits[:, -1].expand(rows, -1),
                           procs, greedy, generator(batch_seed(seed, k), device), todo.new_tokens)
        news.append(new)
        ents.append(ent)
    return torch.cat(news), torch.cat(ents)
