"""The runner's hand-off of ``solve --ensemble K``: the ensemble's run directory around `pinnsolve.ensemble`.

`pinnsolve.run.solve` passes an ensemble here with itself as ``solve_member`` (each member is an
ordinary run into ``RUN/members/member-k``). This module opens the run directory (rank 0 only, under
torchrun), writes its config.json, trains the members under the runner's SIGTERM handling
(``interruptible``) and writes what the members agree on: the mean `Solution` (solution.npz, its
plots), metrics.json (the ensemble's spread and wall time), samples.npz and the band plot.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import RunInterrupted, SettingsError
from pinnsolve.io.rundir import RunDirectory

__all__ = ["solve_ensemble"]


def solve_ensemble(
    problem: Problem,
    method: Any,
    options: Any,
    config: Mapping[str, Any],
    *,
    group: Any,
    out: str | Path | None,
    resume_dir: str | Path | None,
    overwrite: bool,
    stream: Any,
    checkpoint_every: str | None,
    solve_member: Callable[..., Any],
    interruptible: Callable[[], AbstractContextManager[None]],
) -> tuple[Path, Any, dict[str, Any]]:
    """``--ensemble K``: K members of a neural method (`pinnsolve.ensemble.run_ensemble`); rank 0 writes
    the mean Solution, samples.npz, metrics.json and plots into the run directory.

    Returns (run directory, mean Solution, metrics); on the other torchrun ranks, which write nothing,
    (the directory given, None, {}). Ctrl-C or SIGTERM ends in `RunInterrupted`, which says how to resume.
    """
    from pinnsolve.ensemble import run_ensemble
    from pinnsolve.methods.neural import NeuralMethod

    if not isinstance(method, NeuralMethod):
        raise SettingsError(
            f"--ensemble trains several networks of a neural method; --method {method.name} is not one "
            "(use pinn, trial, ffnn, rnn or autoencoder), or leave --ensemble out."
        )
    started = time.perf_counter()
    run = None
    if group is None or group.writer:
        run = (
            RunDirectory.open(resume_dir)
            if resume_dir
            else RunDirectory.create(out, problem.name, method.name, overwrite=overwrite)
        )
        run.write_config(dict(config), result_kind="solution", problem_file=problem.file)
    try:
        with interruptible():
            done = run_ensemble(
                problem,
                options,
                run,
                group,
                solve_member,
                resume=resume_dir is not None,
                stream=stream,
                checkpoint_every=checkpoint_every,
            )
    except (KeyboardInterrupt, RunInterrupted):
        where = run.path if run is not None else "the run directory"
        raise RunInterrupted(
            f"interrupted; finished members are kept and the others' checkpoints saved under {where}/members. "
            f"Continue with: pinnsolve solve --resume {where}"
        ) from None
    if done is None or run is None:
        return Path(resume_dir or out or "."), None, {}
    mean, metrics = done
    metrics["wall_time_s"] = time.perf_counter() - started
    mean.save(run.path)
    run.write_metrics(metrics)
    mean.plot_all(run.plots)
    return run.path, mean, metrics
