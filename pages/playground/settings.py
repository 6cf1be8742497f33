"""Playground settings: the preset menu, the data / network / training widgets, and the dataset they describe."""
from __future__ import annotations

import dataclasses

import streamlit as st

from explorer.core.markdown import escape_md
from explorer.core.state import options
from explorer.playground import datasets
from explorer.playground.drawing import parse_drawn
from explorer.playground.state import PRESETS, PlayState, next_seed
from pages.playground import cache, csv_upload, drawing
from pages.shared.url_state import number_input, slider

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
    st.selectbox("Dataset", options(PlayState, "data"), key="play.data", format_func=DATA_LABELS.get)
    synthetic = SS["play.data"] in datasets.KINDS
    slider(st, "Noise (%)", PlayState, "play", "noise", disabled=not synthetic)
    slider(st, "Points", PlayState, "play", "n", step=10, disabled=not synthetic)
    slider(st, "Test share (%)", PlayState, "play", "test", help="Points held out to measure generalisation (ringed).")
    if SS["play.data"] == "multi":
        slider(st, "Classes", PlayState, "play", "classes")
    st.button("New random data and weights", on_click=_new_seed, icon=":material/casino:",
              help="Moves the seed on by one; the seed is in the link, so a shared run reproduces.")


def _network_widgets() -> None:
    st.markdown("**Network**")
    st.multiselect("Input features", options(PlayState, "feats"), key="play.feats")
    number_input(st, "Hidden layers", PlayState, "play", "layers")
    layers = int(SS["play.layers"])
    if layers:
        for i, col in enumerate(st.columns(layers)):
            number_input(col, f"H{i + 1}", PlayState, "play", f"n{i + 1}", help=f"Neurons in hidden layer {i + 1}")
    st.selectbox("Activation", options(PlayState, "act"), key="play.act")
    st.selectbox("Weight init", options(PlayState, "init"), key="play.init", format_func=INIT_LABELS.get)


def _training_widgets() -> None:
    st.markdown("**Training**")
    number_input(st, "Learning rate", PlayState, "play", "lr", step=0.01, format="%.4f")
    st.selectbox("Optimizer", options(PlayState, "opt"), key="play.opt", format_func=OPT_LABELS.get)
    reg_col, rate_col = st.columns(2)
    reg_col.selectbox("Regularization", options(PlayState, "reg"), key="play.reg", format_func=str.upper)
    number_input(rate_col, "Reg. rate", PlayState, "play", "rate", step=0.001, format="%.4f")
    slider(st, "Batch size", PlayState, "play", "batch")
    slider(st, "Epochs per screen update", PlayState, "play", "speed")
    number_input(st, "Seed", PlayState, "play", "seed")


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
            st.warning(escape_md(err))
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
