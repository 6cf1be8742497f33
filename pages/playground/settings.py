"""Playground settings: the preset menu, the data / network / training widgets, and the dataset they describe."""
from __future__ import annotations

import dataclasses

import streamlit as st

from explorer.playground import datasets
from explorer.playground.drawing import parse_drawn
from explorer.playground.network import FEATURES, MAX_LAYERS, MAX_NEURONS, REGULARIZERS
from explorer.playground.state import MAX_SEED, PRESETS, PlayState, next_seed
from pages.playground import cache, csv_upload, drawing

SS = st.session_state
DATA_LABELS = {"circle": "Circle", "xor": "XOR (four corners)", "gauss": "Two Gaussian blobs", "spiral": "Spiral",
               "moons": "Two moons", "multi": "Blobs, 3+ classes", "plane": "Regression: plane",
               "gaussian": "Regression: bumps", "draw": "Draw your own points", "csv": "Upload a CSV"}
OPT_LABELS = {"sgd": "SGD", "momentum": "SGD + momentum 0.9", "adam": "Adam"}
INIT_LABELS = {"xavier": "Xavier (uniform)", "he": "He (normal)", "small": "Uniform ±0.5"}


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
    SS["play.seed"] = next_seed(SS.get("play.seed", PlayState.seed))


def _data_widgets() -> None:
    st.markdown("**Data**")
    st.selectbox("Dataset", list(DATA_LABELS), key="play.data", format_func=DATA_LABELS.get)
    synthetic = SS["play.data"] in datasets.KINDS
    st.slider("Noise (%)", 0, 50, key="play.noise", disabled=not synthetic)
    st.slider("Points", 50, 1000, step=10, key="play.n", disabled=not synthetic)
    st.slider("Test share (%)", 0, 80, key="play.test", help="Points held out to measure generalisation (ringed).")
    if SS["play.data"] == "multi":
        st.slider("Classes", 2, datasets.MAX_CLASSES, key="play.classes")
    st.button("New random data and weights", on_click=_new_seed, icon=":material/casino:",
              help="Moves the seed on by one; the seed is in the link, so a shared run reproduces.")


def _network_widgets() -> None:
    st.markdown("**Network**")
    st.multiselect("Input features", list(FEATURES), key="play.feats")
    st.number_input("Hidden layers", 0, MAX_LAYERS, key="play.layers")
    layers = int(SS["play.layers"])
    if layers:
        for i, col in enumerate(st.columns(layers)):
            col.number_input(f"H{i + 1}", 1, MAX_NEURONS, key=f"play.n{i + 1}",
                             help=f"Neurons in hidden layer {i + 1}")
    st.selectbox("Activation", ["tanh", "relu", "sigmoid", "linear"], key="play.act")
    st.selectbox("Weight init", list(INIT_LABELS), key="play.init", format_func=INIT_LABELS.get)


def _training_widgets() -> None:
    st.markdown("**Training**")
    st.number_input("Learning rate", 0.0, 10.0, step=0.01, format="%.4f", key="play.lr")
    st.selectbox("Optimizer", list(OPT_LABELS), key="play.opt", format_func=OPT_LABELS.get)
    reg_col, rate_col = st.columns(2)
    reg_col.selectbox("Regularization", list(REGULARIZERS), key="play.reg", format_func=str.upper)
    rate_col.number_input("Reg. rate", 0.0, 1.0, step=0.001, format="%.4f", key="play.rate")
    st.slider("Batch size", 1, 100, key="play.batch")
    st.slider("Epochs per screen update", 1, 20, key="play.speed")
    st.number_input("Seed", 0, MAX_SEED, key="play.seed")


def widgets() -> None:
    """Data, network and training widgets in three bordered columns."""
    data_col, net_col, train_col = st.columns(3, border=True)
    with data_col:
        _data_widgets()
    with net_col:
        _network_widgets()
    with train_col:
        _training_widgets()


def dataset(state: PlayState) -> tuple[datasets.Dataset2D | None, tuple]:
    """The dataset the settings describe, and a signature that changes when the data does."""
    ratio = state.test / 100
    if state.data == "draw":
        drawing.canvas()
        try:
            data = datasets.from_points(parse_drawn(state.drawn), ratio, state.seed)
        except datasets.DataError as err:
            st.warning(str(err))
            return None, ()
        return data, ("draw", state.drawn, ratio, state.seed)
    if state.data == "csv":
        parsed, digest = csv_upload.upload()
        if parsed is None:
            return None, ()
        data = datasets.split(parsed.x, parsed.y, parsed.task, ratio, state.seed, parsed.class_names)
        return data, ("csv", digest, ratio, state.seed)
    args = (state.data, state.n, float(state.noise), ratio, state.classes, state.seed)
    return cache.dataset(*args), ("gen", *args)
