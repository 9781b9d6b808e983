"""The one runner: any registered method on a problem, written into a run directory.

``solve(problem, RunOptions(method="pinn", settings={...}))`` looks the method up, checks it
applies, runs it, and writes what it returned (`pinnsolve.methods.contract.Outcome`) through
`RunDirectory`: config.json (settings, the method's choices, the result kind and the
provenance record), history.csv, model.pt, checkpoint.pt (neural methods, for --resume), the
result's own files (solution.npz and the ParaView file for a `Solution`), metrics.json (the
result's metrics and the method's own numbers) and plots/ (every figure kind registered for
the result, and the loss curve). What ``--resume`` continues from is read by
`pinnsolve.train.resume`; ``--ensemble K`` is handed to `pinnsolve.ensemble_run`.

Library code leaves process-wide state alone: the seed makes an explicit numpy Generator for
the method, and torch's random state is forked around the run (the caller's is restored
after it); the thread count is the CLI's to set (`pinnsolve.cli`), and is only recorded here.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch

from pinnsolve.catalog import get_method
from pinnsolve.dsl.problem import Problem
from pinnsolve.ensemble_run import solve_ensemble
from pinnsolve.errors import (
    EXIT_BAD_INPUT,
    PinnsolveError,
    RunInterrupted,
    SettingsError,
    TrainingDiverged,
)
from pinnsolve.evaluate import output_bytes
from pinnsolve.io.collocation import COLLOCATION_FILE
from pinnsolve.io.rundir import RunDirectory, write_errors
from pinnsolve.methods import Context, settings_dict
from pinnsolve.methods.contract import check_kind
from pinnsolve.methods.options import make_settings
from pinnsolve.results.base import Result, plots_for
from pinnsolve.train.checkpoint import checkpoint_interval
from pinnsolve.train.resume import resume_state

__all__ = [
    "DTYPES",
    "RunInterrupted",
    "RunOptions",
    "RunResult",
    "Terminated",
    "checkpoint_interval",
    "default_threads",
    "run_method",
    "solve",
    "terminate_saves",
]

DTYPES = {"float32": torch.float32, "float64": torch.float64}


@dataclass
class RunOptions:
    """Everything that decides a run besides the problem (recorded in config.json).

    ``settings`` is the method's settings dataclass, or a mapping of its keys (checked against
    the method: a key it does not take is an error); None takes its defaults. ``threads`` is
    recorded only: the caller (the CLI) sets torch's thread count.
    """

    method: str = "pinn"
    settings: Any = None
    seed: int = 0
    dtype: str = "float64"
    device: str = "cpu"
    threads: int | None = None
    grid: dict[str, int] | None = None
    ensemble: int = 1

    def as_dict(self) -> dict[str, Any]:
        settings = settings_dict(self.settings) if not isinstance(self.settings, Mapping) else dict(self.settings)
        return {
            "method": self.method,
            "settings": settings,
            "seed": self.seed,
            "dtype": self.dtype,
            "device": self.device,
            "threads": self.threads,
            "grid": self.grid,
            "ensemble": self.ensemble,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RunOptions:
        """The options recorded in a config.json (for --resume)."""
        return cls(**{f.name: d[f.name] for f in fields(cls) if f.name in d})


@dataclass
class RunResult:
    """What a run wrote: its directory, result, metrics, history rows and trained model (if any)."""

    run_dir: Path
    result: Result
    metrics: dict[str, Any]
    history: list[Mapping[str, Any]] = field(default_factory=list)
    model: Any = None

    @property
    def solution(self) -> Any:
        """The result (a `Solution` for the field solvers)."""
        return self.result

    def plot_kinds(self) -> list[str]:
        """The figure kinds that can be drawn for this run's result."""
        return self.result.plot_kinds()

    def plot(self, kind: str, out_dir: str | Path | None = None) -> list[Path]:
        """Draw one figure kind (into the run's plots/ unless ``out_dir``); returns the files written."""
        return self.result.plot(kind, out_dir or self.run_dir / RunDirectory.PLOTS)


def default_threads() -> int:
    """The threads a run takes when --threads is not given: the cores other processes leave idle (`io.cores`)."""
    from pinnsolve.io.cores import default_threads as chosen

    return chosen()[0]


def _device(name: str) -> torch.device:
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise SettingsError(
            f"--device {name} was asked for, but torch sees no CUDA GPU on this machine. "
            "Use --device cpu (the default)."
        )
    try:
        return torch.device(name)
    except RuntimeError as exc:
        raise SettingsError(f"--device {name} is not a device torch knows ({exc}). Use cpu or cuda.") from None


@contextlib.contextmanager
def seeded(seed: int, device: torch.device) -> Iterator[None]:
    """torch's random state seeded for the run and restored after it (the caller's state is left alone).

    Network initialisers draw from torch's default generator; forking it keeps a run
    reproducible from its seed without changing the process's random stream.
    """
    devices = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


class Terminated(KeyboardInterrupt):
    """SIGTERM (``timeout``, SLURM, Kubernetes, systemd): handled like Ctrl-C, the checkpoint saved."""


@contextlib.contextmanager
def terminate_saves() -> Iterator[None]:
    """SIGTERM raises `Terminated` (a KeyboardInterrupt) while the run trains; the old handler is restored after.

    Only in the main thread (where Python delivers signals); elsewhere the run is left as it is.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _config(problem: Problem, options: RunOptions, settings: Any, choices: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "problem": {
            "name": problem.name,
            "file": problem.file and str(Path(problem.file).resolve()),
            "parameters": problem.parameter_values,
        },
        **options.as_dict(),
        "settings": settings_dict(settings),
        "choices": dict(choices),
    }


def solve(
    problem: Problem,
    options: RunOptions | None = None,
    out: str | Path | None = None,
    *,
    plain: bool | None = None,
    resume_dir: str | Path | None = None,
    stream: Any = None,
    overwrite: bool = False,
    callbacks: Sequence[Any] = (),
    checkpoint_every: str | None = None,
    plots: bool = True,
    distributed: bool = True,
) -> RunResult:
    """Run ``options.method`` on ``problem`` and write a run directory; returns what was written.

    ``out`` is the run directory (refused if it holds files, unless ``overwrite``; default
    ``runs/<problem>-<method>-<time>``); with ``resume_dir``, continue the run saved there.
    ``callbacks`` are trainer callbacks (``on_start``, ``on_step``, ``on_end``) for neural methods;
    ``checkpoint_every`` the checkpoint interval (`checkpoint_interval`). SIGTERM saves like Ctrl-C.
    ``plots=False`` leaves plots/ out (tuning trials: ``pinnsolve plot RUN_DIR`` draws them later).
    Errors are `PinnsolveError`s (`MethodNotApplicable`, `SettingsError`, `TrainingDiverged`
    after the last good state's files are written, `RunInterrupted` after the checkpoint is).
    ``options.ensemble`` K > 1 trains K members (`pinnsolve.ensemble`); ``distributed=False`` keeps
    a run out of torchrun's process group (an ensemble's members each train alone).
    """
    options = options or RunOptions()
    method = get_method(options.method)
    settings = make_settings(method.name, options.settings)
    _check_options(options)
    from pinnsolve.train import distributed as processes

    group = processes.join(options.device) if distributed else None  # None unless launched by torchrun
    dtype, device = DTYPES[options.dtype], _device(group.device(options.device) if group else options.device)
    check_kind(method, problem)
    method.check(problem, settings)
    interval = checkpoint_interval(checkpoint_every)
    started = time.perf_counter()
    if options.ensemble > 1:
        path, mean, metrics = solve_ensemble(
            problem,
            method,
            options,
            _config(problem, options, settings, {}),
            group=group,
            out=out,
            resume_dir=resume_dir,
            overwrite=overwrite,
            stream=stream,
            checkpoint_every=checkpoint_every,
            solve_member=solve,
            interruptible=terminate_saves,
        )
        return RunResult(path, mean, metrics)
    if group is not None and not group.writer:
        return _run_unwritten(problem, method, settings, options, group, resume_dir, callbacks, dtype, device)
    needed = output_bytes(problem, options.grid)
    run, created, resume = _open_run(problem, method, out, resume_dir, overwrite, needed)
    context = _context(options, dtype, device, run, plain, stream, resume)
    context.extra.update({"callbacks": list(callbacks), "group": group, "checkpoint_every": interval})
    problem_file = problem.file
    expected = getattr(getattr(method, "result_type", None), "kind", "solution")
    run.write_config(_config(problem, options, settings, {}), result_kind=expected, problem_file=problem_file)
    try:
        with seeded(options.seed, device), terminate_saves(), write_errors(run):
            outcome = method.run(problem, settings, context)
    except PinnsolveError as error:
        if error.exit_code == EXIT_BAD_INPUT and created:
            run.remove_if_only_config()  # bad input, nothing written but the config: leave no empty run behind
        raise
    with write_errors(run):
        run.write_config(
            _config(problem, options, settings, outcome.choices),
            result_kind=outcome.result.kind,
            problem_file=problem_file,
        )
        return _finish(run, outcome, f"{problem.name} — {method.name}", method.name, started, plots)


run_method = solve


def _context(
    options: RunOptions,
    dtype: torch.dtype,
    device: torch.device,
    run: RunDirectory | None,
    plain: bool | None,
    stream: Any,
    resume: dict[str, Any] | None,
) -> Context:
    """What the method gets besides the problem: precision, device, a generator seeded from the run's seed."""
    return Context(
        dtype=dtype,
        device=device,
        rng=np.random.default_rng(options.seed),
        seed=options.seed,
        grid=options.grid,
        run=run,
        plain=plain,
        stream=stream,
        resume=resume,
        threads=options.threads or torch.get_num_threads(),
    )


def _check_options(options: RunOptions) -> None:
    """The run-level values no method checks: the seed and the floating-point type."""
    if isinstance(options.seed, bool) or not isinstance(options.seed, int) or not 0 <= options.seed < 2**63:
        raise SettingsError(f"--seed {options.seed} is out of range: give a whole number ≥ 0 (e.g. --seed 0).")
    if options.dtype not in DTYPES:
        raise SettingsError(f"--dtype {options.dtype} is not supported; use float32 or float64.")
    if isinstance(options.ensemble, bool) or not isinstance(options.ensemble, int) or options.ensemble < 1:
        raise SettingsError(
            f"--ensemble {options.ensemble}: give the number of members, a whole number ≥ 2 (1: a single run)."
        )


def _open_run(
    problem: Problem,
    method: Any,
    out: str | Path | None,
    resume_dir: str | Path | None,
    overwrite: bool,
    needed: int,
) -> tuple[RunDirectory, bool, dict[str, Any] | None]:
    """The run directory (resumed, or created fresh), whether it was created, and the saved state to resume
    (``{}`` for a method that keeps its own checkpoints in the run directory); refused before any work when
    its file system has less than ``needed`` bytes free."""
    if resume_dir is not None:
        run = RunDirectory.open(resume_dir)
        run.check_writable(needed)
        return run, False, ({} if getattr(method, "own_checkpoints", False) else resume_state(run))
    return RunDirectory.create(out, problem.name, method.name, overwrite=overwrite, needed=needed), True, None


def _finish(run: RunDirectory, outcome: Any, title: str, method: str, started: float, plots: bool = True) -> RunResult:
    """Write a finished run's files, then raise the error it ended with, if any (its files are kept)."""
    metrics = {**outcome.result.metrics(), "wall_time_s": time.perf_counter() - started, **outcome.metrics}
    metrics.setdefault("method", method)
    write_outcome(run, outcome, metrics, f"{title}: training", plots)
    if isinstance(outcome.error, TrainingDiverged):
        raise TrainingDiverged(f"{outcome.error} Results of the last good model are in {run.path}.")
    if outcome.error is not None:
        raise outcome.error
    return RunResult(run.path, outcome.result, metrics, list(outcome.history), outcome.model)


def _run_unwritten(
    problem: Problem,
    method: Any,
    settings: Any,
    options: RunOptions,
    group: Any,
    resume_dir: str | Path | None,
    callbacks: Sequence[Any],
    dtype: torch.dtype,
    device: torch.device,
) -> RunResult:
    """A torchrun process other than rank 0: trains its shard in step with the others, writes nothing."""
    import io

    resume = resume_state(RunDirectory.open(resume_dir)) if resume_dir is not None else None
    context = Context(
        dtype=dtype,
        device=device,
        rng=np.random.default_rng(options.seed),
        seed=options.seed,
        grid=options.grid,
        run=None,
        plain=True,
        stream=io.StringIO(),
        resume=resume,
        threads=options.threads or torch.get_num_threads(),
        extra={"callbacks": list(callbacks), "group": group},
    )
    with seeded(options.seed, device):
        outcome = method.run(problem, settings, context)
    return RunResult(
        Path(resume_dir or "."), outcome.result, dict(outcome.metrics), list(outcome.history), outcome.model
    )


def write_outcome(run: RunDirectory, outcome: Any, metrics: Mapping[str, Any], title: str, plots: bool = True) -> None:
    """model.pt, history.csv, the result's files, metrics.json and (with ``plots``) plots/ of a finished run."""
    from pinnsolve.io.atomic import atomic_write

    if outcome.model is not None:
        with atomic_write(run.file(run.MODEL)) as tmp:
            torch.save(outcome.model.state_dict(), tmp)
    if outcome.history:
        run.write_history(outcome.history)
    outcome.result.save(run.path)
    run.write_metrics(dict(metrics))
    if not plots:
        return
    outcome.result.plot_all(run.plots)
    if outcome.history and "losses" not in outcome.result.plot_kinds():  # a result may draw its own curves
        for draw in plots_for("history").values():
            draw({"history": run.read_history(), "title": title}, run.plots)
    points = run.path / COLLOCATION_FILE
    if points.is_file():  # where a trained method evaluated its loss, points added while training marked
        time_coord = getattr(outcome.result, "time_coord", None)
        record = {"path": points, "title": title.rsplit(":", 1)[0], "time_coord": time_coord}
        for draw in plots_for("collocation").values():
            draw(record, run.plots)
