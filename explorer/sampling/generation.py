"""Step-by-step generation with the KV cache, showing every decision.

The loop samples the way `model.generate()` does (softmax of the processed
scores, `torch.multinomial(probs, 1)`), from an explicit `torch.Generator`
seeded with `seed`, so with the same seed and settings it yields exactly the
tokens of `torch.manual_seed(seed); model.generate(do_sample=True, ...)`.

A path can be replayed: `forced` tokens are fed in one prefill pass and each
still draws once from the generator, so stepping one token at a time gives the
same tokens as generating them all at once, and a shared link (prompt,
settings, seed, path) restores the same picture.

Example:
    >>> ids = encode_prompt(tok, "Tell me a joke", chat=True, control="text")
    >>> path = extend(model, tok, ids, SamplingConfig(0.7), RunConfig(20, seed=0))
    >>> path.text
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import torch

from explorer.core.decoding import choose
from explorer.sampling import batches
from explorer.sampling.chat_prompt import prompt_ids
from explorer.sampling.pipeline import PipelineResult, SamplingConfig, processor_list, run_pipeline

MAX_NEW_TOKENS = 200  # per request; keeps a CPU step loop under ~15 s
MAX_PATH = 400  # tokens a path (and a shared link) may hold
MAX_PROMPT_TOKENS = 1024  # the lab keeps the last 1024 prompt tokens (CPU speed)
TOP_ALTERNATIVES = 8


@dataclass(frozen=True)
class RunConfig:
    """How much to generate and from which seed."""

    max_new_tokens: int = 20
    seed: int = 0
    stop_at_eos: bool = True

    def __post_init__(self) -> None:
        if not 0 <= self.max_new_tokens <= MAX_NEW_TOKENS:
            raise ValueError(f"max new tokens must be between 0 and {MAX_NEW_TOKENS}, got {self.max_new_tokens}")
        if not 0 <= self.seed < 2**32:
            raise ValueError(f"seed must be between 0 and 2**32 - 1, got {self.seed}")


@dataclass(frozen=True)
class Prompt:
    """Token ids fed to the model and what was cut to fit."""

    ids: tuple[int, ...]  # [prompt_len]
    total: int  # tokens before truncation
    truncated: int  # tokens dropped from the left


def encode_prompt(tok, text: str, chat: bool, limit: int = MAX_PROMPT_TOKENS, control: str = "library") -> Prompt:
    """Token ids of `text`, optionally wrapped in the chat template; keeps the last `limit`.

    `control` says how control-token strings typed in `text` are read: "library"
    (Hugging Face's default: as control tokens) or "text" (as plain characters;
    the chat template's own control tokens stay). See explorer.sampling.chat_prompt.
    """
    ids = prompt_ids(tok, text, chat, control)
    kept = ids[-limit:] if limit else ids
    return Prompt(tuple(int(i) for i in kept), len(ids), len(ids) - len(kept))


@dataclass(frozen=True)
class Path:
    """A generated continuation and, for each step, what the model weighed."""

    prompt_ids: np.ndarray  # [prompt_len]
    token_ids: np.ndarray  # [step]
    pieces: tuple[str, ...]  # [step] decoded text of each chosen token
    p_final: np.ndarray  # [step] probability of the chosen token in the sampled distribution
    p_base: np.ndarray  # [step] its probability in softmax(raw logits)
    rank_base: np.ndarray  # [step] 1 = the model's top choice
    entropy_final: np.ndarray  # [step] nats, of the sampled distribution
    entropy_base: np.ndarray  # [step] nats, of softmax(raw logits)
    alt_ids: np.ndarray  # [step, alt] top tokens by p_base
    alt_pieces: tuple[tuple[str, ...], ...]  # [step][alt]
    alt_p_base: np.ndarray  # [step, alt]
    alt_p_final: np.ndarray  # [step, alt]
    forced: np.ndarray  # [step] bool, replayed from the given path
    stopped: str  # "eos", "max tokens" or "path cap"

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    @property
    def effective_choices(self) -> np.ndarray:
        """[step] exp(entropy of the sampled distribution): 1 = no real choice."""
        return np.exp(self.entropy_final)

    @property
    def mean_effective_choices(self) -> float:
        """Effective choices averaged over the steps (nan for an empty path)."""
        return float(self.effective_choices.mean()) if len(self.entropy_final) else float("nan")


_entropy = batches.entropy


@dataclass
class _Trace:
    """Per-step records collected while decoding (mutable, private)."""

    rows: list

    def add(self, raw: torch.Tensor, final: torch.Tensor, token: int, forced: bool) -> None:
        base = torch.softmax(raw.float(), -1)  # [vocab]
        top = torch.topk(base, TOP_ALTERNATIVES)
        rank = int((base > base[token]).sum()) + 1
        self.rows.append((token, float(final[token]), float(base[token]), rank,
                          float(_entropy(final[None])[0]), float(_entropy(base[None])[0]),
                          top.indices.tolist(), top.values.tolist(), final[top.indices].tolist(), forced))


def _to_path(tok, prompt: torch.Tensor, trace: _Trace, stopped: str) -> Path:
    rows = trace.rows
    col = lambda i, dt=np.float32: np.array([r[i] for r in rows], dtype=dt)  # noqa: E731
    alt = np.array([r[6] for r in rows], dtype=np.int64).reshape(len(rows), TOP_ALTERNATIVES)
    return Path(prompt.cpu().numpy(), col(0, np.int64), tuple(tok.decode([r[0]]) for r in rows),
                col(1), col(2), col(3, np.int64), col(4), col(5), alt,
                tuple(tuple(tok.decode([int(i)]) for i in a) for a in alt),
                np.array([r[7] for r in rows], np.float32).reshape(alt.shape),
                np.array([r[8] for r in rows], np.float32).reshape(alt.shape), col(9, bool), stopped)


def _generator(seed: int, device: torch.device) -> torch.Generator:
    return torch.Generator(device=device).manual_seed(seed)


@torch.no_grad()
def extend(model, tok, prompt_ids, cfg: SamplingConfig, run: RunConfig, forced=(),
           device: torch.device = torch.device("cpu")) -> Path:
    """Replay `forced` tokens, then decode up to `run.max_new_tokens` more with the KV cache."""
    forced = [int(t) for t in forced][:MAX_PATH]
    prompt = torch.tensor([list(prompt_ids)], dtype=torch.long, device=device)  # [1, prompt_len]
    ids = torch.cat([prompt, torch.tensor([forced], dtype=torch.long, device=device)], 1)
    procs = processor_list(cfg, prompt.shape[1], model.config.vocab_size)
    gen, trace, eos = _generator(run.seed, device), _Trace([]), tok.eos_token_id
    out = model(ids, use_cache=True, logits_to_keep=len(forced) + 1)  # prefill prompt + path
    cache, logits = out.past_key_values, out.logits[0].float()  # [forced + 1, vocab]
    for j, token in enumerate(forced):
        context = ids[:, : prompt.shape[1] + j]
        probs = torch.softmax(procs(context, logits[j][None].clone()), -1)
        choose(probs, cfg.greedy, gen)  # consume the RNG exactly as when it was sampled
        trace.add(logits[j], probs[0], token, True)
    raw, stopped = logits[-1], "max tokens"
    budget = min(run.max_new_tokens, MAX_PATH - len(forced))
    for step in range(budget):
        probs = torch.softmax(procs(ids, raw[None].clone()), -1)  # [1, vocab]
        token = choose(probs, cfg.greedy, gen)  # [1]
        trace.add(raw, probs[0], int(token[0]), False)
        ids = torch.cat([ids, token[:, None]], 1)
        if run.stop_at_eos and int(token[0]) == eos:
            stopped = "eos"
            break
        if step + 1 < budget:
            out = model(token[:, None], past_key_values=cache, use_cache=True)
            cache, raw = out.past_key_values, out.logits[0, -1].float()
    else:
        stopped = "path cap" if budget < run.max_new_tokens else stopped
    return _to_path(tok, prompt[0], trace, stopped)


@dataclass(frozen=True)
class Samples:
    """N independent continuations of the same prompt."""

    token_ids: np.ndarray  # [sample, step]
    texts: tuple[str, ...]  # [sample], cut at end-of-sequence
    counts: tuple[tuple[str, int], ...]  # distinct texts, most common first
    entropy_final: np.ndarray  # [sample, step] nats
    plan: batches.BatchPlan | None = None  # how the rows were split into batches

    @property
    def effective_choices(self) -> np.ndarray:
        """[sample, step] exp(entropy) of each sampled distribution."""
        return np.exp(self.entropy_final)

    @property
    def mean_effective_choices(self) -> float:
        """Effective choices averaged over every sample and step (nan when no step was drawn)."""
        return float(self.effective_choices.mean()) if self.entropy_final.size else float("nan")


@torch.no_grad()
def sample_many(model, tok, prompt_ids, cfg: SamplingConfig, n: int, run: RunConfig,
                device: torch.device = torch.device("cpu"), budget: int = batches.BATCH_TOKENS,
                work: int = batches.WORK_TOKENS) -> Samples:
    """Draw `n` continuations (row i is one draw), seeded by run.seed, in batches within `budget`.

    The prompt is read once; above the `work` cap fewer rows are drawn (Samples.plan
    says how many). See explorer.sampling.batches.
    """
    if not 1 <= n <= 200:
        raise ValueError(f"n must be between 1 and 200, got {n}")
    todo = batches.plan(n, len(prompt_ids), run.max_new_tokens, budget, work)
    procs = processor_list(cfg, len(prompt_ids), model.config.vocab_size)
    new, ent = batches.draw(model, prompt_ids, procs, cfg.greedy, todo, run.seed, device)
    new = new.cpu().numpy()  # [sample, step]
    texts = tuple(_cut_text(tok, row, tok.eos_token_id) for row in new)
    return Samples(new, texts, tuple(Counter(texts).most_common()), ent.cpu().numpy(), todo)


def _cut_text(tok, row: np.ndarray, eos: int | None) -> str:
    ids = row.tolist()
    if eos is not None and eos in ids:
        ids = ids[: ids.index(eos)]
    return tok.decode(ids).strip()


@dataclass(frozen=True)
class Lens:
    """Logit lens at one position: the chosen token's rank after each layer."""

    layers: np.ndarray  # [layer+1] 0 = embeddings, L = final layer
    rank: np.ndarray  # [layer+1] rank of the target token (1 = top)
    prob: np.ndarray  # [layer+1] its probability
    top_ids: np.ndarray  # [layer+1] each layer's top token
    top_pieces: tuple[str, ...]  # [layer+1]

    @property
    def first_top_layer(self) -> int | None:
        """First layer from which the target stays the top prediction, or None."""
        top = self.rank == 1
        if not top[-1]:
            return None
        last_miss = np.flatnonzero(~top)
        return int(self.layers[last_miss[-1] + 1]) if last_miss.size else int(self.layers[0])


@torch.no_grad()
def logit_lens(model, tok, context_ids, target: int, device: torch.device = torch.device("cpu")) -> Lens:
    """Decode each layer's hidden state at the last context position via final norm + lm_head."""
    ids = torch.tensor([list(context_ids)], dtype=torch.long, device=device)
    out = model(ids, output_hidden_states=True, logits_to_keep=1)
    states = out.hidden_states  # (layer+1) x [1, seq, hidden]; the last is already normed
    norm, head = model.model.norm, model.lm_head
    ranks, probs, tops = [], [], []
    for i, h in enumerate(states):
        last = h[0, -1]
        logits = head(last if i == len(states) - 1 else norm(last)).float()  # [vocab]
        p = torch.softmax(logits, -1)
        ranks.append(int((p > p[target]).sum()) + 1)
        probs.append(float(p[target]))
        tops.append(int(p.argmax()))
    return Lens(np.arange(len(states)), np.array(ranks), np.array(probs, np.float32),
                np.array(tops), tuple(tok.decode([t]) for t in tops))


@torch.no_grad()
def decision(model, prompt_ids, path_ids, cfg: SamplingConfig,
             device: torch.device = torch.device("cpu")) -> PipelineResult:
    """Every pipeline stage for the token that follows prompt + path (full vocabulary)."""
    ids = torch.tensor([list(prompt_ids) + list(path_ids)], dtype=torch.long, device=device)
    logits = model(ids, logits_to_keep=1).logits[0, -1]  # [vocab]
    return run_pipeline(logits, ids[0], cfg, prompt_len=len(prompt_ids))
