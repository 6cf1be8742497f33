"""A tokenizer from a hub id the user typed, behind the inspector's adapter.

Example:
    >>> load_hub("google-bert/bert-base-cased").title     # online only
    'google-bert/bert-base-cased'
"""
from __future__ import annotations

from explorer.tokenizers.adapters import HFAdapter


def load_hub(hub_id: str) -> HFAdapter:
    """A tokenizer from a user-typed hub id; fails fast with a clear message offline."""
    from transformers import AutoTokenizer

    from explorer.core.encoding import freeze_defaults
    from explorer.core.sources import ModelUnavailable, require_typed_hub

    hub_id = require_typed_hub(hub_id, "This hub tokenizer")
    try:
        obj = AutoTokenizer.from_pretrained(hub_id, trust_remote_code=False)
    except (OSError, ValueError) as err:
        raise ModelUnavailable(f"Could not load the tokenizer '{hub_id}' from the hub: {err}") from err
    if not getattr(obj, "is_fast", False):
        raise ModelUnavailable(f"'{hub_id}' has no fast tokenizer, so byte offsets are unknown.")
    freeze_defaults(obj)
    limit = getattr(obj, "model_max_length", None)
    context = int(limit) if isinstance(limit, int) and limit < 10_000_000 else None
    return HFAdapter(f"hub:{hub_id}", hub_id, obj, context)
