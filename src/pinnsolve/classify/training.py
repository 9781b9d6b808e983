"""Training a torch classifier with look-back early stopping (the lecture's recipe).

Train epoch by epoch; after each, measure the loss on a held-out validation set. Stop when
it has not improved for ``lookback`` epochs, and hand back the weights of the best epoch,
not the last (Prechelt, "Early stopping — but when?", in *Neural Networks: Tricks of the
Trade*, 1998; Goodfellow, Bengio & Courville, *Deep Learning*, §7.8).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["LookbackReport", "class_weights", "fit_lookback", "train_torch"]


@dataclass
class LookbackReport:
    """How look-back stopping ended: the best epoch (1-based), its loss, epochs run, per-epoch losses."""

    best_epoch: int
    best_loss: float
    epochs: int
    history: list[dict[str, float]] = field(default_factory=list)


def fit_lookback(
    model, train_epoch: Callable[[], float], validate: Callable[[], float], lookback: int, max_epochs: int
) -> LookbackReport:
    """Run ``train_epoch`` until ``validate`` has not improved for ``lookback`` epochs; restore the best weights.

    ``model`` is a torch module (its ``state_dict`` is copied at each new best).
    """
    best_loss, best_epoch = float("inf"), 0
    best_state = copy.deepcopy(model.state_dict())
    history = []
    epoch = 0
    for epoch in range(1, max_epochs + 1):
        train_loss = train_epoch()
        val_loss = validate()
        history.append({"epoch": epoch, "train_loss": float(train_loss), "val_loss": float(val_loss)})
        if val_loss < best_loss:
            best_loss, best_epoch = float(val_loss), epoch
            best_state = copy.deepcopy(model.state_dict())
        elif epoch - best_epoch >= lookback:
            break
    model.load_state_dict(best_state)
    return LookbackReport(best_epoch, best_loss, epoch, history)


def class_weights(labels: np.ndarray, classes: int) -> np.ndarray:
    """Weights n / (K · n_k) per class, so each class counts equally in the loss (imbalanced data)."""
    counts = np.bincount(labels, minlength=classes).astype(float)
    return np.where(counts > 0, len(labels) / (classes * np.maximum(counts, 1)), 0.0)


def train_torch(
    net,
    x: np.ndarray,
    y: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    weights: np.ndarray,
    *,
    generator,
    lookback: int = 20,
    max_epochs: int = 300,
    batch: int = 64,
    lr: float = 3e-3,
) -> LookbackReport:
    """Adam on the class-weighted cross entropy, minibatches drawn with ``generator``, look-back stopping."""
    import torch

    xt, yt = torch.as_tensor(x, dtype=torch.float32), torch.as_tensor(y, dtype=torch.long)
    xv, yv = torch.as_tensor(x_val, dtype=torch.float32), torch.as_tensor(y_val, dtype=torch.long)
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.as_tensor(weights, dtype=torch.float32))
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)

    def train_epoch() -> float:
        net.train()
        order = torch.randperm(len(xt), generator=generator)
        total = 0.0
        for start in range(0, len(xt), batch):
            idx = order[start : start + batch]
            optimizer.zero_grad()
            loss = loss_fn(net(xt[idx]), yt[idx])
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * len(idx)
        return total / len(xt)

    def validate() -> float:
        net.eval()
        with torch.no_grad():
            return float(loss_fn(net(xv), yv))

    return fit_lookback(net, train_epoch, validate, lookback, max_epochs)
