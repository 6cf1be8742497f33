"""Self-consistency: sample an LLM N times, extract each answer, take the majority.

    >>> run = sample_question(model, tok, QUESTIONS[0], LLMVoteConfig(n_samples=5), device=cpu)
    >>> run = run_question(OpenAIEngine(settings), QUESTIONS[0], LLMVoteConfig(n_samples=5))  # an engine
    >>> run.extracted          # [sample] normalized answers, "" when none was found
    ('paris', 'paris', 'lyon', 'paris', 'paris')
    >>> run.vote_correct       # [n]: is the majority of the first n samples right?

Voting only helps when one sample is right more often than any single wrong
answer; when the model is usually wrong, more samples make the wrong
majority more certain. Every sample costs tokens, so accuracy is shown
against tokens spent.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import torch

from explorer.core.engine import Decoding, Engine, Request
from explorer.core.local_engine import LocalEngine

MAX_SAMPLES = 20
MAX_NEW_TOKENS = 12
INSTRUCTION = "Answer with one word or one number only."
NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
FILLER = frozenset("the a an is are it its it's answer of in on to and or be was that this "
                   "there i my".split())


@dataclass(frozen=True)
class Question:
    """A question with one known short answer; kind says how answers are extracted."""

    key: str
    text: str
    answer: str  # normalized: lowercase word, or digits
    kind: str  # "number" | "word"


QUESTIONS = (
    Question("capital", "What is the capital of France?", "paris", "word"),
    Question("add", "What is 2 + 2?", "4", "number"),
    Question("spider", "How many legs does a spider have?", "8", "number"),
    Question("sky", "What color is the sky on a clear day?", "blue", "word"),
    Question("times", "What is 3 times 4?", "12", "number"),
    Question("planet", "What is the largest planet in our solar system?", "jupiter", "word"),
    Question("week", "How many days are in a week?", "7", "number"),
    Question("opposite", "What is the opposite of hot?", "cold", "word"),
    Question("minus", "What is 15 minus 7?", "8", "number"),
    Question("gold", "What is the chemical symbol for gold?", "au", "word"),
    Question("continents", "How many continents are there on Earth?", "7", "number"),
    Question("spain", "What language is mainly spoken in Spain?", "spanish", "word"),
)
BY_KEY = {q.key: q for q in QUESTIONS}
DEFAULT_KEYS = ("capital", "spider", "planet")  # one usually right, one usually wrong, one mixed


@dataclass(frozen=True)
class LLMVoteConfig:
    """How many samples per question, at what temperature, from which seed."""

    n_samples: int = 5
    temperature: float = 0.7
    seed: int = 0
    max_new_tokens: int = MAX_NEW_TOKENS

    def __post_init__(self):
        if not 1 <= self.n_samples <= MAX_SAMPLES:
            raise ValueError(f"n_samples must be in 1..{MAX_SAMPLES}")
        if not 0.05 <= self.temperature <= 3.0:
            raise ValueError("temperature must be in 0.05..3 (use the greedy answer for 0)")
        if not 1 <= self.max_new_tokens <= 64:
            raise ValueError("max_new_tokens must be in 1..64")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+(?:'[a-z]+)?|\d+", text.lower().replace(",", ""))


def extract_answer(reply: str, question: Question) -> str:
    """The first candidate answer in `reply` that is not copied from the question.

    Numbers: the first integer (digits or zero..twenty spelled out).
    Words: the first word that is neither filler ("the", "is") nor in the question.
    Returns "" when nothing qualifies (that sample abstains from the vote).
    """
    asked = set(_words(question.text))
    for token in _words(reply):
        if question.kind == "number":
            value = token if token.isdigit() else NUMBER_WORDS.get(token)
            if value is not None and value not in asked:
                return str(int(value))
        elif not token.isdigit() and token not in FILLER and token not in asked:
            return token
    return ""


def majority(answers: list[str] | tuple[str, ...]) -> str:
    """Most common non-empty answer; ties go to the one seen first; "" if all abstain."""
    counts = Counter(a for a in answers if a)
    return counts.most_common(1)[0][0] if counts else ""


@dataclass(frozen=True)
class QuestionRun:
    """N sampled replies to one question, their answers and the running vote."""

    question: Question
    texts: tuple[str, ...]  # [sample] raw replies
    extracted: tuple[str, ...]  # [sample]
    tokens: np.ndarray  # [sample] generated tokens (up to and including end-of-turn)
    correct: np.ndarray  # [sample] bool
    votes: tuple[str, ...]  # [n] majority of the first n samples
    vote_correct: np.ndarray  # [n] bool
    greedy_text: str
    greedy_answer: str
    seconds: float = float("nan")  # wall time of the greedy reply and the samples together
    greedy_tokens: int = 0
    where: str = ""  # which engine generated the replies

    @property
    def tokens_per_second(self) -> float:
        """Every generated token (samples and greedy) over the wall time."""
        return (int(self.tokens.sum()) + self.greedy_tokens) / self.seconds if self.seconds > 0 else float("nan")

    @property
    def sample_acc(self) -> float:
        """Share of this question's single samples that are right."""
        return float(self.correct.mean())


def question_seed(question: Question, cfg: LLMVoteConfig) -> int:
    """The seed of one question's samples: different per question, fixed by the page's seed."""
    return cfg.seed * 1000 + QUESTIONS.index(question) if question in QUESTIONS else cfg.seed


def requests(question: Question, cfg: LLMVoteConfig) -> tuple[Request, Request]:
    """(greedy request, sampled request for cfg.n_samples replies) for one question.

    Sampling is plain temperature sampling: top-k, top-p and min-p off.
    """
    message = f"{question.text} {INSTRUCTION}"
    greedy = Request(message, chat=True, decoding=Decoding(0.0, max_tokens=cfg.max_new_tokens))
    sampled = Request(message, chat=True, n=cfg.n_samples, decoding=Decoding(
        cfg.temperature, max_tokens=cfg.max_new_tokens, seed=question_seed(question, cfg)))
    return greedy, sampled


def run_question(engine: Engine, question: Question, cfg: LLMVoteConfig) -> QuestionRun:
    """Greedy reply plus cfg.n_samples sampled replies from `engine`, then the running vote.

    On the local engine the samples are one batch from generator(seed); on an
    HTTP engine they are n requests sent at once (seeds seed, seed+1, ...).
    Raises EngineError when the engine fails.
    """
    greedy_req, sampled_req = requests(question, cfg)
    greedy, sampled = engine.run(greedy_req), engine.run(sampled_req)
    texts = tuple(c.text.strip() for c in sampled.completions)
    extracted = tuple(extract_answer(t, question) for t in texts)
    votes = tuple(majority(extracted[: n + 1]) for n in range(len(extracted)))
    g_text = greedy.completions[0].text.strip()
    return QuestionRun(question, texts, extracted, np.array([c.n_tokens for c in sampled.completions]),
                       np.array([a == question.answer for a in extracted]), votes,
                       np.array([v == question.answer for v in votes]), g_text, extract_answer(g_text, question),
                       seconds=greedy.seconds + sampled.seconds, greedy_tokens=greedy.n_tokens,
                       where=sampled.where)


def sample_question(model, tok, question: Question, cfg: LLMVoteConfig, *, device: torch.device
                    ) -> QuestionRun:
    """run_question on the local model: the samples equal model.generate() under the same seed."""
    return run_question(LocalEngine(model, tok, device), question, cfg)


@dataclass(frozen=True)
class VoteSummary:
    """Accuracy and cost against the number of samples, over several questions."""

    n: np.ndarray  # [n] 1..N samples
    vote_acc: np.ndarray  # [n] share of questions whose majority of n samples is right
    tokens: np.ndarray  # [n] mean tokens spent per question for n samples
    single_acc: float  # share of all single samples that are right
    greedy_acc: float  # share of questions the greedy reply gets right
    per_question_p: np.ndarray  # [question] share of that question's samples that are right

    @property
    def n_mostly_right(self) -> int:
        """Questions whose samples are right more than half the time (voting tends to lock in the answer)."""
        return int((self.per_question_p > 0.5).sum())

    @property
    def n_mostly_wrong(self) -> int:
        """Questions whose samples are right less than half the time (voting tends to lock in a wrong one)."""
        return int((self.per_question_p < 0.5).sum())


def summarize(runs: list[QuestionRun] | tuple[QuestionRun, ...]) -> VoteSummary:
    """Average the per-question vote curves; needs at least one run."""
    if not runs:
        raise ValueError("No questions were run.")
    n = len(runs[0].extracted)
    return VoteSummary(
        n=np.arange(1, n + 1),
        vote_acc=np.mean([r.vote_correct for r in runs], axis=0),
        tokens=np.mean([np.cumsum(r.tokens) for r in runs], axis=0),
        single_acc=float(np.mean([r.sample_acc for r in runs])),
        greedy_acc=float(np.mean([r.greedy_answer == r.question.answer for r in runs])),
        per_question_p=np.array([r.sample_acc for r in runs]))
