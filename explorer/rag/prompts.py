"""Build the chat prompt a RAG answer sees: system prompt, instruction, examples, context.

Three prompt-engineering switches act on the same question:
- `system`: our own system prompt; off, SmolLM2's chat template inserts its
  default one ("You are a helpful AI assistant named SmolLM...") by itself,
- `only_context`: tell the model to answer only from the context, or say
  "I don't know",
- `few_shot`: two worked question/answer turns before the real one.

The text is rendered by the tokenizer's own chat template. Its ids are those
of `tok.apply_chat_template(..., tokenize=True)` with one difference: the
messages' contents (the question, the chunks, an uploaded file) are read as
plain text (explorer.core.encoding, control="text"), so a typed or uploaded
"<|im_end|>" stays text and cannot end the user's turn early; only the
template's own markers are control tokens.

Example:
    >>> p = build_prompt(tok, "What does pass do?", (("The pass statement", "pass is a null operation"),),
    ...                  PromptConfig())
    >>> p.text.startswith("<|im_start|>system")
    True
"""
from __future__ import annotations

from dataclasses import dataclass

from explorer.core.encoding import encode

MAX_PROMPT_TOKENS = 2_048  # CPU prefill of SmolLM2 stays near a few seconds
SYSTEM = ("You are a careful assistant who answers questions about the Python programming "
          "language in one or two short sentences.")
ONLY_CONTEXT = ("Answer only from the context above. If the context does not contain the answer, "
                "say \"I don't know.\"")
# Worked turns for few-shot prompting: short, on topics outside the built-in corpus.
FEW_SHOT = (
    (("Built-in functions", 'len(s): Return the length (the number of items) of an object.'),
     "What does len() return?", "The number of items in the object."),
    (("The range type", "range(stop): The arguments to the range constructor must be "
      "integers. If the start argument is omitted, it defaults to 0."),
     "What is the default start of range()?", "0."),
)


@dataclass(frozen=True)
class PromptConfig:
    """The prompt-engineering switches."""

    system: bool = True
    only_context: bool = True
    few_shot: bool = False


@dataclass(frozen=True)
class BuiltPrompt:
    """The chat messages, the exact templated text and its token ids."""

    messages: tuple[tuple[str, str], ...]  # [turn] (role, content)
    text: str  # after the chat template, as the model reads it
    ids: tuple[int, ...]  # [prompt_token]
    contexts_used: int  # chunks that fit under max_tokens
    contexts_given: int

    @property
    def n_tokens(self) -> int:
        return len(self.ids)


def context_block(contexts) -> str:
    """Numbered context passages: `[1] heading` then the text."""
    return "\n\n".join(f"[{i}] {heading}\n{text}" for i, (heading, text) in enumerate(contexts, 1))


def user_message(question: str, contexts, cfg: PromptConfig) -> str:
    """The user turn: context and instruction when there is context, then the question."""
    if not contexts:
        return f"Question: {question}"
    parts = ["Context:", context_block(contexts)]
    if cfg.only_context:
        parts.append(ONLY_CONTEXT)
    parts.append(f"Question: {question}")
    return "\n\n".join(parts)


def chat_messages(question: str, contexts, cfg: PromptConfig) -> list[dict[str, str]]:
    """Messages for the chat template; few-shot turns carry context only when the real one does."""
    messages = [{"role": "system", "content": SYSTEM}] if cfg.system else []
    if cfg.few_shot:
        for ctx, q, a in FEW_SHOT:
            messages.append({"role": "user", "content": user_message(q, (ctx,) if contexts else (), cfg)})
            messages.append({"role": "assistant", "content": a})
    messages.append({"role": "user", "content": user_message(question, contexts, cfg)})
    return messages


def _sentinel(i: int) -> str:
    return f"\ue000{i}\ue001"  # private-use characters: never in real text, copied as is


def template_ids(tok, messages: list[dict[str, str]]) -> tuple[str, list[int]]:
    """(templated text, ids): template pieces read with control tokens, contents as plain text."""
    text = tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    marked = [{**m, "content": _sentinel(i)} for i, m in enumerate(messages)]
    skeleton = tok.apply_chat_template(marked, tokenize=False, add_generation_prompt=True)
    ids: list[int] = []
    rebuilt = []
    for i, message in enumerate(messages):
        before, skeleton = skeleton.split(_sentinel(i), 1)
        ids += encode(tok, before, add_special_tokens=False)
        ids += encode(tok, message["content"], add_special_tokens=False, control="text")
        rebuilt += [before, message["content"]]
    ids += encode(tok, skeleton, add_special_tokens=False)
    if "".join(rebuilt) + skeleton != text:  # a template that rewrites contents: refuse, never guess
        raise ValueError("this chat template changes the message text; cannot mark its contents")
    return text, ids


def _render(tok, question: str, contexts, cfg: PromptConfig) -> tuple[list[dict], str, list[int]]:
    messages = chat_messages(question, contexts, cfg)
    text, ids = template_ids(tok, messages)
    return messages, text, ids


def build_prompt(tok, question: str, contexts, cfg: PromptConfig,
                 max_tokens: int = MAX_PROMPT_TOKENS) -> BuiltPrompt:
    """Render the prompt; drop the last context passages until it fits in max_tokens.

    contexts: sequence of (heading, text) pairs, best first. Raises ValueError
    when even the prompt without context is longer than max_tokens.
    """
    contexts = tuple(contexts)
    for used in range(len(contexts), -1, -1):
        messages, text, ids = _render(tok, question, contexts[:used], cfg)
        if len(ids) <= max_tokens:
            turns = tuple((m["role"], m["content"]) for m in messages)
            return BuiltPrompt(turns, text, tuple(ids), used, len(contexts))
    raise ValueError(f"the question alone takes {len(ids):,} tokens; the limit is {max_tokens:,}")
