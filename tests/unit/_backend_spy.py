"""A recording stand-in for a fast tokenizer's Rust backend: proves a call never reconfigures a shared tokenizer."""
import copy

from explorer.tokenizers.adapters import adapt


class BackendSpy:
    """Stands in for a fast tokenizer's Rust backend and records every call that would reconfigure it."""

    # Methods that change the backend in place; assigning any attribute (encode_special_tokens,
    # normalizer, post_processor, ...) is recorded by __setattr__.
    MUTATORS = {"enable_truncation", "enable_padding", "no_truncation", "no_padding", "add_tokens",
                "add_special_tokens"}

    def __init__(self, inner):
        object.__setattr__(self, "_inner", inner)
        object.__setattr__(self, "log", [])

    def __getattr__(self, name):
        if name in self.MUTATORS:
            self.log.append(name)
        return getattr(self._inner, name)

    def __setattr__(self, name, value):
        self.log.append(f"set {name}")
        setattr(self._inner, name, value)


def spied(adapter):
    """A private copy of an HF adapter whose backend records reconfiguring calls."""
    private = copy.deepcopy(adapter.obj)
    spy = BackendSpy(private._tokenizer)
    private._tokenizer = spy
    return adapt(adapter.key, private, adapter.title, adapter.context), spy
