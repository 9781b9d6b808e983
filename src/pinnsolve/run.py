"""Solving a problem with a neural method and writing its run directory.

The run directory holds config.json (everything needed to reproduce the run),
history.csv, model.pt (a state dict), checkpoint.pt (for --resume), solution.npz,
solution.vtu or .xdmf, metrics.json and plots/.
"""

from __future__ import annotations

import hashlib
import io
import os
import platform
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import torch

from pinnsolve.dsl.errors import PinnsolveError
from pinnsolve.dsl.problem import Problem
from pinnsolve.evaluate import ErrorMonitor, evaluate_model
from pinnsolve.io import atomic_write, make_run_dir, write_json, write_paraview, write_text
from pinnsolve.methods import MethodNotApplicable, MethodSettings, get_method
from pinnsolve.methods.objective import Objective
from pinnsolve.methods.surrogate import TrialSurrogate
from pinnsolve.residual import TaylorEngine
from pinnsolve.solution import Solution
from pinnsolve.train import (ProgressReporter, StepRecord, TrainConfig, Trainer, TrainingDiverged, distributed,
                             history_csv, load_checkpoint, parse_history_csv, save_checkpoint)

DTYPES = {"float32": torch.float32, "float64": torch.float64}


class RunInterrupted(PinnsolveError):
    """Ctrl-C: the checkpoint is saved and the message says how to continue."""


@dataclass
class RunOptions:
    """Everything that decides a run besides the problem (recorded in config.json)."""

    method: str = "pinn"
    settings: MethodSettings = field(default_factory=MethodSettings)
    train: TrainConfig = field(default_factory=TrainConfig)
    seed: int = 0
    dtype: str = "float64"
    device: str = "cpu"
    threads: int | None = None
    grid: dict[str, int] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"method": self.method, "settings": self.settings.as_dict(), "train": self.train.as_dict(),
                "seed": self.seed, "dtype": self.dtype, "device": self.device, "threads": self.threads,
                "grid": self.grid}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RunOptions:
        return cls(d["method"], MethodSettings(**d["settings"]), TrainConfig(**d["train"]), d["seed"], d["dtype"],
                   d["device"], d["threads"], d["grid"])


@dataclass
class RunResult:
    run_dir: Path
    solution: Solution
    metrics: dict[str, Any]
    history: list[StepRecord]
    model: torch.nn.Module


def default_threads() -> int:
    """All cores this process may use (sched_getaffinity respects container limits)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def versions() -> dict[str, str]:
    import scipy
    import sympy

    from pinnsolve import __version__

    return {"pinnsolve": __version__, "python": platform.python_version(), "torch": torch.__version__,
            "numpy": np.__version__, "scipy": scipy.__version__, "sympy": sympy.__version__,
            "platform": platform.platform()}


def file_hash(path: str | None) -> str | None:
    if not path or not Path(path).is_file():
        return None
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _device(name: str) -> torch.device:
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise PinnsolveError(f"--device {name} was asked for, but torch sees no CUDA GPU on this machine. "
                             "Use --device cpu (the default).")
    try:
        return torch.device(name)
    except RuntimeError as exc:
        raise PinnsolveError(f"--device {name} is not a device torch knows ({exc}). Use cpu or cuda.") from None


def _config(problem: Problem, options: RunOptions, choices: Mapping[str, Any]) -> dict[str, Any]:
    return {"problem": {"name": problem.name, "file": problem.file and str(Path(problem.file).resolve()),
                        "sha256": file_hash(problem.file), "parameters": problem.parameter_values},
            **options.as_dict(), "choices": dict(choices), "versions": versions(), "command": sys.argv}


def _metrics(solution: Solution, trainer: Trainer, method: str, wall: float) -> dict[str, Any]:
    last = trainer.history[-1] if trainer.history else None
    return {**solution.errors(), "steps": trainer.step, "wall_time_s": wall, "train_time_s": trainer.elapsed,
            "method": method, "final_loss": last.loss if last else None,
            "final_terms": last.terms if last else {}, "stop_reason": trainer.stop_reason or "completed",
            **({"unknowns": unknowns} if (unknowns := identified(trainer.model)) else {})}


def identified(model: torch.nn.Module) -> dict[str, float]:
    """Current values of the problem's Unknowns (inverse problems)."""
    return {name: float(p.detach()) for name, p in (getattr(model, "unknowns", None) or {}).items()}


def write_outputs(run_dir: Path, trainer: Trainer, solution: Solution, metrics: Mapping[str, Any],
                  term_names: list[str]) -> None:
    """Every result file of a finished run (each written atomically)."""
    with atomic_write(run_dir / "model.pt") as tmp:
        torch.save(trainer.model.state_dict(), tmp)
    save_checkpoint(trainer.state_dict(), run_dir / "checkpoint.pt")
    write_text(run_dir / "history.csv", history_csv(trainer.history, term_names))
    solution.save_npz(run_dir / "solution.npz")
    write_paraview(solution, run_dir)
    write_json(run_dir / "metrics.json", dict(metrics))
    from pinnsolve.viz import plot_all

    plot_all(solution, _history_arrays(trainer.history, term_names), run_dir / "plots")


def _history_arrays(records: list[StepRecord], term_names: list[str]) -> dict[str, np.ndarray]:
    nan = float("nan")
    arrays: dict[str, np.ndarray] = {
        "step": np.array([r.step for r in records], dtype=float),
        "phase": np.array([r.phase for r in records]),
        "wall_time_s": np.array([r.wall_time_s for r in records]),
        "loss": np.array([r.loss for r in records]),
        "l2_relative_error": np.array([nan if r.l2_relative_error is None else r.l2_relative_error for r in records]),
        "lr": np.array([r.lr for r in records]),
    }
    for name in term_names:
        arrays[name] = np.array([r.terms.get(name, nan) for r in records])
    return arrays


def _check_compilable(setup: Any, method: str) -> None:
    """--compile traces the loss with torch.compile: only the PINN's Taylor-mode loss is traceable."""
    if not isinstance(setup.objective, Objective):
        raise PinnsolveError(
            f"--compile speeds up the residual loss of --method pinn; the {method} method trains on reference data "
            "through its own loss, which torch.compile is not set up for. Drop --compile.")
    if not isinstance(setup.objective.engine, TaylorEngine):
        raise PinnsolveError(
            "--compile needs the Taylor-mode derivative engine, and this run uses nested autograd, which "
            "differentiates twice: torch.compile cannot trace that. Use an MLP with tanh, sin or silu and "
            "--derivatives auto, or drop --compile.")
    if isinstance(setup.model, TrialSurrogate):
        raise PinnsolveError(
            "--compile works with --method pinn only: the trial function's A and B, cached at the collocation "
            "points between steps, are not traceable by torch.compile yet. Drop --compile for --method trial.")


def _sharded(setup: Any, method: str, group: Any) -> Any:
    """The objective of this process's shard of the collocation points (PINN losses only)."""
    if not isinstance(setup.objective, Objective) or isinstance(setup.model, TrialSurrogate):
        raise PinnsolveError(f"distributed training (torchrun, --nproc) shards the collocation points of --method "
                             f"pinn; the {method} method's loss is not a mean over collocation points. Run it in "
                             "one process (drop --nproc).")
    sharded = group.shard(setup.objective)
    setup.choices["distributed"] = {"processes": group.world, "backend": group.backend,
                                    "points_per_process": sharded.local.points.shape[0]}
    return sharded


def solve(problem: Problem, options: RunOptions | None = None, out: str | Path | None = None,
          plain: bool | None = None, resume_dir: Path | None = None, stream: Any = None,
          callbacks: Sequence[Any] = ()) -> RunResult:
    """Train ``options.method`` on ``problem`` and write a run directory; returns what was written.

    With ``resume_dir``, continue the run saved there (its checkpoint and history). ``callbacks``
    are extra trainer callbacks (``pinnsolve tune`` reports to its pruner through one).
    """
    options = options or RunOptions()
    if options.dtype not in DTYPES:
        raise PinnsolveError(f"--dtype {options.dtype} is not supported; use float32 or float64.")
    group = distributed.join(options.device)  # None unless launched by torchrun
    dtype, device = DTYPES[options.dtype], _device(group.device(options.device) if group else options.device)
    torch.set_num_threads(options.threads or max(1, default_threads() // (group.world if group else 1)))
    torch.manual_seed(options.seed)
    rng = np.random.default_rng(options.seed)
    started = time.perf_counter()
    try:
        builder = get_method(options.method)
    except KeyError as exc:
        raise PinnsolveError(f"{exc.args[0]}.") from None
    try:
        setup = builder(problem, options.settings, rng, dtype, device, grid=options.grid)
    except MethodNotApplicable as exc:
        raise PinnsolveError(str(exc)) from None
    options = replace(options, train=options.train.resolved(len(problem.coords), setup.budget))
    if options.train.compile:
        _check_compilable(setup, options.method)
    if group is not None:
        setup = replace(setup, objective=_sharded(setup, options.method, group))
    if setup.error is not None:
        error = setup.error
    else:
        monitor = ErrorMonitor(problem, dtype, device)
        error = monitor if monitor.available else None
    writer = group is None or group.writer  # one process writes the run directory
    reporter = ProgressReporter(options.train.total_steps, plain=plain, stream=stream if writer else io.StringIO(),
                                title=f"{problem.name} {options.method}")
    trainer = Trainer(setup.model, setup.objective, options.train, [reporter, *callbacks], error=error,
                      grad_hook=group.all_reduce_gradients if group else None)
    if resume_dir is not None:
        run_dir = Path(resume_dir)
        trainer.load_state_dict(load_checkpoint(run_dir / "checkpoint.pt"))
        trainer.history = parse_history_csv((run_dir / "history.csv").read_text())
    elif writer:
        run_dir = make_run_dir(out, problem.name, options.method, exact=out is not None)
    else:
        run_dir = Path(out or "runs")
    if writer:
        write_json(run_dir / "config.json", _config(problem, options, setup.choices))
    term_names = setup.objective.names

    def finish() -> tuple[Solution, dict[str, Any]]:
        """Evaluate the model on the output grid and write every result file."""
        if setup.solution is not None:
            solution = setup.solution(trainer.model)
        else:
            solution = evaluate_model(problem, options.method, trainer.model, options.grid, dtype, device)
        metrics = _metrics(solution, trainer, options.method, time.perf_counter() - started)
        if setup.report is not None:
            metrics.update(setup.report(trainer.model, run_dir / "plots"))
        if writer:
            write_outputs(run_dir, trainer, solution, metrics, term_names)
        return solution, metrics

    try:
        trainer.run()
    except KeyboardInterrupt:
        if writer:
            save_checkpoint(trainer.state_dict(), run_dir / "checkpoint.pt")
            write_text(run_dir / "history.csv", history_csv(trainer.history, term_names))
        raise RunInterrupted(f"interrupted at step {trainer.step}; the checkpoint is saved in {run_dir}. "
                             f"Continue with: pinnsolve solve --resume {run_dir}") from None
    except TrainingDiverged as exc:
        finish()
        raise PinnsolveError(f"{exc} Results of the last good model are in {run_dir}.") from None
    solution, metrics = finish()
    return RunResult(run_dir, solution, metrics, trainer.history, trainer.model)
