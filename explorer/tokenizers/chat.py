"""The chat template: the hidden tokens around a user's message.

An instruct model never sees the bare message. Its tokenizer's Jinja chat
template wraps it in role markers (SmolLM2: <|im_start|>user ... <|im_end|>),
adds a default system prompt, and can append the start of the assistant's
turn for the model to continue.

Example:
    >>> c = chat_view(smollm2_adapter, ChatConfig(user="Hi"))
    >>> c.rendered.endswith("<|im_start|>assistant\\n"), int(c.from_user.sum())
    (True, 1)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.tokenizers.adapters import MAX_CHARS, HFAdapter, TokenizeConfig, Tokenized, check_text


@dataclass(frozen=True)
class ChatConfig:
    """One chat turn to render through a template."""

    user: str = "What is the capital of France?"
    system: str = ""  # empty: the template's own default (if it has one)
    add_generation_prompt: bool = True

    def __post_init__(self) -> None:
        if not self.user.strip():
            raise ValueError("Type a user message to see the template around it.")
        check_text(self.user, MAX_CHARS)
        check_text(self.system, MAX_CHARS)


@dataclass(frozen=True)
class ChatView:
    """The rendered template string, its tokens, and which came from the user."""

    rendered: str  # the exact string the template produced
    tokens: Tokenized  # that string tokenized without further special tokens
    from_user: np.ndarray  # [token] bool: token lies inside the user's message
    template_ids: np.ndarray  # [token] ids from apply_chat_template(tokenize=True)
    user_span: tuple[int, int]  # byte span of the user's message in `rendered`

    @property
    def n_user(self) -> int:
        """Tokens that come from the user's message."""
        return int(self.from_user.sum())

    @property
    def n_template(self) -> int:
        """Tokens the template adds around the message."""
        return self.tokens.n_tokens - self.n_user

    @property
    def matches_template(self) -> bool:
        """True when tokenizing the rendered string gives apply_chat_template(tokenize=True)'s IDs."""
        return self.tokens.ids.tolist() == self.template_ids.tolist()


def has_template(adapter) -> bool:
    """True when the tokenizer carries a chat template."""
    return isinstance(adapter, HFAdapter) and bool(getattr(adapter.obj, "chat_template", None))


def _messages(config: ChatConfig) -> list[dict[str, str]]:
    messages = [{"role": "system", "content": config.system}] if config.system.strip() else []
    return messages + [{"role": "user", "content": config.user}]


def chat_view(adapter, config: ChatConfig) -> ChatView:
    """Render `config` through the adapter's chat template and mark the user's tokens."""
    if not has_template(adapter):
        raise ValueError(f"{adapter.title} has no chat template; pick SmolLM2 BPE.")
    messages = _messages(config)
    tok = adapter.obj
    rendered = tok.apply_chat_template(messages, tokenize=False,
                                       add_generation_prompt=config.add_generation_prompt)
    ids = tok.apply_chat_template(messages, tokenize=True, return_dict=True,
                                  add_generation_prompt=config.add_generation_prompt)["input_ids"]
    tokens = adapter.tokenize(rendered, TokenizeConfig(add_special_tokens=False,
                                                       max_chars=len(rendered) + 1))
    start_char = rendered.rfind(config.user)
    start = len(rendered[:start_char].encode("utf-8"))
    end = start + len(config.user.encode("utf-8"))
    inside = (tokens.starts >= start) & (tokens.ends <= end) & (tokens.ends > tokens.starts)
    return ChatView(rendered, tokens, inside, np.asarray(ids, dtype=np.int64), (start, end))
