"""The one place where tuning meets pinnsolve's run function.

Everything else in `pinnsolve.tune` speaks in settings (``{"width": 64, "lr": 3e-3, ...}``,
named like ``pinnsolve solve``'s flags) and run directories; this module turns a trial's settings
into a run and back. When the runner changes, only this file changes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from pinnsolve.dsl.problem import Problem


@dataclass
class TrialRun:
    """What a finished trial left: its run directory, metrics, solution and trained model."""

    run_dir: Path
    metrics: dict[str, Any]
    solution: Any
    model: torch.nn.Module


class Interrupted(Exception):
    """Ctrl-C inside a trial's run (its checkpoint is saved in the run directory)."""


def run_trial(
    problem: Problem,
    values: Mapping[str, Any],
    out: Path,
    *,
    method: str = "pinn",
    seed: int = 0,
    threads: int = 1,
    callbacks: Sequence[Any] = (),
    resume: bool = False,
) -> TrialRun:
    """Train ``method`` on ``problem`` with the settings ``values`` and write the run directory ``out``.

    ``values`` are the method's settings keys (``width``, ``lr``, ``steps``, ...) and ``weight.<term>``
    for loss weights; ``callbacks`` are trainer callbacks (``on_start``, ``on_step``, ``on_end``); with
    ``resume`` the run saved in ``out`` continues from its checkpoint. Progress lines go to ``out``.log.
    The trial's figures are not drawn (they cost more than a short trial's training; the study draws
    the best trial's solution, and ``pinnsolve plot RUN_DIR`` any trial's figures).
    """
    from pinnsolve.errors import RunInterrupted
    from pinnsolve.run import RunOptions, solve

    settings = {k: v for k, v in values.items() if k != "seed" and not k.startswith("weight.")}
    weights = {k[len("weight.") :]: float(v) for k, v in values.items() if k.startswith("weight.")}
    if weights:
        settings["weights"] = weights
    options = RunOptions(method=method, settings=settings, seed=int(values.get("seed", seed)), threads=threads)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.with_suffix(".log"), "a") as log:
        try:
            result = solve(
                problem,
                options,
                out=None if resume else out,
                plain=True,
                stream=log,
                resume_dir=out if resume else None,
                callbacks=callbacks,
                overwrite=True,
                plots=False,
            )
        except RunInterrupted as exc:
            raise Interrupted(str(exc)) from None
    return TrialRun(result.run_dir, dict(result.metrics), result.result, result.model)


def held_out_residual(problem: Problem, run: TrialRun, method: str, seed: int) -> float:
    """Mean squared equation residual of the trained model at fresh collocation points.

    The points are drawn with another seed than training used, so this measures how well
    the network satisfies the equations away from the points it was fitted at.
    """
    from pinnsolve.methods.neural import build_setup

    config = json.loads((run.run_dir / "config.json").read_text())
    first = next(run.model.parameters())
    setup = build_setup(
        method,
        problem,
        config.get("settings") or {},
        rng=np.random.default_rng(seed + 7919),
        dtype=first.dtype,
        device=first.device,
    )
    residuals = setup.objective.residuals(run.model)
    pde = [r for t, r in zip(setup.objective.terms, residuals.values()) if t.kind == "pde"]
    return float(sum(r.detach().square().mean() for r in pde) / max(len(pde), 1))


def cpu_count() -> int:
    """The cores this process may use (respecting container limits)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)
