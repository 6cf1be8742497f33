"""Tokenizer inspector: real tokenizers cut text into IDs, side by side."""
import streamlit as st

from explorer.tokenizers.state import MODES, TokenizerState
from pages.shared.url_state import sync_widgets, write_url
from pages.tokenizer import batch, chat, compare, decode, picker

MODE_LABELS = {"compare": "Compare", "batch": "Batch & padding", "chat": "Chat template",
               "decode": "Decode IDs"}

st.title("Tokenizer inspector")
st.markdown(
    "A model never sees letters: a **tokenizer** cuts text into pieces from a fixed "
    "vocabulary and hands the model their **IDs**. Here real tokenizers (GPT-2, GPT-4's "
    "cl100k, GPT-4o's o200k, Llama-3, Qwen3, BERT WordPiece, SmolLM2, Phi-3 SentencePiece) "
    "cut the same text, so you can see where they agree, what the IDs are, which special "
    "tokens they add, what they do with control tokens typed as text, and how a batch is "
    "padded for a model."
)

sync_widgets(TokenizerState, "tok")  # also keeps every mode's settings while its widgets are hidden
st.radio("Mode", MODES, format_func=MODE_LABELS.get, key="tok.mode", horizontal=True)
mode = st.session_state["tok.mode"]
keys = picker.show(mode)

if mode == "compare":
    compare.show(keys)
elif mode == "batch":
    batch.show(keys)
elif mode == "chat":
    chat.show()
else:
    decode.show(keys)

write_url(TokenizerState, "tok")
