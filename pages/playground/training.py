"""Playground training: the per-user Trainer, Play/Pause/Step/Reset and the live fragment."""
from __future__ import annotations

import time

import streamlit as st

from explorer.playground import budget, inspect
from explorer.playground import figures as figs
from explorer.playground.datasets import Dataset2D
from explorer.playground.network import NetConfig, TrainConfig, Trainer, overfitting
from explorer.playground.state import PlayState
from pages.shared import model_cache

SS = st.session_state
TICK_S = 0.5  # pause between fragment runs while playing
LOOP_S = 2.0  # each fragment run keeps training and redrawing this long (no round trip per update)


def configs(state: PlayState, data: Dataset2D) -> tuple[NetConfig, TrainConfig]:
    """Network and training configs from the page state (ValueError explains a bad setting)."""
    net = NetConfig(tuple(state.feats), state.hidden, state.act, data.n_outputs, data.task, state.init, state.seed)
    train = TrainConfig(state.lr, state.opt, reg=state.reg, reg_rate=state.rate, batch_size=state.batch)
    return net, train


def trainer(net: NetConfig, train: TrainConfig, data: Dataset2D, data_sig: tuple) -> Trainer:
    """This user's Trainer; rebuilt (epoch 0) when the data or network changes, else kept."""
    sig = (data_sig, net)
    live = SS.get("_play.trainer")
    if live is None or SS.get("_play.sig") != sig:
        live = Trainer(net, train, data, device=model_cache.device())
        SS["_play.trainer"], SS["_play.sig"] = live, sig
        SS.pop("_play.run", None)  # a new network is a new Play run (epochs count from its epoch 0)
    else:
        live.set_train_config(train)
    return live


def _toggle() -> None:
    SS["_play.playing"] = not SS.get("_play.playing", False)
    SS.pop("_play.stopped", None)
    if SS["_play.playing"] and (live := SS.get("_play.trainer")):
        SS["_play.run"] = budget.PlayRun.start(live.epoch, time.monotonic())


def _step() -> None:
    SS["_play.playing"] = False
    SS.pop("_play.stopped", None)
    if live := SS.get("_play.trainer"):
        live.train(1)


def _reset() -> None:
    SS["_play.playing"] = False
    SS.pop("_play.stopped", None)
    SS.pop("_play.trainer", None)


def controls(live: Trainer) -> bool:
    """Play/Pause, Step, Reset; returns whether training is playing."""
    playing = bool(SS.get("_play.playing")) and not live.diverged
    SS["_play.playing"] = playing
    c1, c2, c3, c4 = st.columns([1, 1, 1, 4], vertical_alignment="center")
    c1.button("Pause" if playing else "Play", key="play_toggle", on_click=_toggle, type="primary", width="stretch",
              icon=":material/pause:" if playing else ":material/play_arrow:", disabled=live.diverged)
    c2.button("Step", key="play_step", on_click=_step, width="stretch", icon=":material/skip_next:",
              help="Train exactly one epoch", disabled=live.diverged)
    c3.button("Reset", key="play_reset", on_click=_reset, width="stretch", icon=":material/restart_alt:",
              help="Back to epoch 0 with the same seeded initial weights")
    c4.caption(f"Playing: only the view below reruns, redrawing after every update. One press trains at most "
               f"{budget.MAX_PLAY_EPOCHS:,} epochs or {budget.MAX_PLAY_SECONDS:g} s." if playing else
               "Paused. Press Play to train continuously, or Step for one epoch.")
    if SS.get("_play.stopped"):
        st.info(SS["_play.stopped"], icon=":material/timer:")
    return playing


def _train_within_budget(live: Trainer, speed: int) -> None:
    """Train `speed` epochs, or fewer at this Play run's cap; stop playing (full rerun) at a cap or a blow-up."""
    run = SS.get("_play.run") or budget.PlayRun.start(live.epoch, time.monotonic())
    SS["_play.run"] = run
    live.train(min(speed, run.epochs_left(live.epoch)))
    reason = run.stop_reason(live.epoch, time.monotonic())
    if live.diverged or reason:
        SS["_play.playing"] = False
        if reason and not live.diverged:
            SS["_play.stopped"] = reason
        st.rerun()  # the whole page, so the fragment stops its timer


def _metrics(cols: list, live: Trainer) -> None:
    """Epoch, losses and accuracy, each into its own placeholder (replaced in place, no flicker)."""
    snap = live.latest
    cols[0].metric("Epoch", f"{snap.epoch:,}")
    loss = ("cross-entropy of the softmax outputs" if live.net.task == "classification"
            else "mean squared error")
    cols[1].metric("Train loss", f"{snap.train_loss:.4f}", help=f"The {loss}, averaged over the training points.")
    cols[2].metric("Test loss", f"{snap.test_loss:.4f}" if live.data.has_test else "no test set")
    if live.net.task == "classification" and live.data.has_test:
        cols[3].metric("Test accuracy", f"{snap.test_acc:.1%}")
    elif live.net.task == "classification":
        cols[3].metric("Train accuracy", f"{snap.train_acc:.1%}")


def _diverged_message(live: Trainer) -> None:
    st.error(f"Training stopped at epoch {live.epoch}: the loss became NaN or infinite (the weights blew up). "
             f"Lower the learning rate (now {live.train_cfg.lr:g}), then press Reset.",
             icon=":material/error:")


def _draw(slots: dict, live: Trainer, point: tuple[float, float], class_names: tuple[str, ...]) -> None:
    """Fill the live view's placeholders from the trainer's latest snapshot."""
    _metrics(slots["metrics"], live)
    if live.diverged:
        with slots["error"].container():
            _diverged_message(live)
    snap, net = inspect.drawable(live.history), live.net  # the last finite weights
    maps = inspect.neuron_maps(snap, net)
    slots["title"].markdown(f"**The network's output after epoch {snap.epoch}** (filled dots: train, ringed: test)")
    slots["boundary"].plotly_chart(figs.boundary_figure(maps, live.data), config={"displaylogo": False})
    slots["loss"].plotly_chart(figs.loss_figure(live.history, net.task))
    if over := overfitting(live.history):
        slots["hint"].caption(f"Overfitting: the test loss was lowest ({over[1]:.4f}) at epoch {over[0]} and is "
                              f"{over[2]:.4f} now, while the train loss keeps falling. The network is fitting "
                              "the training points' noise; more data, L2, or fewer neurons help.")
    else:
        slots["hint"].empty()
    trace = inspect.trace_point(snap, net, point)
    slots["network"].plotly_chart(figs.network_figure(snap, net, trace, class_names))
    slots["maps"].plotly_chart(figs.neuron_maps_figure(maps, net))


def _layout() -> tuple[dict, tuple[float, float]]:
    """The live view's placeholders and the trace point widgets."""
    slots = {"metrics": [col.empty() for col in st.columns(4)], "error": st.empty()}
    left, right = st.columns([1.05, 1])
    slots.update(title=left.empty(), boundary=left.empty(), loss=left.empty(), hint=left.empty())
    px, py = right.columns(2)
    point = (px.number_input("Trace point x1", -6.0, 6.0, SS["play_px"], step=0.5, key="play_px"),
             py.number_input("Trace point x2", -6.0, 6.0, SS["play_py"], step=0.5, key="play_py"))
    slots["network"] = right.empty()
    right.caption("Blue edges are positive weights, orange negative; thicker means larger. Each neuron's "
                  "colour is its value at the trace point. Hover for formulas with the numbers plugged in.")
    st.markdown("**What every neuron computes** (top row: the input features; each row below: one hidden "
                "layer; colour scaled per map, hover for the real value)")
    slots["maps"] = st.empty()
    return slots, point


def live_view(playing: bool, speed: int, class_names: tuple[str, ...]) -> None:
    """The part of the page that reruns on its own while playing.

    While playing, one fragment run trains and redraws in a loop for up to
    LOOP_S seconds (updates stream to the browser as they are drawn), then
    run_every starts the next run; Pause interrupts the loop at once.
    """

    @st.fragment(run_every=TICK_S if playing else None)
    def view():
        live = SS.get("_play.trainer")
        if live is None:
            return
        slots, point = _layout()
        deadline = time.monotonic() + LOOP_S
        while True:
            if SS.get("_play.playing"):
                _train_within_budget(live, speed)
            _draw(slots, live, point, class_names)
            if not SS.get("_play.playing") or time.monotonic() > deadline:
                break

    for key, default in (("play_px", 1.0), ("play_py", -0.5)):
        SS.setdefault(key, default)
    view()
