"""Neural-net playground: train a small PyTorch network live on 2-D data, or on handwritten digits."""
import dataclasses

import streamlit as st

from explorer.playground.state import PlayState
from pages.playground import digits as digits_ui
from pages.playground import inspect_tabs as more
from pages.playground import training as train_ui
from pages.playground import settings as ui
from pages.shared.url_state import sync_widgets, write_url

SS = st.session_state
MODES = {"2d": "2-D playground", "digits": "Handwritten digits"}

st.title("Neural-net playground")
st.markdown("A neural network is a function built from simple pieces: each neuron computes a weighted sum of "
            "its inputs plus a bias, then squashes it with an activation. Training nudges every weight "
            "downhill on the loss (gradient descent), with the gradients found by backpropagation. "
            "Here a real PyTorch network does that live, and every number is on screen.")

sync_widgets(PlayState, "play")
for field in dataclasses.fields(PlayState):  # keep values of widgets hidden this run (e.g. layer 3 when 2 layers)
    key = f"play.{field.name}"
    if key in SS:
        SS[key] = SS[key]

top_left, top_right = st.columns([1, 1.5], vertical_alignment="bottom")
top_left.segmented_control("What to train", list(MODES), key="play.mode", format_func=MODES.get, required=True)
with top_right:
    if SS["play.mode"] == "2d":
        ui.preset_picker()

if SS["play.mode"] == "digits":
    SS["_play.playing"] = False  # the live view is not on screen: do not keep training in the background
    digits_ui.settings()
    state = write_url(PlayState, "play")
    digits_ui.view(state)
    st.stop()

ui.settings()
state = write_url(PlayState, "play")
if state.lr == 0:
    st.warning("Learning rate is 0: the gradients are computed, but every update is 0 × gradient, so the "
               "weights never change. Set a rate such as 0.03.")
elif (state.lr > 1 and state.opt != "sgd") or state.lr > 3:
    st.warning(f"A learning rate of {state.lr:g} is very high: expect the loss to jump around or blow up to NaN.")

data, data_sig = ui.dataset(state)
if data is None:
    st.stop()
try:
    net_cfg, train_cfg = train_ui.configs(state, data)
except ValueError as err:
    st.error(f"Cannot build this network: {err}")
    st.stop()

live = train_ui.trainer(net_cfg, train_cfg, data, data_sig)
playing = train_ui.controls(live)
train_ui.live_view(playing, state.speed, data.class_names)

if playing:
    st.caption("Pause to see one backprop step, rewind the history, or export the weights.")
else:
    backprop, history, export = st.tabs(["Backprop step", "History", "Export and share"])
    with backprop:
        more.backprop_tab(live, data.class_names)
    with history:
        more.history_tab(live, data.class_names)
    with export:
        more.export_tab(live, state)
