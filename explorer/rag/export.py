"""Downloads: the retrieved chunks as CSV, the three answers and their prompts as JSON.

Example:
    >>> chunks_csv(lib.chunks, retrieval).splitlines()[0]
    'rank,kind,cosine,heading,source,text'
"""
from __future__ import annotations

import csv
import io
import json

from explorer.rag.chunking import Chunks
from explorer.rag.retrieval import Retrieval


def chunks_csv(chunks: Chunks, retrieval: Retrieval) -> str:
    """One row per retrieved and per random chunk: rank, which list, cosine, heading, text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["rank", "kind", "cosine", "heading", "source", "text"])
    for kind, rows, scores in (("retrieved", retrieval.rows, retrieval.scores),
                               ("random", retrieval.random_rows, retrieval.random_scores)):
        for rank, (row, score) in enumerate(zip(rows, scores), 1):
            writer.writerow([rank, kind, f"{float(score):.4f}", chunks.headings[row],
                             chunks.sources[row], chunks.texts[row]])
    return out.getvalue()


def answers_json(question: str, settings: dict, prompts: dict, answers: dict,
                 verdicts: dict | None = None) -> str:
    """question, settings, and per mode the exact prompt and the answer with its costs.

    prompts: mode -> BuiltPrompt; answers: mode -> Answer; verdicts: mode -> bool or None.
    """
    modes = {}
    for mode, answer in answers.items():
        prompt = prompts[mode]
        modes[mode] = {"prompt": prompt.text, "prompt_tokens": prompt.n_tokens,
                       "contexts_used": prompt.contexts_used, "answer": answer.text,
                       "new_tokens": answer.new_tokens, "seconds": round(answer.seconds, 3),
                       "stopped": answer.stopped, "control_tokens": prompt.control,
                       "turns_read": [t.role for t in prompt.turns], "injected": prompt.injected,
                       "right": None if verdicts is None else verdicts.get(mode)}
    return json.dumps({"question": question, "settings": settings, "answers": modes},
                      indent=2, ensure_ascii=False)
