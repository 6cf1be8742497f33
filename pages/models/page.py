"""Models: every built-in model, where it was loaded from, and what it costs."""
import pandas as pd
import streamlit as st

from explorer.core import catalog
from explorer.core.families import layout_rows, support_rows
from explorer.core.markdown import escape_md
from explorer.core.models import SPECS, TOKENIZER_KEYS
from pages.models import cache
from pages.shared import model_cache

st.title("Models")
st.markdown(
    "Every model the app uses, loaded now on this server. Each comes from a package "
    "that bundles its files (works offline) and otherwise from its Hugging Face hub id. "
    "Load times are for this server process; *first-time prepare* is the one-off "
    "conversion done by `make models` (SmolLM2's GGUF is dequantized and cached)."
)

rows = []
with st.status("Loading every built-in model...", expanded=False) as status:
    for spec in SPECS.values():
        status.update(label=f"Loading {spec.title}...")
        rows.append(cache.tokenizer_row(spec.key) if spec.key in TOKENIZER_KEYS else cache.model_row(spec.key))
    missing = [r["Model"] for r in rows if r["Status"] != "loaded"]
    status.update(label=f"{len(rows) - len(missing)} of {len(rows)} models loaded",
                  state="error" if missing else "complete")

for row in rows:
    if row["Status"] != "loaded":
        st.error(f"**{escape_md(row['Model'])}** is {escape_md(row['Status'])}")

st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=35 * (len(rows) + 1) + 3)
left, right = st.columns(2)
left.metric("Device", str(model_cache.device()))
right.metric("Server memory (RSS)", f"{catalog.server_rss_mb():,.0f} MB")

st.subheader("Model families")
st.markdown(
    "The views take apart any model of these families. Each is proven offline on a tiny "
    "random-initialised model of its own configuration class (`tests/unit/test_families.py`): "
    "attention weights, show-the-work recomputed from the weights and matched to the model's own, "
    "cross-attention, contextual vectors, and the Sampling lab against `generate()`. A hub model "
    "of one of these families works the same way when the hub is reachable; any other family "
    "gets a message naming what is missing."
)
# Static tables: short cells, no scrolling needed.
st.table(pd.DataFrame(support_rows()).set_index("Family"))
st.caption(
    "*n/a*: cross-attention exists only in encoder-decoders; the Sampling lab drives decoder-only "
    "models (an encoder fills in masked tokens rather than predicting the next one). *tokenizer*: "
    "the bundled tokenizers of that family, or *hub only* when it comes from the hub with the model."
)
st.markdown("**How each family lays out its attention**")
st.table(pd.DataFrame(layout_rows()).set_index("Family"))
