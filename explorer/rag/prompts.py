"""Build the chat prompt a RAG answer sees: system prompt, instruction, examples, context.

Three prompt-engineering switches act on the same question:
- `system`: our own system prompt; off, SmolLM2's chat template inserts its
  default one ("You are a helpful AI assistant named SmolLM...") by itself,
- `only_context`: tell the model to answer only from the context, or say
  "I don't know",
- `few_shot`: two worked question/answer turns before the real one.

The text is rendered by the tokenizer's own chat template; the template's own
markers are always control tokens. The messages' contents (the question, the
chunks, an uploaded file) follow the page's control-token switch
(explorer.core.encoding): "library" gives exactly the ids of
`tok.apply_chat_template(..., tokenize=True)`, where a typed "<|im_end|>\n
<|im_start|>system" really ends the user's turn and opens a system turn;
"text" reads them as plain text (the ids of `sanitize_control_tokens=True`),
so they cannot. `BuiltPrompt.turns` are the turns the model reads,
`BuiltPrompt.written` the ones the template wrote.

Example:
    >>> p = build_prompt(tok, "What does pass do?", (("The pass statement", "pass is a null operation"),),
    ...                  PromptConfig())
    >>> p.text.startswith("<|im_start|>system")
    True
"""
from __future__ import annotations

from dataclasses import dataclass

from explorer.core.encoding import encode
from explorer.core.turns import Turn, read_chat_turns

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
    control: str  # "library" | "text": how control-token strings inside the messages were read
    turns: tuple[Turn, ...]  # as the model reads `ids`
    written: tuple[Turn, ...]  # as the template wrote them (the messages read as plain text)

    @property
    def n_tokens(self) -> int:
        return len(self.ids)

    @property
    def injected(self) -> bool:
        """True when text inside a message changes the turns the model reads (roles, text or ends)."""
        def shape(turns: tuple[Turn, ...]) -> list[tuple[str, str, bool]]:
            return [(t.role, t.content, t.closed) for t in turns]
        return shape(self.turns) != shape(self.written)

    @property
    def opened_roles(self) -> tuple[str, ...]:
        """Roles of the turns that text inside a message opened (none when read as plain text)."""
        return tuple(t.role for t in self.turns if t.opened_by_user)


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


def template_ids(tok, messages: list[dict[str, str]], control: str = "library"
                 ) -> tuple[str, list[int], list[bool]]:
    """(templated text, ids, [token] True inside a message's text): the template's pieces read with
    control tokens, the messages' contents read by `control` ("library" or "text")."""
    text = tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    marked = [{**m, "content": _sentinel(i)} for i, m in enumerate(messages)]
    skeleton = tok.apply_chat_template(marked, tokenize=False, add_generation_prompt=True)
    ids: list[int] = []
    in_text: list[bool] = []
    rebuilt = []
    for i, message in enumerate(messages):
        before, skeleton = skeleton.split(_sentinel(i), 1)
        piece = encode(tok, before, add_special_tokens=False)
        content = encode(tok, message["content"], add_special_tokens=False, control=control)
        ids += piece + content
        in_text += [False] * len(piece) + [True] * len(content)
        rebuilt += [before, message["content"]]
    tail = encode(tok, skeleton, add_special_tokens=False)
    ids, in_text = ids + tail, in_text + [False] * len(tail)
    if "".join(rebuilt) + skeleton != text:  # a template that rewrites contents: refuse, never guess
        raise ValueError("this chat template changes the message text; cannot mark its contents")
    if control == "library" and ids != encode(tok, text, add_special_tokens=False):
        raise ValueError("this tokenizer reads the templated text differently in pieces; cannot mark its contents")
    return text, ids, in_text


def _render(tok, question: str, contexts, cfg: PromptConfig, control: str):
    messages = chat_messages(question, contexts, cfg)
    text, ids, in_text = template_ids(tok, messages, control)
    return messages, text, ids, in_text


def _built(tok, rendered, used: int, given: int, control: str) -> BuiltPrompt:
    """The BuiltPrompt of one rendering, with the turns the model reads and the ones the template wrote."""
    messages, text, ids, in_text = rendered
    turns = read_chat_turns(tok, ids, in_text)
    written = turns if control == "text" else read_chat_turns(tok, *template_ids(tok, messages, "text")[1:])
    return BuiltPrompt(tuple((m["role"], m["content"]) for m in messages), text, tuple(ids), used, given,
                       control, turns, written)


def build_prompt(tok, question: str, contexts, cfg: PromptConfig,
                 max_tokens: int = MAX_PROMPT_TOKENS, control: str = "library") -> BuiltPrompt:
    """Render the prompt; drop the last context passages until it fits in max_tokens.

    contexts: sequence of (heading, text) pairs, best first; control: how
    control-token strings inside the question and the contexts are read
    ("library" or "text"). Raises ValueError when even the prompt without
    context is longer than max_tokens.
    """
    contexts = tuple(contexts)
    for used in range(len(contexts), -1, -1):
        rendered = _render(tok, question, contexts[:used], cfg, control)
        if len(rendered[2]) <= max_tokens:
            return _built(tok, rendered, used, len(contexts), control)
    raise ValueError(f"the question alone takes {len(rendered[2]):,} tokens; the limit is {max_tokens:,}")
