"""Playground settings: presets, data / network / training widgets, drawing and CSV upload."""
from __future__ import annotations

import dataclasses
import hashlib
import re

import numpy as np
import streamlit as st

from explorer.playground import datasets as datasets2d
from explorer.playground.figures import draw_figure
from explorer.playground.network import FEATURES, MAX_LAYERS
from explorer.playground.state import MAX_DRAWN, PRESETS, PlayState, format_point, parse_drawn
from pages.playground import cache

SS = st.session_state
DATA_LABELS = {"circle": "Circle", "xor": "XOR (four corners)", "gauss": "Two Gaussian blobs", "spiral": "Spiral",
               "moons": "Two moons", "multi": "Blobs, 3+ classes", "plane": "Regression: plane",
               "gaussian": "Regression: bumps", "draw": "Draw your own points", "csv": "Upload a CSV"}
OPT_LABELS = {"sgd": "SGD", "momentum": "SGD + momentum 0.9", "adam": "Adam"}
INIT_LABELS = {"xavier": "Xavier (uniform)", "he": "He (normal)", "small": "Uniform ±0.5"}
COLOUR_NAMES = ("orange", "blue", "green", "red", "purple", "brown")  # CLASS_COLOURS in the figures
EXAMPLE_CSV = "x1,x2,label\n" + "\n".join(f"{x:.2f},{y:.2f},{int(x * y > 0)}" for x, y in
                                         np.random.default_rng(0).uniform(-5, 5, (60, 2)))


def plain(text: str) -> str:
    """User text made inert for st.markdown/st.error: markdown and HTML characters are escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!<>|~])", r"\\\1", text)


def _apply_preset() -> None:
    preset = next((p for p in PRESETS if p.name == SS.get("play_preset")), None)
    if preset is None:
        return
    base = PlayState().replace(**preset.values)
    for field in dataclasses.fields(base):
        value = getattr(base, field.name)
        SS[f"play.{field.name}"] = list(value) if isinstance(value, tuple) else value
    SS.pop("_play.trainer", None)
    SS["_play.playing"] = False


def preset_picker() -> None:
    """A preset menu; choosing one sets every widget and shows why it behaves as it does."""
    names = [p.name for p in PRESETS]
    st.selectbox("Preset or challenge", names, index=None, key="play_preset", on_change=_apply_preset,
                 placeholder="Choose a preset to load its settings...")
    chosen = next((p for p in PRESETS if p.name == SS.get("play_preset")), None)
    if chosen:
        st.info(f"**Why:** {chosen.why}", icon=":material/lightbulb:")


def _new_seed() -> None:
    SS["play.seed"] = (int(SS.get("play.seed", 1)) + 1) % 100_000


def settings() -> None:
    """Data, network and training widgets in three bordered columns."""
    data_col, net_col, train_col = st.columns(3, border=True)
    with data_col:
        st.markdown("**Data**")
        st.selectbox("Dataset", list(DATA_LABELS), key="play.data", format_func=DATA_LABELS.get)
        synthetic = SS["play.data"] in datasets2d.KINDS
        st.slider("Noise (%)", 0, 50, key="play.noise", disabled=not synthetic)
        st.slider("Points", 50, 1000, step=10, key="play.n", disabled=not synthetic)
        st.slider("Test share (%)", 0, 80, key="play.test", help="Points held out to measure generalisation (ringed).")
        if SS["play.data"] == "multi":
            st.slider("Classes", 2, datasets2d.MAX_CLASSES, key="play.classes")
        st.button("New random data and weights", on_click=_new_seed, icon=":material/casino:",
                  help="Moves the seed on by one; the seed is in the link, so a shared run reproduces.")
    with net_col:
        st.markdown("**Network**")
        st.multiselect("Input features", list(FEATURES), key="play.feats")
        st.number_input("Hidden layers", 0, MAX_LAYERS, key="play.layers")
        layers = int(SS["play.layers"])
        if layers:
            for i, col in enumerate(st.columns(layers)):
                col.number_input(f"H{i + 1}", 1, 8, key=f"play.n{i + 1}", help=f"Neurons in hidden layer {i + 1}")
        st.selectbox("Activation", ["tanh", "relu", "sigmoid", "linear"], key="play.act")
        st.selectbox("Weight init", list(INIT_LABELS), key="play.init", format_func=INIT_LABELS.get)
    with train_col:
        st.markdown("**Training**")
        st.number_input("Learning rate", 0.0, 10.0, step=0.01, format="%.4f", key="play.lr")
        st.selectbox("Optimizer", list(OPT_LABELS), key="play.opt", format_func=OPT_LABELS.get)
        reg_col, rate_col = st.columns(2)
        reg_col.selectbox("Regularization", ["none", "l1", "l2"], key="play.reg", format_func=str.upper)
        rate_col.number_input("Reg. rate", 0.0, 1.0, step=0.001, format="%.4f", key="play.rate")
        st.slider("Batch size", 1, 100, key="play.batch")
        st.slider("Epochs per screen update", 1, 20, key="play.speed")
        st.number_input("Seed", 0, 99_999, key="play.seed")


def _add_selection() -> None:
    """Turn a click / box / lasso on the canvas into drawn points of the brush class."""
    event = SS.get("play_canvas")
    points = [p for p in (event or {}).get("selection", {}).get("points", []) if p.get("curve_number") == 0]
    if not points:
        return
    if len(points) > 25:  # a box or lasso: spray a seeded sample, not a solid block
        keep = np.random.default_rng(len(SS.get("play.drawn", []))).choice(len(points), 25, replace=False)
        points = [points[i] for i in sorted(keep)]
    brush = int(SS.get("play_brush") or 0)
    drawn = list(SS.get("play.drawn", [])) + [format_point(p["x"], p["y"], brush) for p in points]
    SS["play.drawn"] = drawn[-MAX_DRAWN:]


def _clear() -> None:
    SS["play.drawn"] = []


def _undo() -> None:
    SS["play.drawn"] = list(SS.get("play.drawn", []))[:-1]


def draw_canvas() -> None:
    """Click on the canvas to add a point; drag a box or lasso to spray several."""
    if SS.get("play_brush") is None:
        SS["play_brush"] = 0
    points = parse_drawn(tuple(SS.get("play.drawn", [])))
    left, right = st.columns([2, 1])
    with right:
        st.segmented_control("Brush class", list(range(datasets2d.MAX_CLASSES)), key="play_brush",
                             format_func=lambda c: f"{c} {COLOUR_NAMES[c]}", required=True)
        counts = np.bincount([p[2] for p in points], minlength=1) if points else []
        st.caption(f"{len(points)} of {MAX_DRAWN} points drawn"
                   + ("".join(f" · class {c}: {n}" for c, n in enumerate(counts) if n)))
        b1, b2 = st.columns(2)
        b1.button("Undo", on_click=_undo, disabled=not points, width="stretch")
        b2.button("Clear", on_click=_clear, disabled=not points, width="stretch")
        st.caption("Click the canvas to add a point of the brush class. For a patch, pick Box or Lasso Select "
                   "in the chart's toolbar and drag: up to 25 points are sprayed. Drawn points travel in the link.")
    with left:
        st.plotly_chart(draw_figure(points), key="play_canvas", on_select=_add_selection,
                        selection_mode=("points", "box", "lasso"), config={"displaylogo": False})


def csv_upload() -> tuple[datasets2d.CsvData | None, str]:
    """The uploaded CSV parsed (or None) and a digest that identifies it."""
    st.file_uploader(f"CSV with columns x1, x2, label (at most {datasets2d.CSV_MAX_ROWS:,} rows, "
                     f"{datasets2d.CSV_MAX_BYTES // 1000} KB)", type=["csv", "txt"], key="play_csv")
    st.download_button("Example CSV (XOR, 60 rows)", EXAMPLE_CSV, "xor_example.csv", "text/csv",
                       icon=":material/download:", on_click="ignore")
    upload = SS.get("play_csv")
    if upload is None:
        st.info("Upload a CSV to train on your own data. Integer labels (up to 6 values) or text labels make "
                "a classification task; other numbers make a regression task.")
        return None, ""
    raw = upload.getvalue()
    try:
        parsed = datasets2d.parse_csv(raw)
    except datasets2d.DataError as err:
        st.error(f"Cannot use this CSV: {plain(str(err))}")
        return None, ""
    for note in parsed.notes:
        st.caption(note)
    return parsed, hashlib.sha1(raw).hexdigest()


def dataset(state: PlayState) -> tuple[datasets2d.Dataset2D | None, tuple]:
    """The dataset the settings describe, and a signature that changes when the data does."""
    ratio = state.test / 100
    if state.data == "draw":
        draw_canvas()
        try:
            data = datasets2d.from_points(parse_drawn(state.drawn), ratio, state.seed)
        except datasets2d.DataError as err:
            st.warning(str(err))
            return None, ()
        return data, ("draw", state.drawn, ratio, state.seed)
    if state.data == "csv":
        parsed, digest = csv_upload()
        if parsed is None:
            return None, ()
        data = datasets2d.split(parsed.x, parsed.y, parsed.task, ratio, state.seed, parsed.class_names)
        return data, ("csv", digest, ratio, state.seed)
    args = (state.data, state.n, float(state.noise), ratio, state.classes, state.seed)
    return cache.dataset(*args), ("gen", *args)
