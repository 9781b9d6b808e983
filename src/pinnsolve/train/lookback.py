"""Look-back early stopping and k-fold splits: one implementation for the classifiers and the surrogates.

Look-back stopping (the lecture's recipe): after each epoch (or logged step), measure the loss
on held-out validation data; stop when it has not improved for L epochs (the *look-back* or
*patience*), and hand back the weights of the best epoch, not the last (Prechelt, "Early
stopping — but when?", in *Neural Networks: Tricks of the Trade*, 1998; Goodfellow, Bengio &
Courville, *Deep Learning*, §7.8).

k-fold cross-validation: the samples are dealt into K folds of (nearly) equal size; fold k
validates a model trained on the other K − 1, so every sample validates exactly once.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

__all__ = [
    "LookBack",
    "LookBackStopping",
    "LookbackReport",
    "StopAt",
    "fit_lookback",
    "fold_of",
    "holdout_split",
]


class LookBack:
    """The best validation loss so far, its epoch and a copy of its weights; says when to stop.

    ``patience`` L: `update` returns True once L epochs have passed without a new best.
    """

    def __init__(self, patience: int) -> None:
        self.patience = int(patience)
        self.best_loss = float("inf")
        self.best_epoch = 0
        self.best_state: dict[str, Any] | None = None

    def update(self, epoch: int, loss: float, model: torch.nn.Module) -> bool:
        """Record epoch ``epoch``'s validation ``loss``; True when the look-back has run out."""
        if loss < self.best_loss:  # a NaN never improves
            self.best_loss, self.best_epoch = float(loss), int(epoch)
            self.best_state = copy.deepcopy(model.state_dict())
            return False
        return epoch - self.best_epoch >= self.patience

    def restore(self, model: torch.nn.Module) -> None:
        """Load the best epoch's weights into ``model`` (nothing when no epoch was measured)."""
        if self.best_state is not None:
            model.load_state_dict(self.best_state)


@dataclass
class LookbackReport:
    """How look-back stopping ended: the best epoch (1-based), its loss, epochs run, per-epoch losses."""

    best_epoch: int
    best_loss: float
    epochs: int
    history: list[dict[str, float]] = field(default_factory=list)


def fit_lookback(
    model: torch.nn.Module,
    train_epoch: Callable[[], float],
    validate: Callable[[], float],
    lookback: int,
    max_epochs: int,
) -> LookbackReport:
    """Run ``train_epoch`` until ``validate`` has not improved for ``lookback`` epochs; restore the best weights."""
    watch = LookBack(lookback)
    watch.best_state = copy.deepcopy(model.state_dict())  # epoch 0: the weights as given
    history = []
    epoch = 0
    for epoch in range(1, max_epochs + 1):
        train_loss = train_epoch()
        val_loss = validate()
        history.append({"epoch": epoch, "train_loss": float(train_loss), "val_loss": float(val_loss)})
        if watch.update(epoch, float(val_loss), model):
            break
    watch.restore(model)
    return LookbackReport(watch.best_epoch, watch.best_loss, epoch, history)


class LookBackStopping:
    """A `Trainer` callback: the validation loss every ``every`` steps into the history (``val_loss``),
    and, with a ``patience``, look-back stopping over those measurements with the best weights restored.

    The patience counts steps (a full-batch step is an epoch of the surrogates' data). The
    validation loss is measured without gradients, so it costs one forward pass.
    """

    def __init__(
        self, validate: Callable[[torch.nn.Module], float], patience: int | None = None, every: int = 1
    ) -> None:
        self.validate = validate
        self.every = max(1, int(every))
        self.watch = LookBack(patience) if patience else None

    def on_start(self, trainer: Any) -> None:
        pass

    def on_step(self, trainer: Any, record: Any) -> None:
        if trainer.step % self.every:
            return
        with torch.no_grad():
            loss = float(self.validate(trainer.model))
        record.extra["val_loss"] = loss
        if self.watch is not None and self.watch.update(trainer.step, loss, trainer.model):
            trainer.request_stop(
                f"look-back stopping at step {trainer.step}: the validation loss has not improved for "
                f"{self.watch.patience} steps; the weights of step {self.watch.best_epoch} are kept"
            )

    def on_end(self, trainer: Any) -> None:
        """The best weights, once the chain has ended (an interrupted run keeps its weights, to resume)."""
        if self.watch is not None and trainer.stage >= len(trainer.stages):
            self.watch.restore(trainer.model)

    @property
    def best_step(self) -> int | None:
        return self.watch.best_epoch if self.watch is not None and self.watch.best_state is not None else None


class StopAt:
    """A `Trainer` callback that ends training after ``steps`` steps (a fold-averaged best epoch)."""

    def __init__(self, steps: int) -> None:
        self.steps = int(steps)

    def on_start(self, trainer: Any) -> None:
        pass

    def on_step(self, trainer: Any, record: Any) -> None:
        if trainer.step >= self.steps:
            trainer.request_stop(f"stopped at step {self.steps}, the folds' mean best step")

    def on_end(self, trainer: Any) -> None:
        pass


def fold_of(n: int, folds: int, seed: int) -> np.ndarray:
    """A fold index in 0 … K−1 per sample, K = ``folds``: a seeded shuffle dealt round-robin.

    The same (n, K, seed) always gives the same partition, so each fold's run can draw it anew.
    """
    order = np.random.default_rng(seed).permutation(n)
    fold = np.empty(n, dtype=np.int64)
    fold[order] = np.arange(n) % folds
    return fold


def holdout_split(n: int, fraction: float, seed: int) -> np.ndarray:
    """A boolean mask of round(fraction · n) samples (at least one, at most n − 1) held out for validation."""
    count = min(max(1, round(fraction * n)), n - 1)
    mask = np.zeros(n, dtype=bool)
    mask[np.random.default_rng(seed).permutation(n)[:count]] = True
    return mask
