"""Playground randomness is local and per call, and one press of Play is bounded."""
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch

from explorer.playground import budget
from explorer.playground.digits import N_TEST, DigitsConfig, train_digits
from explorer.playground.network import NetConfig, build_mlp
from explorer.playground.state import PlayState

SEEDS = (1, 2)


def _digits(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First-layer weights, loss curve and test predictions of a tiny seeded digits run."""
    result = train_digits(DigitsConfig(hidden=8, epochs=2, seed=seed))
    return result.w1, result.loss_curve, result.preds


def test_concurrent_digits_trainings_each_reproduce_their_own_seed(monkeypatch):
    """Check two seeds trained at once in two threads give exactly the networks each seed gives alone."""
    # A barrier in weight init makes both threads seed before either draws, as happens under load: with
    # one global generator both would then draw from the seed set last (and interleave their draws).
    alone = {seed: _digits(seed) for seed in SEEDS}
    meet, original = threading.Barrier(len(SEEDS), timeout=60), torch.nn.init.kaiming_uniform_

    def init_together(*args, **kwargs):
        meet.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(torch.nn.init, "kaiming_uniform_", init_together)
    with ThreadPoolExecutor(len(SEEDS)) as pool:
        together = list(pool.map(_digits, SEEDS))
    for seed, got in zip(SEEDS, together):
        assert all(np.array_equal(a, b) for a, b in zip(got, alone[seed])), seed


def test_training_never_touches_the_global_rng():
    """Check digits training and building a playground network leave torch's global RNG state as it was."""
    before = torch.get_rng_state()
    train_digits(DigitsConfig(hidden=4, epochs=1, seed=3))
    build_mlp(NetConfig(hidden=(3, 2), seed=4))
    assert torch.equal(torch.get_rng_state(), before)


def test_digits_test_set_matches_the_image_picker():
    """Check the held-out digits are exactly N_TEST, the d_index field's range (0..N_TEST-1)."""
    result = train_digits(DigitsConfig(hidden=4, epochs=1, seed=1))
    assert len(result.labels) == N_TEST and PlayState.__dataclass_fields__["d_index"].metadata["hi"] == N_TEST - 1


def test_play_run_stops_at_the_epoch_cap():
    """Check a Play run allows only the epochs left under its cap and then gives the reason."""
    run = budget.PlayRun(start_epoch=10, started=0.0, max_epochs=6, max_seconds=60.0)
    assert run.epochs_left(10) == 6 and run.epochs_left(14) == 2 and run.epochs_left(30) == 0
    assert run.stop_reason(15, now=1.0) is None
    assert "6 epochs" in run.stop_reason(16, now=1.0)


def test_play_run_stops_at_the_time_cap():
    """Check a Play run stops once its seconds are spent, whatever the epoch."""
    run = budget.PlayRun(start_epoch=0, started=100.0, max_epochs=1_000, max_seconds=60.0)
    assert run.stop_reason(5, now=159.0) is None
    assert "60 seconds" in run.stop_reason(5, now=160.0)


def test_play_run_start_reads_the_current_caps():
    """Check PlayRun.start takes the module's caps at call time (the page and its tests set them there)."""
    run = budget.PlayRun.start(epoch=3, now=2.0)
    assert (run.start_epoch, run.max_epochs, run.max_seconds) == (3, budget.MAX_PLAY_EPOCHS, budget.MAX_PLAY_SECONDS)
