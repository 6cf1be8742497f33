"""Section 4: where the parameters are, and the architectures side by side; section 6: the notes vs the model."""
from __future__ import annotations

import streamlit as st

from explorer.core.markdown import escape_md
from explorer.core.sources import ModelUnavailable
from explorer.inside import figures as F
from explorer.inside.claims import Claim
from explorer.inside.params import GROUPS, Architecture
from pages.inside import cache
from pages.inside.forward_path import PLOT

VERDICT = {"yes": ":green-badge[agrees]", "partly": ":orange-badge[partly]", "no": ":red-badge[differs]"}


def models(state) -> list[Architecture]:
    """The page's model, then MiniLM (the app's encoder) when it loads."""
    archs = [cache.architecture(state.model, state.hub.strip())]
    try:
        archs.append(cache.encoder_architecture())
    except (ModelUnavailable, OSError, ValueError) as err:
        st.info(f"MiniLM could not be loaded for the comparison: {escape_md(err)}")
    return archs


def _facts(a: Architecture) -> dict[str, str]:
    return {"type": a.kind, "layers": str(a.layers), "width (hidden size)": str(a.hidden),
            "query heads / key-value heads": f"{a.heads} / {a.kv_heads}", "head size": str(a.head_dim),
            "MLP width": f"{a.intermediate:,}", "activation": a.activation, "normalisation": a.norm,
            "positions": a.positions, "context (tokens)": f"{a.context:,}" if a.context else "?",
            "vocabulary": f"{a.vocab:,}", "embeddings tied to the output": "yes" if a.tied else "no",
            "parameters": f"{a.total:,}"}


def architecture_table(archs: list[Architecture]) -> None:
    """The facts that tell the architectures apart, one column per model."""
    facts = [_facts(a) for a in archs]
    rows = [{"": key, **{escape_md(a.name): escape_md(f[key]) for a, f in zip(archs, facts)}}
            for key in facts[0]]
    st.table(rows, border="horizontal", hide_index=True)


def groups_table(arch: Architecture) -> None:
    """Counted parameters per group, with the formula that gives the same number."""
    rows = []
    for name in GROUPS:
        g = arch.group(name)
        check = "" if g.formula_count is None else ("= counted ✔" if g.formula_count == g.count else
                                                   f"formula gives {g.formula_count:,}")
        rows.append({"group": name, "parameters": f"{g.count:,}", "share": f"{g.count / arch.total:.1%}",
                     "formula": escape_md(g.formula or "counted from the weights"), "check": check})
    st.table(rows, border="horizontal", hide_index=True)
    st.caption(f"Total {arch.total:,} = sum(p.numel() for p in model.parameters()); shared (tied) weights "
               "count once. d = width, H / KV = query / key-value heads, hd = head size, L = layers.")


def show(state) -> list[Architecture]:
    """Parameter accounting of the page's model and the side-by-side architectures."""
    archs = models(state)
    st.plotly_chart(F.params_figure(archs), width="stretch", config=PLOT, key="inside_params")
    groups_table(archs[0])
    st.markdown("**The architectures of popular LLMs, measured:** a decoder (generates, sees only the past) "
                "beside an encoder (understands, sees both sides).")
    architecture_table(archs)
    return archs


def claims_table(claims: tuple[Claim, ...]) -> None:
    """What the notes say beside what this model shows."""
    rows = [{"topic": c.topic, "the notes say": escape_md(c.notes), "this model shows": escape_md(c.model),
             "verdict": VERDICT[c.verdict]} for c in claims]
    st.table(rows, border="horizontal", hide_index=True)
