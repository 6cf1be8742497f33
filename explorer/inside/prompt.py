"""The token ids the model reads for a prompt, with or without the chat template, capped.

Example:
    >>> p = prompt_ids(tok, "Hi", chat=True)
    >>> p.chat, len(p.ids), p.total             # the template adds a system turn
    (True, 31, 31)
"""
from __future__ import annotations

from dataclasses import dataclass

from explorer.core.encoding import encode
from explorer.inside.forward import MAX_TOKENS


@dataclass(frozen=True)
class Prompt:
    """Ids fed to the model and what was cut to fit."""

    ids: tuple[int, ...]  # [token], at most MAX_TOKENS
    total: int  # tokens before the cap
    chat: bool  # whether the chat template was applied (False when the tokenizer has none)

    @property
    def cut(self) -> int:
        """Tokens dropped from the start to fit MAX_TOKENS."""
        return self.total - len(self.ids)


def prompt_ids(tok, text: str, chat: bool, limit: int = MAX_TOKENS) -> Prompt:
    """Ids of `text` (in the chat template when asked and available); keeps the *last* `limit`.

    The last tokens are kept so that the next-token prediction is still the one
    for the end of the prompt, as in generation.
    """
    use_chat = chat and bool(getattr(tok, "chat_template", None))
    if use_chat:
        text = tok.apply_chat_template([{"role": "user", "content": text}], add_generation_prompt=True,
                                       tokenize=False)
    ids = encode(tok, text, add_special_tokens=not use_chat)  # the template already holds its specials
    kept = ids[-limit:] if limit else ids
    return Prompt(tuple(int(i) for i in kept), len(ids), use_chat)
