"""Validation of the data-driven neural methods: look-back early stopping and k-fold cross-validation.

A method that supports it (ffnn, rnn, autoencoder: settings with `StoppingSettings`) asks
`held_out` which of its n training samples validate this run — points for ffnn, trajectories
of ``--vary`` for rnn and autoencoder — and gives `Setup.validation` (the validation loss, in
the units of its training loss) and `Setup.validation_error` (the relative L2 error on the
validation samples).

* ``--patience L`` alone: a seeded ``--validation-fraction`` of the training samples is held
  out; training stops when their loss has not improved for L steps, with the best step's
  weights restored (`pinnsolve.train.lookback`).
* ``--folds K``: K runs, fold k validating a model trained on the other K − 1 (with look-back
  stopping on fold k when ``--patience`` is given), report the mean and spread of the
  validation error; then **the final model is trained on all the training data** — for the
  folds' mean best step when ``--patience`` is given, else for the full budget. Cross-validation
  judges the settings; keeping one fold's model would throw away a K-th of the data.
"""

from __future__ import annotations

import copy
import dataclasses
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from pinnsolve.errors import SettingsError
from pinnsolve.train.lookback import LookBackStopping, StopAt, fold_of, holdout_split

if TYPE_CHECKING:
    from pinnsolve.methods.contract import Context

__all__ = ["ValidationPlan", "cross_validate", "held_out", "plan_of", "stopping_callback"]

#: where `NeuralMethod.run` puts this run's plan in ``Context.extra``
KEY = "validation"


@dataclass(frozen=True)
class ValidationPlan:
    """Which samples validate: fold ``fold`` of ``folds``, or a random ``fraction``; ``seed`` fixes the deal."""

    patience: int | None
    fraction: float
    seed: int
    folds: int | None = None
    fold: int | None = None

    def mask(self, n: int, what: str, salt: int = 0) -> np.ndarray:
        """Boolean mask over n samples: True where the sample validates (the same deal for every fold)."""
        if self.fold is not None:
            if n < self.folds:
                raise SettingsError(
                    f"--folds {self.folds}: the method has only {n} {what} to deal into folds. Give fewer folds"
                    + (" or more values in --vary." if what == "trajectories" else ".")
                )
            return fold_of(n, self.folds, self.seed + salt) == self.fold
        if n < 2:
            raise SettingsError(
                f"--patience needs validation data held out of the training {what}, and there is only {n}. "
                + ("Give --vary with two values or more, or drop --patience." if what == "trajectories" else "")
            )
        return holdout_split(n, self.fraction, self.seed + salt)


def plan_of(settings: Any, seed: int) -> ValidationPlan | None:
    """The validation asked for by ``settings`` (None: neither --patience nor --folds), checked."""
    patience, folds = getattr(settings, "patience", None), getattr(settings, "folds", None)
    if patience is None and folds is None:
        return None
    fraction = float(settings.validation_fraction)
    if not 0.0 < fraction < 1.0:
        raise SettingsError(f"--validation-fraction {fraction} is out of range: give a share between 0 and 1.")
    if folds is not None and folds < 2:
        raise SettingsError(f"--folds {folds}: cross-validation needs at least 2 folds.")
    return ValidationPlan(patience, fraction, seed, folds)


def held_out(context: Context, n: int, what: str, salt: int = 0) -> np.ndarray | None:
    """The mask of the n training samples that validate this run; None when it validates nothing."""
    plan: ValidationPlan | None = context.extra.get(KEY)
    if plan is None or (plan.folds is not None and plan.fold is None):  # after cross-validation: all data
        return None
    return plan.mask(n, what, salt)


def stopping_callback(setup: Any, context: Context, every: int) -> LookBackStopping | StopAt | None:
    """The trainer callback of this run's plan: validation curve and look-back, or the folds' best step."""
    plan: ValidationPlan | None = context.extra.get(KEY)
    if plan is None:
        return None
    stop_at = context.extra.get("stop_at")
    if stop_at is not None:
        return StopAt(stop_at)
    if setup.validation is None:
        return None
    return LookBackStopping(setup.validation, plan.patience, every)


def cross_validate(method: Any, problem: Any, settings: Any, context: Context, plan: ValidationPlan) -> dict[str, Any]:
    """Train one model per fold (quietly, in memory); the metrics of the validation errors across folds.

    Each fold starts from the same numpy and torch random states, so the folds differ only in the
    data they hold out.
    """
    from pinnsolve.methods.settings import train_config

    errors, losses, best = [], [], []
    for k in range(plan.folds):
        quiet = dataclasses.replace(
            context,
            rng=copy.deepcopy(context.rng),
            run=None,
            resume=None,
            plain=True,
            stream=io.StringIO(),
            extra={KEY: dataclasses.replace(plan, fold=k), "group": context.extra.get("group")},
        )
        with torch.random.fork_rng(devices=[]):
            setup = method.build(problem, settings, quiet)
            config = train_config(settings).resolved(len(problem.coords), setup.budget)
            trainer = method._trainer(problem, quiet, setup, config)
            stopping = stopping_callback(setup, quiet, 1)
            trainer.callbacks.append(stopping)
            trainer.run()
        with torch.no_grad():
            errors.append(float(setup.validation_error(setup.model)))
            losses.append(float(setup.validation(setup.model)))
        best.append(stopping.best_step if stopping.best_step is not None else trainer.step)
    metrics: dict[str, Any] = {
        "cv_folds": plan.folds,
        "cv_l2_mean": float(np.mean(errors)),
        "cv_l2_std": float(np.std(errors, ddof=1)),
        "cv_l2_per_fold": errors,
        "cv_loss_mean": float(np.mean(losses)),
        "cv_loss_std": float(np.std(losses, ddof=1)),
        "cv_best_steps": best,
    }
    if plan.patience is not None:
        metrics["cv_final_model"] = f"all training data, {round(float(np.mean(best)))} steps (the folds' mean best)"
    else:
        metrics["cv_final_model"] = "all training data, the full step budget"
    return metrics
