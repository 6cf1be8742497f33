"""Preset questions whose answers are in the built-in corpus, and how an answer is judged.

Each preset names the reference topic that holds its answer and a regular
expression an answer must match to count as right (case-insensitive). The
judge is deliberately simple: it looks for the fact, not for good prose.

Measured at the page's default settings (CPU, greedy, bench/bench_rag.py), SmolLM2
got 1 of the 5 presets right with no context, 3 with the retrieved chunks and 2
with random chunks; "-1**2" and "__debug__" stay wrong even with the right chunk
in the prompt. The page judges every answer live and says so.

Example:
    >>> is_right("It returns None.", BY_KEY["return"])
    True
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    """A question, where its answer is, and what a right answer contains."""

    key: str
    question: str
    topic: str  # pydoc_data topic key holding the answer
    answer: str  # the fact, as the reference states it
    pattern: str  # regex (case-insensitive) a right answer matches


PRESETS = (
    Preset("ellipsis", "How is the Ellipsis object written?", "bltin-ellipsis-object",
           'As "Ellipsis" or "..."', r"\.\.\."),
    Preset("return", "What value does a return statement without an expression return?",
           "return", 'None ("If an expression list is present, it is evaluated, else None is '
           'substituted.")', r"\bnone\b"),
    Preset("assert", "What exception is raised when an assert statement fails?", "assert",
           "AssertionError", r"assertionerror"),
    Preset("power", "What is the result of -1**2 in Python?", "power",
           '-1 ("-1**2" results in "-1": ** binds tighter than the unary minus on its left)',
           r"(?<![\w*])-1(?![\w*])"),
    Preset("debug", "What is the value of __debug__ when Python runs with -O?", "assert",
           'False ("False when optimization is requested (command line option -O)")',
           r"\bfalse\b"),
)
BY_KEY = {p.key: p for p in PRESETS}
BY_QUESTION = {p.question: p for p in PRESETS}


def is_right(answer: str, preset: Preset) -> bool:
    """True when the answer states the preset's fact (its pattern matches)."""
    return re.search(preset.pattern, answer, flags=re.IGNORECASE) is not None
