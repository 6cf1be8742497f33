"""Sampling lab figures: pipeline bars, coloured token strips, entropy, samples, logit lens.

Every token or continuation text passes through `safe_label` before it reaches
a label or hover text.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.core.figures import base_layout, safe_label
from explorer.sampling.generation import Lens, Path, Samples
from explorer.sampling.pipeline import PipelineResult, TopTokens

BASE, FINAL, FILTERED = "#b8bec9", "#1f77b4", "#e4e6eb"
PROB_SCALE = "RdYlGn"  # red = unlikely pick, green = the model was sure
LINE_CHARS = 64  # characters per line of a token strip
LABEL_CHARS = 30  # longer tokens are shortened with an ellipsis


def show_piece(piece: str) -> str:
    """A token as drawn: newlines as ↵, tabs as →, empty as ∅."""
    return piece.replace("\n", "↵").replace("\t", "→") or "∅"


def pipeline_bars(top: TopTokens) -> go.Figure:
    """p_base (grey) beside p after one stage (blue; filtered tokens greyed) for the top tokens."""
    labels = [f"{i + 1}. {safe_label(repr(p)[1:-1] or '∅', 24)} · logit {lg:.1f}"
              for i, (p, lg) in enumerate(zip(top.pieces, top.logits))] + ["everything else"]
    base = list(top.p_base) + [top.rest_base]
    stage = list(top.p_stage) + [top.rest_stage]
    kept = [p > 0 for p in top.p_stage] + [True]
    fig = go.Figure([
        go.Bar(y=labels, x=base, orientation="h", name="p_base (raw softmax)", marker_color=BASE,
               text=[f"{p:.1%}" for p in base], textposition="outside",
               hovertemplate="%{y}<br>p_base %{x:.4%}<extra></extra>"),
        go.Bar(y=labels, x=stage, orientation="h", name=f"p after {safe_label(top.stage)}",
               marker_color=[FINAL if k else FILTERED for k in kept],
               text=[f"{p:.1%}" if k else "filtered" for p, k in zip(stage, kept)], textposition="outside",
               hovertemplate="%{y}<br>p now %{x:.4%}<extra></extra>"),
    ])
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickformat=".0%", range=[0, min(1.0, max(base + stage) * 1.25 + 0.02)])
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=1.08), bargap=0.25)
    return base_layout(fig, height=70 + 34 * len(labels))


def stage_funnel(result: PipelineResult) -> go.Figure:
    """Tokens still possible after each stage, with the entropy left."""
    names = [f"{i}. {s.name}" + ("" if s.in_generate else " *") + f"<br><sup>{safe_label(s.detail, 48)}</sup>"
             for i, s in enumerate(result.stages)]
    ents = [float(-(s.probs[s.probs > 0] * np.log(s.probs[s.probs > 0])).sum()) for s in result.stages]
    fig = go.Figure(go.Bar(
        y=names, x=[s.kept for s in result.stages], orientation="h",
        marker_color=[(FINAL if s.in_generate else "#9467bd") if s.active else FILTERED for s in result.stages],
        text=[f"{s.kept:,} tokens · H {h:.2f} nats" for s, h in zip(result.stages, ents)],
        customdata=[safe_label(s.detail, 80) for s in result.stages],
        textposition="inside", insidetextanchor="start",
        hovertemplate="%{y}: %{x:,} tokens<br>%{customdata}<extra></extra>"))
    fig.update_xaxes(type="log", title="tokens still possible (log scale)",
                     range=[-0.1, np.log10(max(s.kept for s in result.stages)) + 0.05])
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, height=60 + 44 * len(names))


def _hover(path: Path, i: int) -> str:
    head = (f"<b>{safe_label(repr(path.pieces[i]))}</b> step {i + 1}<br>"
            f"p_final {path.p_final[i]:.1%} · p_base {path.p_base[i]:.1%} · rank {path.rank_base[i]}<br>"
            f"choices ≈ {np.exp(path.entropy_final[i]):.1f}<br>top alternatives (p_base → p_final):")
    alts = [f"{safe_label(repr(p), 20)} {b:.1%} → {f:.1%}"
            for p, b, f in zip(path.alt_pieces[i], path.alt_p_base[i], path.alt_p_final[i])]
    return "<br>".join([head, *alts])


def _layout_pieces(pieces, line_chars: int = LINE_CHARS) -> tuple[list[float], list[int], list[float]]:
    """x start, line and width (in characters) of each token, wrapping at `line_chars`."""
    xs, lines, widths, x, line = [], [], [], 0.0, 0
    for piece in pieces:
        width = max(1.5, min(len(show_piece(piece)), LABEL_CHARS) + 0.5)
        if x + width > line_chars and x > 0:
            x, line = 0.0, line + 1
        xs.append(x), lines.append(line), widths.append(width)
        x += width
        if "\n" in piece:
            x, line = 0.0, line + 1
    return xs, lines, widths


def token_strip(path: Path, highlight: np.ndarray | None = None, selected: int | None = None,
                line_chars: int = LINE_CHARS) -> go.Figure:
    """Generated tokens coloured by p_final; hover shows alternatives; click a token to select it.

    line_chars: characters per line (about 64 for a full-width chart, 30 for half width).
    """
    xs, lines, widths = _layout_pieces(path.pieces, line_chars)
    n = len(path.pieces)
    outline = np.zeros(n, bool) if highlight is None else np.asarray(highlight, bool)
    line_color = ["#111" if i == selected else ("#d62728" if outline[i] else "white") for i in range(n)]
    fig = go.Figure(go.Bar(
        base=xs, x=widths, y=lines, orientation="h", customdata=list(range(n)),
        marker=dict(color=path.p_final, colorscale=PROB_SCALE, cmin=0, cmax=1,
                    line=dict(color=line_color, width=[3 if c != "white" else 1 for c in line_color])),
        text=[safe_label(show_piece(p), LABEL_CHARS) for p in path.pieces], textposition="inside",
        insidetextanchor="middle", textangle=0, constraintext="none", textfont=dict(color="#111", size=14),
        hovertext=[_hover(path, i) for i in range(n)], hoverinfo="text"))
    n_lines = max(lines) + 1 if lines else 1
    fig.update_yaxes(autorange="reversed", visible=False, range=[n_lines - 0.5, -0.5])
    fig.update_xaxes(visible=False, range=[0, line_chars + 1])
    fig.update_layout(bargap=0.12, uniformtext=dict(minsize=11, mode="show"), clickmode="event+select",
                      dragmode=False)
    return base_layout(fig, height=30 + 38 * n_lines)


def entropy_chart(paths: dict[str, Path]) -> go.Figure:
    """Effective number of choices, exp(entropy), at each step of one or more paths."""
    fig = go.Figure()
    for name, path in paths.items():
        steps = np.arange(1, len(path.pieces) + 1)
        hover = [safe_label(repr(p), 20) for p in path.pieces]
        fig.add_trace(go.Scatter(x=steps, y=np.exp(path.entropy_final), mode="lines+markers",
                                 name=f"{safe_label(name)}: sampled distribution", text=hover,
                                 hovertemplate="step %{x} %{text}<br>≈ %{y:.1f} choices<extra></extra>"))
        fig.add_trace(go.Scatter(x=steps, y=np.exp(path.entropy_base), mode="lines", line=dict(dash="dot"),
                                 name=f"{safe_label(name)}: raw model (T=1)", text=hover,
                                 hovertemplate="step %{x} %{text}<br>≈ %{y:.1f} choices<extra></extra>"))
    fig.update_yaxes(type="log", title="effective choices = exp(entropy)")
    fig.update_xaxes(title="step", dtick=1 if max((len(p.pieces) for p in paths.values()), default=0) <= 20 else None)
    fig.update_layout(legend=dict(orientation="h", y=-0.3))
    return base_layout(fig, height=320)


def samples_hist(samples: Samples, max_rows: int = 15) -> go.Figure:
    """How often each distinct continuation came out of N draws."""
    rows = samples.counts[:max_rows]
    other = sum(c for _, c in samples.counts[max_rows:])
    labels = [safe_label(show_piece(t) or "∅", 50) for t, _ in rows] + (["(other continuations)"] if other else [])
    counts = [c for _, c in rows] + ([other] if other else [])
    fig = go.Figure(go.Bar(y=[f"{i + 1}. {lab}" for i, lab in enumerate(labels)], x=counts, orientation="h",
                           marker_color=FINAL, text=counts, textposition="auto",
                           hovertemplate="%{y}<br>%{x} of " + str(len(samples.texts)) + "<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=f"count out of {len(samples.texts)} samples", tickformat=",d")
    return base_layout(fig, height=60 + 28 * len(labels))


def lens_chart(lens: Lens, target_piece: str) -> go.Figure:
    """Rank of the chosen token after each layer (1 = what that layer would predict)."""
    tops = [safe_label(repr(p), 20) for p in lens.top_pieces]
    fig = go.Figure(go.Scatter(
        x=lens.layers, y=lens.rank, mode="lines+markers", customdata=np.stack([lens.prob], -1), text=tops,
        hovertemplate="layer %{x}<br>rank %{y}<br>p %{customdata[0]:.2%}<br>layer's top: %{text}<extra></extra>"))
    fig.update_yaxes(type="log", autorange="reversed", title=f"rank of {safe_label(repr(target_piece))}")
    fig.update_xaxes(title="layer (0 = embeddings)")
    return base_layout(fig, height=320)
