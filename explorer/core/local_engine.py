"""The local engine: a Hugging Face causal LM in this process, decoded with a per-call generator.

The n samples of a request are one batch drawn from `generator(seed)`, so they
are exactly `torch.manual_seed(seed); model.generate(..., num_return_sequences=n)`
(see explorer.core.decoding), without touching the global RNG.

Example:
    >>> engine = LocalEngine(model, tok, torch.device("cpu"))
    >>> engine.run(Request("What is 2 + 2?", chat=True, decoding=Decoding(0.0, max_tokens=8))).completions[0].text
    '2 + 2 = 4'
"""
from __future__ import annotations

import time

import torch

from explorer.core.decoding import generator, processors, sample_batch
from explorer.core.encoding import encode
from explorer.core.engine import Completion, Decoding, Reply, Request, Token

MAX_PROMPT_TOKENS = 1024  # the last 1024 tokens of a long prompt are kept (CPU speed)


class LocalEngine:
    """A loaded (model, tokenizer) pair behind the Engine interface. Read-only: safe to share."""

    where = "this server (PyTorch)"

    def __init__(self, model, tok, device: torch.device = torch.device("cpu")):
        self.model, self.tok, self.device = model, tok, device

    def prompt_ids(self, text: str, chat: bool) -> list[int]:
        """Token ids of `text` (chat: as one user message in the model's chat template)."""
        if chat:
            text = self.tok.apply_chat_template([{"role": "user", "content": text}],
                                                add_generation_prompt=True, tokenize=False)
        return encode(self.tok, text, add_special_tokens=False)[-MAX_PROMPT_TOKENS:]

    def run(self, request: Request) -> Reply:
        """All request.n samples in one seeded batch; tokens carry the raw top log-probabilities."""
        start = time.perf_counter()
        dec, ids = request.decoding, self.prompt_ids(request.text, request.chat)
        procs = processors(dec.temperature, dec.top_k, dec.top_p, dec.min_p, dec.repetition_penalty,
                           dec.frequency_penalty, dec.presence_penalty, prompt_len=len(ids))
        steps: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = []

        def record(raw: torch.Tensor, token: torch.Tensor) -> None:
            logp = torch.log_softmax(raw, dim=-1)  # [n, vocab], temperature 1, no filter
            top = torch.topk(logp, dec.logprobs) if dec.logprobs else None
            steps.append((logp.gather(1, token[:, None])[:, 0], top.values if top else None,
                          top.indices if top else None))

        new = sample_batch(self.model, ids, request.n, dec.max_tokens, procs,
                           generator(dec.seed, self.device), eos=self.tok.eos_token_id,
                           greedy=dec.temperature == 0.0, on_step=record)
        seconds = time.perf_counter() - start
        rows = [self._completion(row, i, steps, dec, seconds) for i, row in enumerate(new.tolist())]
        return Reply(tuple(rows), seconds, self.where)

    def _completion(self, row: list[int], i: int, steps, dec: Decoding, seconds: float) -> Completion:
        eos = self.tok.eos_token_id
        n_tokens = row.index(eos) + 1 if eos in row else len(row)  # the end-of-sequence token counts
        kept = row[: n_tokens - 1] if eos in row else row
        tokens = ()
        if dec.logprobs:
            tokens = tuple(Token(self.tok.decode([t]), float(steps[j][0][i]),
                                 tuple((self.tok.decode([int(k)]), float(v))
                                       for k, v in zip(steps[j][2][i], steps[j][1][i])))
                           for j, t in enumerate(kept))
        return Completion(self.tok.decode(row[:n_tokens], skip_special_tokens=True), tokens, n_tokens,
                          "stop" if eos in row else "length", seconds, dec.seed)
