"""Look-back early stopping keeps the best epoch's weights, not the last."""

from __future__ import annotations

import numpy as np
import torch

from pinnsolve.classify.training import class_weights, fit_lookback


def test_lookback_stops_after_l_epochs_without_improvement_and_restores_the_best():
    net = torch.nn.Linear(1, 1)
    losses = [5.0, 4.0, 3.0, 2.5, 2.6, 2.7, 2.55, 2.8, 2.9, 1.0]  # the 1.0 comes too late to be seen
    epoch = {"n": 0}

    def train_epoch() -> float:
        epoch["n"] += 1
        with torch.no_grad():
            net.weight.fill_(float(epoch["n"]))  # the weights remember their epoch
        return 0.0

    report = fit_lookback(net, train_epoch, lambda: losses[epoch["n"] - 1], lookback=4, max_epochs=100)
    assert report.best_epoch == 4 and report.best_loss == 2.5
    assert report.epochs == 8  # epochs 5..8 without improvement
    assert float(net.weight.detach()) == 4.0


def test_class_weights_balance_the_classes():
    w = class_weights(np.array([0, 0, 0, 1]), 2)
    assert np.allclose(w, [4 / 6, 4 / 2])
    assert np.allclose(np.bincount([0, 0, 0, 1], weights=w[[0, 0, 0, 1]]), [2, 2])
