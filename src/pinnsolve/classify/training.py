"""Training a torch classifier with look-back early stopping (the lecture's recipe).

Train epoch by epoch; after each, measure the loss on a held-out validation set. Stop when
it has not improved for ``lookback`` epochs, and hand back the weights of the best epoch,
not the last (Prechelt, "Early stopping — but when?", in *Neural Networks: Tricks of the
Trade*, 1998; Goodfellow, Bengio & Courville, *Deep Learning*, §7.8). The look-back itself is
`pinnsolve.train.lookback`, shared with the surrogate methods' ``--patience``.
"""

from __future__ import annotations

import numpy as np

from pinnsolve.train.lookback import LookbackReport, fit_lookback

__all__ = ["LookbackReport", "class_weights", "fit_lookback", "train_torch"]


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
