"""Digits mode: a small network on scikit-learn's bundled 8x8 handwritten digits."""
from __future__ import annotations

import streamlit as st

from explorer.playground import digits
from explorer.playground import figures as figs
from explorer.core.state import options
from explorer.playground.state import PlayState
from pages.playground import cache
from pages.shared.url_state import slider


def settings() -> None:
    """Hidden size, epochs and activation for the digits network."""
    c1, c2, c3 = st.columns(3)
    slider(c1, "Hidden neurons", PlayState, "play", "d_hidden")
    slider(c2, "Epochs", PlayState, "play", "d_epochs")
    c3.selectbox("Activation", options(PlayState, "d_act"), key="play.d_act")


def view(state: PlayState) -> None:
    """Train (cached), then accuracy, confusion matrix and one digit's activations."""
    st.markdown("The notes' example: 64 input neurons hold one 8x8 image's pixels (0 = blank, 1 = full ink), "
                f"one hidden layer of **{state.d_hidden}** {state.d_act} neurons, and 10 output neurons, one per "
                "digit, turned into probabilities by softmax. 1,348 images train it; 449 it never saw test it.")
    result = cache.digits(state.d_hidden, state.d_epochs, state.d_act, state.seed)
    c1, c2, c3 = st.columns(3)
    c1.metric("Test accuracy", f"{result.test_acc:.1%}")
    c2.metric("Train accuracy", f"{result.train_acc:.1%}")
    c3.metric("Final training loss", f"{result.loss_curve[-1]:.4f}")
    left, right = st.columns([1, 1.2])
    with left:
        st.markdown("**Confusion matrix** (test set)")
        st.plotly_chart(figs.confusion_figure(result), key="play_confusion")
        st.caption(f"{result.n_wrong} of {result.n_test} test images misread; off-diagonal cells show "
                   "which digit was mistaken for which.")
    with right:
        slider(st, "Test image", PlayState, "play", "d_index")  # 0..N_TEST-1: every held-out image
        act = digits.activations(result, state.d_index)
        verdict = "right" if act.pred == act.label else "wrong"
        st.markdown(f"Image {state.d_index}: a **{act.label}**, read as **{act.pred}** ({verdict}, "
                    f"P = {act.probs[act.pred]:.2f}).")
        st.plotly_chart(figs.digit_figure(act), key="play_digit")
        st.markdown("**What the most active hidden neurons look for** (their 64 input weights as a picture: "
                    "blue pixels push the neuron up, orange down)")
        st.plotly_chart(figs.neuron_weights_figure(result.w1, act.hidden), key="play_weights")
        lo, hi = act.hidden_range
        st.info(f"**Notes vs. this network.** The notes say each neuron lights up with a number between 0 and 1. "
                f"That holds for the inputs here and for sigmoid neurons; this network's {state.d_act} hidden "
                f"neurons range from {lo:.2f} to {hi:.2f} on this image "
                + ("(ReLU has no upper limit)." if state.d_act == "relu" else
                   "(tanh goes down to -1)." if state.d_act == "tanh" else "(sigmoid keeps them in 0..1)."),
                icon=":material/menu_book:")
