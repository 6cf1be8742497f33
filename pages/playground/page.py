"""Neural-net playground: train a small PyTorch network live on 2-D data, or on handwritten digits."""
import streamlit as st

from explorer.core.markdown import escape_md
from explorer.playground.state import PlayState
from pages.playground import backprop, digits, export, history, settings, training
from pages.shared.url_state import sync_widgets, write_url

SS = st.session_state
MODES = {"2d": "2-D playground", "digits": "Handwritten digits"}

st.title("Neural-net playground")
st.markdown("A neural network is a function built from simple pieces: each neuron computes a weighted sum of "
            "its inputs plus a bias, then squashes it with an activation. Training nudges every weight "
            "downhill on the loss (gradient descent), with the gradients found by backpropagation. "
            "Here a real PyTorch network does that live, and every number is on screen.")

sync_widgets(PlayState, "play")  # also keeps the values of widgets hidden this run (layer 3 when 2 layers)

top_left, top_right = st.columns([1, 1.5], vertical_alignment="bottom")
top_left.segmented_control("What to train", list(MODES), key="play.mode", format_func=MODES.get, required=True)
with top_right:
    if SS["play.mode"] == "2d":
        settings.preset_picker()

if SS["play.mode"] == "digits":
    SS["_play.playing"] = False  # the live view is not on screen: do not keep training in the background
    digits.settings()
    state = write_url(PlayState, "play")
    digits.view(state)
    st.stop()

settings.widgets()
state = write_url(PlayState, "play")
if state.lr == 0:
    st.warning("Learning rate is 0: the gradients are computed, but every update is 0 × gradient, so the "
               "weights never change. Set a rate such as 0.03.")
elif (state.lr > 1 and state.opt != "sgd") or state.lr > 3:
    st.warning(f"A learning rate of {state.lr:g} is very high: expect the loss to jump around or blow up to NaN.")

data, data_sig = settings.dataset(state)
if data is None:
    st.stop()
try:
    net_cfg, train_cfg = training.configs(state, data)
except ValueError as err:
    st.error(f"Cannot build this network: {escape_md(err)}")
    st.stop()

live = training.trainer(net_cfg, train_cfg, data, data_sig)
playing = training.controls(live)
training.live_view(playing, state.speed, data.class_names)

if playing:
    st.caption("Pause to see one backprop step, rewind the history, or export the weights.")
else:
    backprop_tab, history_tab, export_tab = st.tabs(["Backprop step", "History", "Export and share"])
    with backprop_tab:
        backprop.show(live, data.class_names)
    with history_tab:
        history.show(live)
    with export_tab:
        export.show(live, state)
