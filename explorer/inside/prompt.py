"""The token ids the model reads for a prompt, with or without the chat template, capped.

Control-token strings typed in the prompt (`<|im_end|>`, `<|endoftext|>`) follow
`control` (explorer.core.encoding): "library" reads them as the library does,
so inside the chat template a typed `<|im_end|>` really ends the user's turn;
"text" reads them as plain text, while the template's own markers stay
control tokens (the ids of `apply_chat_template(..., sanitize_control_tokens=True)`).

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


SENTINEL = "\ue000"  # a private-use character marks where the message sits in the rendered template


def chat_ids(tok, text: str, control: str = "library") -> list[int]:
    """Ids of `text` as the user turn of the chat template, generation prompt added.

    The template's own markers are control tokens; `text` is read by `control`.
    """
    def render(content: str) -> str:
        return tok.apply_chat_template([{"role": "user", "content": content}], add_generation_prompt=True,
                                       tokenize=False)
    rendered = render(text)
    if control == "library":
        return encode(tok, rendered, add_special_tokens=False)  # the template already holds its specials
    before, found, after = render(SENTINEL).partition(SENTINEL)
    if not found or before + text + after != rendered:
        raise ValueError("this chat template changes the message text; turn the chat template off "
                         "to read the prompt as plain text")
    return (encode(tok, before, add_special_tokens=False) + encode(tok, text, add_special_tokens=False,
            control="text") + encode(tok, after, add_special_tokens=False))


def prompt_ids(tok, text: str, chat: bool, limit: int = MAX_TOKENS, control: str = "library") -> Prompt:
    """Ids of `text` (in the chat template when asked and available); keeps the *last* `limit`.

    The last tokens are kept so that the next-token prediction is still the one
    for the end of the prompt, as in generation. `control`: "library" or "text".
    """
    use_chat = chat and bool(getattr(tok, "chat_template", None))
    ids = chat_ids(tok, text, control) if use_chat else encode(tok, text, control=control)
    kept = ids[-limit:] if limit else ids
    return Prompt(tuple(int(i) for i in kept), len(ids), use_chat)
