"""k-fold cross-validation: every sample is predicted by a model trained without it.

Folds are stratified (each holds the same share of every class), drawn with the run's
numpy Generator. The out-of-fold probabilities are what the metrics judge.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pinnsolve.classify.models import Fitted, fit_model
from pinnsolve.errors import SettingsError

__all__ = ["cross_validate", "stratified_folds"]


def stratified_folds(labels: np.ndarray, folds: int, rng: np.random.Generator) -> np.ndarray:
    """A fold index per sample, each class dealt round-robin over the folds after a shuffle."""
    smallest = np.bincount(labels).min(initial=len(labels)) if len(labels) else 0
    if folds < 2:
        raise SettingsError(f"--folds {folds}: cross-validation needs at least 2 folds.")
    if smallest < folds:
        raise SettingsError(
            f"--folds {folds}: the rarest class has only {smallest} samples, fewer than the folds. "
            "Give fewer folds or more samples (the count in --vary)."
        )
    fold = np.empty(len(labels), dtype=np.int64)
    for k in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == k))
        fold[idx] = (np.arange(len(idx)) + rng.integers(folds)) % folds
    return fold


def cross_validate(
    model: str,
    noisy: np.ndarray,
    clean: np.ndarray,
    labels: np.ndarray,
    classes: int,
    folds: int,
    rng: np.random.Generator,
    progress: Callable[[int], None] | None = None,
    **options,
) -> tuple[np.ndarray, np.ndarray, list[Fitted]]:
    """Out-of-fold probabilities on the noisy and the clean features, and each fold's model."""
    fold = stratified_folds(labels, folds, rng)
    oof_noisy = np.zeros((len(labels), classes))
    oof_clean = np.zeros((len(labels), classes))
    fitted = []
    for f in range(folds):
        test = fold == f
        model_f = fit_model(model, noisy[~test], labels[~test], classes, rng, **options)
        oof_noisy[test] = model_f.predict_proba(noisy[test])
        oof_clean[test] = model_f.predict_proba(clean[test])
        fitted.append(model_f)
        if progress is not None:
            progress(f + 1)
    return oof_noisy, oof_clean, fitted
