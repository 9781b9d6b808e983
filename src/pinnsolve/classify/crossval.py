"""k-fold cross-validation: every sample is predicted by a model trained without it.

Folds are stratified (each holds the same share of every class), drawn with the run's
numpy Generator. The out-of-fold probabilities are what the metrics judge.

Each finished fold can be kept by a `FoldStore` (an atomic ``folds/fold-K.npz`` in the run
directory: its out-of-fold rows, its model, and the Generator's state after it); a resumed run
reads the stored folds back and trains only the missing ones, from the same random state, so it
ends with the numbers of a run that was never stopped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from pinnsolve.classify.models import Fitted, fit_model, load_fitted
from pinnsolve.errors import SettingsError
from pinnsolve.io.atomic import atomic_write

__all__ = ["FoldStore", "cross_validate", "stratified_folds"]


class FoldStore:
    """Finished cross-validation folds in a folder of the run directory, one ``fold-K.npz`` each."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def path(self, fold: int) -> Path:
        return self.folder / f"fold-{fold:02d}.npz"

    def save(self, fold: int, test: np.ndarray, noisy: np.ndarray, clean: np.ndarray, model: Fitted, rng_state: dict):
        arrays = {f"model.{k}": v for k, v in model.arrays.items()}
        header = json.dumps({"spec": model.spec, "rng": rng_state}, default=float)
        with atomic_write(self.path(fold)) as tmp:
            np.savez(tmp, test=test, noisy=noisy, clean=clean, header=np.array(header), **arrays)

    def load(self, fold: int, test: np.ndarray) -> tuple[np.ndarray, np.ndarray, Fitted, dict] | None:
        """The fold's out-of-fold rows, model and the Generator's state after it; None if missing, corrupt
        or made for another split."""
        path = self.path(fold)
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                if not np.array_equal(data["test"], test):
                    return None
                header = json.loads(str(data["header"]))
                arrays = {k[len("model.") :]: data[k] for k in data.files if k.startswith("model.")}
                return data["noisy"], data["clean"], load_fitted(header["spec"], arrays), header["rng"]
        except Exception:  # noqa: BLE001 - a corrupt fold is trained again, never trusted
            return None

    def count(self) -> int:
        return len(list(self.folder.glob("fold-*.npz"))) if self.folder.is_dir() else 0


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
    store: FoldStore | None = None,
    **options,
) -> tuple[np.ndarray, np.ndarray, list[Fitted]]:
    """Out-of-fold probabilities on the noisy and the clean features, and each fold's model (folds kept in
    ``store`` are read back, the others trained and kept there)."""
    fold = stratified_folds(labels, folds, rng)
    oof_noisy = np.zeros((len(labels), classes))
    oof_clean = np.zeros((len(labels), classes))
    fitted = []
    for f in range(folds):
        test = fold == f
        kept = store.load(f, test) if store is not None else None
        if kept is not None:
            oof_noisy[test], oof_clean[test], model_f, state = kept
            rng.bit_generator.state = state  # continue the random stream where the stored fold left it
        else:
            model_f = fit_model(model, noisy[~test], labels[~test], classes, rng, **options)
            oof_noisy[test] = model_f.predict_proba(noisy[test])
            oof_clean[test] = model_f.predict_proba(clean[test])
            if store is not None:
                store.save(f, test, oof_noisy[test], oof_clean[test], model_f, rng.bit_generator.state)
        fitted.append(model_f)
        if progress is not None:
            progress(f + 1)
    return oof_noisy, oof_clean, fitted
