"""Methods that minimise a loss with the trainer: build a model and its objective, train, give a result.

A neural method is one subclass of `NeuralMethod`:

.. code-block:: python

    class MyMethod(NeuralMethod, name="mine"):
        settings_type = MySettings            # fields made with setting(default, help)

        def build(self, problem, settings, context) -> Setup:
            return Setup(model, objective, choices={...}, budget=(1000, 500))

`NeuralMethod.run` (final) builds, trains with `pinnsolve.train.Trainer` (progress, error
monitor, rollback on a non-finite loss, ``--resume`` from ``context.resume``, Ctrl-C saving the
checkpoint into the run directory) and turns the trained model into a result: by default the
model evaluated on the evaluation grid as a `Solution`; a method whose model is not a function
of the coordinates overrides `NeuralMethod.result`, and adds its own numbers with
`NeuralMethod.measure`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, final, runtime_checkable

import torch

from pinnsolve.errors import RunInterrupted, SettingsError, TrainingDiverged
from pinnsolve.methods.contract import Context, Method, Outcome
from pinnsolve.methods.settings import train_config

if TYPE_CHECKING:
    from pinnsolve.dsl.problem import Problem
    from pinnsolve.results.base import Result

__all__ = ["NeuralMethod", "Objective", "Setup", "build_setup", "history_rows", "make_context"]


@runtime_checkable
class Objective(Protocol):
    """What a neural method minimises: the weighted loss terms of a model, by name (their sum is the loss).

    ``names`` lists the terms in the order of the history's columns.
    """

    @property
    def names(self) -> list[str]: ...

    def __call__(self, model: torch.nn.Module) -> dict[str, torch.Tensor]: ...


@dataclass
class Setup:
    """A model, the objective it minimises, and the choices made for it (recorded in config.json).

    ``budget``: the method's default (Adam, L-BFGS) steps (None: by the number of coordinates);
    ``error``: the model's L2 relative error while it trains (None: against the exact solution
    on the evaluation grid, where the problem has one); ``state``: whatever `NeuralMethod.result`
    and `NeuralMethod.measure` need besides the model (the method's own data). ``validation`` and
    ``validation_error``: the loss and the relative L2 error on the held-out validation samples, for
    methods that hold some out (`pinnsolve.methods.validation`; None otherwise). ``check``: the method's own test
    of the trained result, returning metrics to record and the reason it does not solve the problem
    (None when it does). ``callbacks``: trainer callbacks of the method's own (adaptive collocation points),
    called before the checkpoints are written.
    """

    model: torch.nn.Module
    objective: Objective
    choices: dict[str, Any] = field(default_factory=dict)
    budget: tuple[int, int] | None = None
    error: Callable[[torch.nn.Module], float | None] | None = None
    state: Any = None
    validation: Callable[[torch.nn.Module], float] | None = None
    validation_error: Callable[[torch.nn.Module], float] | None = None
    check: Callable[[Any], tuple[dict[str, Any], str | None]] | None = None
    callbacks: list[Any] = field(default_factory=list)


class NeuralMethod(Method):
    """A method trained by the `Trainer`: subclasses implement `build` (and may override `result`, `measure`)."""

    def build(self, problem: Problem, settings: Any, context: Context) -> Setup:
        """The model and its objective for ``problem``; raise `MethodNotApplicable` for what it cannot treat."""
        raise NotImplementedError

    def result(self, problem: Problem, settings: Any, context: Context, setup: Setup) -> Result:
        """The trained model as a result: by default evaluated on the evaluation grid (a `Solution`)."""
        from pinnsolve.evaluate import evaluate_model

        group = context.extra.get("group")  # under torchrun: the grid split over the processes
        return evaluate_model(problem, self.name, setup.model, context.grid, context.dtype, context.device, group)

    def measure(
        self, problem: Problem, settings: Any, context: Context, setup: Setup, result: Result
    ) -> dict[str, Any]:
        """The method's own numbers for metrics.json (it may add curves to ``result`` for its plots)."""
        return {}

    def check_compilable(self, setup: Setup) -> None:
        """--compile traces the loss with torch.compile; refuse what it cannot trace, saying why."""
        raise SettingsError(
            f"--compile speeds up the residual loss of --method pinn; the {self.name} method trains "
            "on reference data through its own loss, which torch.compile is not set up for. "
            "Drop --compile."
        )

    def sharded(self, setup: Setup, group: Any) -> Objective:
        """This process's shard of the objective under torchrun; methods whose loss is no mean over
        collocation points refuse (the pinn method overrides this)."""
        raise SettingsError(
            f"distributed training (torchrun, --nproc) shards the collocation points of --method "
            f"pinn; the {self.name} method's loss is not a mean over collocation points. Run it in "
            "one process (drop --nproc)."
        )

    def _trainer(self, problem: Problem, context: Context, setup: Setup, config: Any) -> Any:
        """The trainer with its callbacks: progress, the caller's, periodic checkpoints, the error monitor,
        and the gradient sum over processes under torchrun (the objective then sharded)."""
        from pinnsolve.evaluate import ErrorMonitor
        from pinnsolve.train import ProgressReporter, Trainer

        error = setup.error
        if error is None:
            monitor = ErrorMonitor(problem, context.dtype, context.device, group=context.extra.get("group"))
            error = monitor if monitor.available else None
        reporter = ProgressReporter(
            config.total_steps, plain=context.plain, stream=context.stream, title=f"{problem.name} {self.name}"
        )
        callbacks = [reporter, *setup.callbacks, *context.extra.get("callbacks", [])]
        group = context.extra.get("group")
        if group is not None:
            setup.objective = self.sharded(setup, group)
        if context.run is not None:  # periodic checkpoints: a kill -9 loses at most one interval
            from pinnsolve.train import CheckpointEvery

            steps, seconds = context.extra.get("checkpoint_every", (1000, 60.0))
            callbacks.append(CheckpointEvery(lambda t: _save_state(context, t, setup.objective.names), steps, seconds))
        trainer = Trainer(
            setup.model,
            setup.objective,
            config,
            callbacks,
            error=error,
            grad_hook=group.all_reduce_gradients if group is not None else None,
        )
        return trainer

    @final
    def run(self, problem: Problem, settings: Any, context: Context) -> Outcome:
        """Build, train (resuming from ``context.resume``), and turn the trained model into a result.

        With ``--folds`` the folds are trained first (`pinnsolve.methods.validation`); with ``--patience``
        the trainer stops by look-back on held-out data and keeps the best step's weights."""
        from pinnsolve.methods import validation

        context, cv = self._validated(problem, settings, context)
        setup = self.build(problem, settings, context)
        terms = getattr(setup.objective, "terms", None)
        if terms is not None and all(hasattr(t, "kind") for t in terms):
            from pinnsolve.methods.options import check_weight_names

            check_weight_names(settings, terms, self.name)
        config = train_config(settings).resolved(len(problem.coords), setup.budget)
        if config.compile:
            self.check_compilable(setup)
        trainer = self._trainer(problem, context, setup, config)
        stopping = validation.stopping_callback(setup, context, 1)
        if stopping is not None:
            trainer.callbacks.append(stopping)
        if context.resume is not None:
            trainer.load_state_dict(context.resume["checkpoint"])
            trainer.history = list(context.resume["history"])
        diverged: TrainingDiverged | None = None
        try:
            trainer.run()
        except KeyboardInterrupt:
            where = _save_state(context, trainer, setup.objective.names)
            raise RunInterrupted(
                f"interrupted at step {trainer.step}; the checkpoint is saved in {where}. "
                f"Continue with: pinnsolve solve --resume {where}"
            ) from None
        except TrainingDiverged as exc:
            diverged = exc
        _save_state(context, trainer, setup.objective.names)
        _save_collocation(context, problem, setup.objective)
        result = self.result(problem, settings, context, setup)
        metrics = _training_metrics(trainer, self.name)
        metrics.update(cv | _validation_metrics(setup, stopping))
        metrics.update(self.measure(problem, settings, context, setup, result))
        failed = _judge(metrics, result, trainer, setup, context) if diverged is None else None
        return Outcome(
            result=result,
            history=history_rows(trainer.history, setup.objective.names),
            model=trainer.model,
            metrics=metrics,
            choices={**setup.choices, "train": config.as_dict()},
            stop_reason=metrics["stop_reason"],
            error=diverged or failed,
        )

    def _validated(self, problem: Problem, settings: Any, context: Context) -> tuple[Context, dict[str, Any]]:
        """The context carrying this run's validation plan, and the cross-validation metrics (folds first)."""
        import dataclasses

        from pinnsolve.methods import validation

        plan = validation.plan_of(settings, context.seed)
        if plan is None:
            return context, {}
        extra = {**context.extra, validation.KEY: plan}
        cv: dict[str, Any] = {}
        if plan.folds is not None:
            cv = validation.cross_validate(self, problem, settings, context, plan)
            if plan.patience is not None:
                extra["stop_at"] = max(1, round(sum(cv["cv_best_steps"]) / plan.folds))
        return dataclasses.replace(context, extra=extra), cv


def _validation_metrics(setup: Setup, stopping: Any) -> dict[str, Any]:
    """The validation loss and error of the trained model, and the best step of look-back stopping."""
    if setup.validation is None or setup.validation_error is None:
        return {}
    with torch.no_grad():
        out: dict[str, Any] = {
            "val_loss": float(setup.validation(setup.model)),
            "l2_validation": float(setup.validation_error(setup.model)),
        }
    best = getattr(stopping, "best_step", None)
    if best is not None:
        out["best_step"] = best
    return out


def history_rows(records: list[Any], term_names: list[str]) -> list[dict[str, Any]]:
    """One mapping per step: step, phase, wall_time_s, loss, one column per term, l2_relative_error, lr
    (and val_loss, the validation loss, where it was measured), and ``unknown_<name>`` per identified
    constant (an `Unknown`) of the problem, and ``weight_<term>`` per adaptive loss weight."""
    from pinnsolve.train.records import UNKNOWN_PREFIX, WEIGHT_PREFIX

    validated = any("val_loss" in r.extra for r in records)
    return [
        {
            "step": r.step,
            "phase": r.phase,
            "wall_time_s": r.wall_time_s,
            "loss": r.loss,
            **{n: r.terms.get(n, float("nan")) for n in term_names},
            "l2_relative_error": r.l2_relative_error,
            "lr": r.lr,
            **({"val_loss": r.extra.get("val_loss")} if validated else {}),
            **{UNKNOWN_PREFIX + k: v for k, v in getattr(r, "unknowns", {}).items()},
            **{WEIGHT_PREFIX + k: v for k, v in getattr(r, "weights", {}).items()},
        }
        for r in records
    ]


def _save_state(context: Context, trainer: Any, term_names: list[str]) -> Any:
    """The checkpoint and the history so far, into the run directory (nothing without one)."""
    if context.run is None:
        return None
    from pinnsolve.train import save_checkpoint

    save_checkpoint(trainer.state_dict(), context.run.file(context.run.CHECKPOINT))
    context.run.write_history(history_rows(trainer.history, term_names))
    return context.run.path


def _save_collocation(context: Context, problem: Problem, objective: Any) -> None:
    """The collocation points the model was trained on, by role, into ``collocation.npz`` (points added while
    training under ``added``), for objectives that hold them."""
    sets = getattr(objective, "collocation_sets", None)
    if context.run is None or sets is None:
        return
    from pinnsolve.io.collocation import COLLOCATION_FILE, save_collocation

    save_collocation(context.run.file(COLLOCATION_FILE), sets(), [str(c) for c in problem.coords])


def _judge(metrics: dict[str, Any], result: Any, trainer: Any, setup: Setup, context: Context) -> Any:
    """Status, stop reason and condition residuals into ``metrics``; a `RunFailed` if the run did not solve."""
    import sys

    import numpy as np

    from pinnsolve.errors import RunFailed
    from pinnsolve.methods.verdict import JUDGED_STEPS, condition_residuals, verdict

    fields = getattr(result, "fields", {}) or {}
    finite = [np.abs(np.asarray(v, dtype=float)) for v in fields.values()]
    scale = max((float(np.nanmax(a)) for a in finite if a.size and np.isfinite(a).any()), default=0.0)
    residuals = condition_residuals(setup.objective, trainer.model, scale)
    growing = getattr(setup.objective, "causal", None) is not None
    status, reason, failed = verdict(result, trainer.history, residuals, trainer.step, growing)
    if status == "ok" and setup.check is not None:
        found, why = setup.check(result)
        metrics.update(found)
        if why:
            status, reason, failed = "inconsistent", why, trainer.step >= JUDGED_STEPS
    metrics["status"] = "failed" if failed else status
    if residuals:
        metrics["condition_residuals"] = residuals
    if status == "ok":
        return None
    metrics["stop_reason"] = f"{metrics['stop_reason']}; {reason}"
    if not failed:
        print(f"warning: {reason}.", file=context.stream or sys.stderr)
        return None
    fix = (
        "Try more --steps and --lbfgs-steps, a wider network (--width 64) or more --points"
        if status == "inconsistent"
        else "Try more --steps, a larger --weight for that condition"
    )
    return RunFailed(
        f"the run did not solve the problem: {reason}. The results are written but not to be trusted. "
        f"{fix}, or check that the problem has a solution on the whole range (a blow-up inside it cannot be fitted)."
    )


def _training_metrics(trainer: Any, method: str) -> dict[str, Any]:
    last = trainer.history[-1] if trainer.history else None
    unknowns = {name: float(p.detach()) for name, p in (getattr(trainer.model, "unknowns", None) or {}).items()}
    return {
        "steps": trainer.step,
        "train_time_s": trainer.elapsed,
        "method": method,
        "final_loss": last.loss if last else None,
        "final_terms": last.terms if last else {},
        "stop_reason": trainer.stop_reason or "completed",
        **({"unknowns": unknowns} if unknowns else {}),
    }


def make_context(
    *,
    seed: int = 0,
    rng: Any = None,
    dtype: torch.dtype = torch.float64,
    device: Any = "cpu",
    grid: Any = None,
    **extra: Any,
) -> Context:
    """A `Context` for using a method in memory (tests, notebooks): no run directory, quiet progress."""
    import io

    import numpy as np

    rng = rng if rng is not None else np.random.default_rng(seed)
    return Context(
        dtype=dtype,
        device=torch.device(device),
        rng=rng,
        seed=seed,
        grid=dict(grid) if grid else None,
        plain=True,
        stream=io.StringIO(),
        **extra,
    )


def build_setup(method: str, problem: Problem, settings: Any = None, **context: Any) -> Setup:
    """The `Setup` (model, objective, choices) of a neural method without training it.

    ``settings``: the method's settings dataclass or a mapping of its keys; ``context``: as
    `make_context` takes them (rng, seed, dtype, device, grid).
    """
    from pinnsolve.methods.contract import get_method
    from pinnsolve.methods.options import make_settings

    chosen = get_method(method)
    return chosen.build(problem, make_settings(method, settings, source="key"), make_context(**context))
