"""What a trial is scored by, and how its training reports to the pruner.

The score is a validation error, measured against the best truth the problem offers:

1. the exact solution, when the problem file gives one: the relative L2 error on the output grid;
2. else the finite-difference reference (``pinnsolve reference``, solved once per study): the
   relative L2 distance to it, interpolated onto the trial's grid;
3. else the held-out residual: the mean squared equation residual at collocation points the
   network was not trained at.

``--objective loss`` scores by the final training loss instead (cheapest, but a loss is not an
error: a small loss can hide a wrong solution).
"""

from __future__ import annotations

import math
import os
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import PinnsolveError
from pinnsolve.tune.adapter import Interrupted, TrialRun, held_out_residual, run_trial
from pinnsolve.tune.space import Dimension, sample

ERROR_ATTR = "error"

SOURCES = {
    "exact": "relative L2 error against the exact solution",
    "reference": "relative L2 error against the finite-difference reference",
    "residual": "mean squared equation residual at held-out collocation points",
    "loss": "final training loss (--objective loss)",
}


@dataclass
class Validation:
    """How trials are scored: ``source`` is one of `SOURCES`; ``reference`` the FD solution if used."""

    source: str
    reference: Any = None
    notes: list[str] = field(default_factory=list)

    @property
    def description(self) -> str:
        return SOURCES[self.source]

    def score(self, problem: Problem, run: TrialRun, method: str, seed: int) -> float:
        if self.source == "exact":
            value = run.metrics.get("l2_relative_error")
        elif self.source == "reference":
            from pinnsolve.validate.compare import against_reference

            value = against_reference(run.solution, self.reference).errors().get("l2_relative_error")
        elif self.source == "residual":
            value = held_out_residual(problem, run, method, seed)
        else:
            value = run.metrics.get("final_loss")
        return math.inf if value is None or not math.isfinite(value) else float(value)


def choose_validation(problem: Problem, objective: str, grid: Mapping[str, int] | None = None) -> Validation:
    """The best available truth for ``problem`` (see the module docstring), said in ``notes``."""
    if objective == "loss":
        return Validation("loss")
    if problem.exact:
        return Validation("exact")
    from pinnsolve.evaluate import resolution
    from pinnsolve.reference import solve_reference

    try:
        reference, _ = solve_reference(problem, resolution(problem, grid))
    except PinnsolveError as exc:
        return Validation("residual", notes=[f"no exact solution, and no finite-difference reference ({exc})"])
    return Validation("reference", reference)


class PruningReporter:
    """A trainer callback that reports a trial's intermediate error to Optuna's pruner.

    The L2 error is reported whenever the trainer has measured it (every ``eval_every`` steps,
    exact solutions only); otherwise the training loss every ``every`` steps. A trial the pruner
    gives up on stops here, by raising ``optuna.TrialPruned`` out of the training loop.
    """

    def __init__(self, trial: Any, use_error: bool, every: int = 100) -> None:
        self.trial = trial
        self.use_error = use_error
        self.every = every

    def on_start(self, trainer: Any) -> None:
        pass

    def on_step(self, trainer: Any, record: Any) -> None:
        if self.use_error:
            value = record.l2_relative_error
        else:
            value = record.loss if record.step % self.every == 0 else None
        if value is None or not math.isfinite(value):
            return
        self.trial.report(float(value), record.step)
        last = trainer is not None and record.step >= trainer.config.total_steps
        if not last and self.trial.should_prune():  # a finished run is scored, not pruned
            import optuna

            raise optuna.TrialPruned(f"pruned at step {record.step} ({value:.3e})")

    def on_end(self, trainer: Any) -> None:
        pass


@dataclass
class TrialSettings:
    """What stays the same across a study's trials."""

    problem: Problem
    dims: Sequence[Dimension]
    validation: Validation
    runs: Path
    method: str = "pinn"
    seed: int = 0
    threads: int = 1


def resumable(runs: Path, trial: Any) -> tuple[Path, bool]:
    """A trial's run directory, and whether it continues an interrupted trial's checkpoint."""
    earlier = trial.user_attrs.get("resume_from")
    if earlier is not None:
        old = runs / f"trial-{int(earlier):04d}"
        if (old / "checkpoint.pt").is_file() and (old / "history.csv").is_file():
            return old, True
    return runs / f"trial-{trial.number:04d}", False


def make_objective(s: TrialSettings) -> Callable[[Any], float]:
    """The function Optuna minimises: one pinnsolve run per trial, scored by `Validation.score`."""

    def objective(trial: Any) -> float:
        values = sample(trial, s.dims)
        run_dir, resume = resumable(s.runs, trial)
        trial.set_user_attr("run_dir", str(run_dir))
        trial.set_user_attr("worker", f"{socket.gethostname()}:{os.getpid()}")
        reporter = PruningReporter(trial, use_error=s.validation.source == "exact")
        try:
            run = run_trial(
                s.problem,
                values,
                run_dir,
                method=s.method,
                seed=s.seed,
                threads=s.threads,
                callbacks=[reporter],
                resume=resume,
            )
        except Interrupted:
            raise KeyboardInterrupt from None
        except PinnsolveError as exc:  # the settings' own fault (diverged): counted, not retried
            trial.set_user_attr(ERROR_ATTR, str(exc)[:400])
            raise
        trial.set_user_attr("final_loss", run.metrics.get("final_loss"))
        trial.set_user_attr("train_time_s", run.metrics.get("train_time_s"))
        trial.set_user_attr("steps", run.metrics.get("steps"))
        return s.validation.score(s.problem, run, s.method, s.seed)

    return objective
