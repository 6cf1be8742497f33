"""How much one press of Play may train: a cap in epochs and one in seconds.

Play trains until Pause, so without a cap one open tab keeps a core of the
shared server busy for as long as it stays open (a class on one server is
thirty such tabs). A run stops at whichever cap comes first and says why;
pressing Play again starts a new run from where it stopped.

Example:
    >>> run = PlayRun.start(epoch=10, now=0.0)
    >>> run.epochs_left(epoch=10 + MAX_PLAY_EPOCHS - 3)
    3
    >>> run.stop_reason(epoch=11, now=MAX_PLAY_SECONDS) is not None
    True
"""
from __future__ import annotations

from dataclasses import dataclass

MAX_PLAY_EPOCHS = 2_000  # far past where any preset has converged
MAX_PLAY_SECONDS = 120.0


@dataclass(frozen=True)
class PlayRun:
    """One press of Play: where it started and the caps it runs under."""

    start_epoch: int
    started: float  # time.monotonic() at the press
    max_epochs: int = MAX_PLAY_EPOCHS
    max_seconds: float = MAX_PLAY_SECONDS

    @classmethod
    def start(cls, epoch: int, now: float) -> PlayRun:
        """A run from `epoch` under the module's caps as they are now."""
        return cls(epoch, now, MAX_PLAY_EPOCHS, MAX_PLAY_SECONDS)

    def epochs_left(self, epoch: int) -> int:
        """Epochs this run may still train, given the trainer is at `epoch`."""
        return max(0, self.max_epochs - (epoch - self.start_epoch))

    def stop_reason(self, epoch: int, now: float) -> str | None:
        """Why this run must stop now (a sentence for the page), or None while it may go on."""
        if self.epochs_left(epoch) == 0:
            return (f"Play stopped after {self.max_epochs:,} epochs, the most one press of Play trains "
                    "(the server is shared). Press Play to train on from here.")
        if now - self.started >= self.max_seconds:
            return (f"Play stopped after {self.max_seconds:g} seconds, the longest one press of Play "
                    f"trains (the server is shared), at epoch {epoch:,}. Press Play to train on from here.")
        return None
