"""The page's numbers as JSON (everything) and CSV (per-token surprise of both texts).

Example:
    >>> json.loads(report_json(walk, lens, [arch], a, b))["next_token"]["pieces"][0]
    ' Paris'
    >>> scores_csv(a, b).splitlines()[0]
    'text,position,token,id,logprob,bits,model_guess'
"""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import math

import numpy as np

from explorer.inside.evaluate import Scores
from explorer.inside.lens import Lens
from explorer.inside.params import Architecture
from explorer.inside.walk import Walk


def _num(x: float, digits: int = 6) -> float | None:
    """A JSON-safe rounded float (NaN becomes null)."""
    return None if not math.isfinite(float(x)) else round(float(x), digits)


def _floats(values: np.ndarray) -> list:
    return [_num(v) for v in np.asarray(values, dtype=np.float64).reshape(-1)]


def _walk(walk: Walk) -> dict:
    return {"tokens": list(walk.tokens), "position": walk.position, "layer": walk.layer, "head": walk.head,
            "hand_vs_model_max_difference": _num(walk.gap, 9),
            "stages": [{"stage": s.name, "shape": list(s.shape), "dims": s.dims, "values": _floats(s.values)}
                       for s in walk.stages]}


def _lens(lens: Lens) -> list[dict]:
    return [{"layer": i, "norm": _num(lens.norms[i]), "top": list(lens.top_pieces[i]),
             "top_probs": _floats(lens.top_probs[i]), "final_token_prob": _num(lens.final_prob[i]),
             "shift": _num(lens.shift[i])} for i in range(len(lens.norms))]


def _scores(s: Scores) -> dict:
    return {"tokens": list(s.tokens), "ids": [int(i) for i in s.ids], "logprob": _floats(s.logprob),
            "bits": _floats(s.bits), "perplexity": _num(s.perplexity), "mean_bits": _num(s.mean_bits),
            "scored_tokens": s.scored, "tokens_before_cap": s.total_tokens}


def report_json(walk: Walk, lens: Lens, archs: list[Architecture], a: Scores | None, b: Scores | None) -> str:
    """Every number the page shows, as one JSON document."""
    doc = {"forward_pass": _walk(walk),
           "next_token": {"pieces": list(walk.top_pieces), "ids": [int(i) for i in walk.top_ids],
                          "probs": _floats(walk.top_probs)},
           "logit_lens": _lens(lens),
           "parameters": [dataclasses.asdict(x) for x in archs],
           "evaluation": {"a": _scores(a) if a else None, "b": _scores(b) if b else None}}
    return json.dumps(doc, ensure_ascii=False, indent=1)


def _cell(text: str) -> str:
    """Token text safe to open in a spreadsheet: a leading = + - @ would start a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def scores_csv(*texts: Scores | None) -> str:
    """One row per token of each text: which text, position, token, id, log-prob, bits, guess."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["text", "position", "token", "id", "logprob", "bits", "model_guess"])
    for label, s in zip("ABCDEFGH", texts):
        if s is None:
            continue
        for i, tok in enumerate(s.tokens):
            lp, bits = _num(s.logprob[i]), _num(s.bits[i])
            writer.writerow([label, i, _cell(tok), int(s.ids[i]), "" if lp is None else lp,
                             "" if bits is None else bits, _cell(s.guess[i])])
    return out.getvalue()
