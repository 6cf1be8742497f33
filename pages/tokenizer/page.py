"""Tokenizer inspector: real tokenizers cut text into IDs, side by side."""
import streamlit as st

from explorer.core.models import TOKENIZER_KEYS
from explorer.core.sources import check_hub_id
from explorer.tokenizers.presets import PRESETS
from explorer.tokenizers.state import MODES, TokenizerState
from pages.tokenizer import views
from pages.shared.url_state import sync_widgets, write_url

MODE_LABELS = {"compare": "Compare", "batch": "Batch & padding", "chat": "Chat template",
               "decode": "Decode IDs"}
PRESET_TOKENIZERS = {"npl": ["bert", "gpt2", "cl100k", "phi3"],
                     "unbelievable": ["bert", "gpt2", "o200k", "phi3"],
                     "unstoppable": ["gpt2", "smollm2-tok", "bert", "phi3"],
                     "padding": ["bert", "gpt2"],
                     "number": ["gpt2", "cl100k", "qwen3", "bert"],
                     "multilingual": ["gpt2", "o200k", "bert", "phi3"]}


def load_preset() -> None:
    """Callback: copy the chosen preset into the widgets (before they are drawn)."""
    key = st.session_state.get("tok_preset")
    if key not in PRESETS:
        return
    preset = PRESETS[key]
    st.session_state["tok.mode"] = preset.mode
    st.session_state["tok.batch" if preset.mode == "batch" else "tok.text"] = preset.text
    st.session_state["tok.tk"] = PRESET_TOKENIZERS[key]
    st.session_state["tok_preset"] = None


st.title("Tokenizer inspector")
st.markdown(
    "A model never sees letters: a **tokenizer** cuts text into pieces from a fixed "
    "vocabulary and hands the model their **IDs**. Here real tokenizers (GPT-2, GPT-4's "
    "cl100k, GPT-4o's o200k, Llama-3, Qwen3, BERT WordPiece, SmolLM2, Phi-3 SentencePiece) "
    "cut the same text, so you can see where they agree, what the IDs are, which special "
    "tokens they add, and how a batch is padded for a model."
)

# Keep every mode's settings while its widgets are hidden (Streamlit drops the
# state of widgets not drawn in a run; re-assigning it makes it plain state).
for _field in TokenizerState.__dataclass_fields__:
    if f"tok.{_field}" in st.session_state:
        st.session_state[f"tok.{_field}"] = st.session_state[f"tok.{_field}"]
sync_widgets(TokenizerState, "tok")
st.radio("Mode", MODES, format_func=MODE_LABELS.get, key="tok.mode", horizontal=True)
mode = st.session_state["tok.mode"]
top = st.columns([3, 2])
if mode == "chat":  # the chat template is SmolLM2's alone
    top[0].caption("Tokenizer: SmolLM2 BPE (the only built-in one with a chat template).")
else:
    top[0].multiselect("Tokenizers (up to 4)", TOKENIZER_KEYS, format_func=views.title,
                       key="tok.tk", max_selections=4)
    with top[0].expander("Add a tokenizer from the Hugging Face hub (needs internet)"):
        st.text_input("Hub id, e.g. google-bert/bert-base-cased", key="tok.hub")
top[1].selectbox("Load an example from the notes", list(PRESETS), index=None,
                 format_func=lambda k: PRESETS[k].label, key="tok_preset", on_change=load_preset,
                 placeholder="Choose a preset...")

keys = list(st.session_state["tok.tk"])
hub = st.session_state["tok.hub"].strip()
if hub and mode != "chat":
    try:
        keys.append("hub:" + check_hub_id(hub))
    except ValueError as err:
        st.error(str(err))
if not keys and mode != "chat":
    st.warning("Pick at least one tokenizer above.")

if mode == "compare":
    st.text_area("Text", key="tok.text", height=110,
                 help="Up to 20,000 characters. Longer text is refused, never cut silently.")
    left, right = st.columns(2)
    left.toggle("Show raw pieces (Ġ ▁ ##) and whitespace", key="tok.markers")
    right.toggle("Add special tokens (add_special_tokens)", key="tok.special")
    if keys:
        views.compare_view(keys, st.session_state["tok.text"], st.session_state["tok.markers"],
                           st.session_state["tok.special"])
elif mode == "batch":
    st.text_area("Sentences, one per line", key="tok.batch", height=110)
    c = st.columns(5)
    c[0].radio("Padding", ("longest", "max_length", "none"), key="tok.padding")
    c[1].number_input("max_length", 1, 4096, key="tok.maxlen")
    c[2].toggle("Truncation", key="tok.trunc")
    c[3].radio("Padding side", ("right", "left"), key="tok.side")
    c[4].toggle("Add special tokens", key="tok.special")
    st.caption("input_ids is what the model receives; attention_mask tells it which cells are "
               "real (1) and which are padding to ignore (0).")
    if keys:
        views.batch_view(keys, st.session_state["tok.batch"], st.session_state["tok.padding"],
                         int(st.session_state["tok.maxlen"]), st.session_state["tok.trunc"],
                         st.session_state["tok.side"], st.session_state["tok.special"])
elif mode == "chat":
    st.markdown("An instruct model sees your message wrapped in its **chat template**. "
                "Here is SmolLM2-135M-Instruct's, token by token.")
    st.text_area("User message", key="tok.user", height=80)
    st.text_input("System prompt (empty: the template's default)", key="tok.system")
    st.toggle("Add the assistant's turn (add_generation_prompt)", key="tok.genprompt")
    views.chat_view(st.session_state["tok.user"], st.session_state["tok.system"],
                    st.session_state["tok.genprompt"])
else:
    st.text_area("Token IDs (commas or spaces)", key="tok.ids", height=80)
    if keys:
        views.decode_view(keys, st.session_state["tok.ids"])

write_url(TokenizerState, "tok")
