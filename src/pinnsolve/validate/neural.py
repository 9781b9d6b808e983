"""Running a neural method (pinn, trial, ...) for validation: its own run directory, its outcome."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from pinnsolve.errors import PinnsolveError
from pinnsolve.dsl.problem import Problem
from pinnsolve.validate.outcome import MethodOutcome, plot_order
from pinnsolve.validate.settings import run_options

__all__ = ["run_neural"]

#: the parts of config.json that describe how a method was set up (shown in the report)
_SHOWN = ("settings", "train", "choices", "seed", "dtype", "threads", "grid")


def _settings(run_dir: Path, fallback: Mapping[str, Any]) -> dict[str, Any]:
    path = run_dir / "config.json"
    if not path.is_file():
        return dict(fallback)
    config = json.loads(path.read_text())
    return {k: config[k] for k in _SHOWN if k in config}


def run_neural(problem: Problem, method: str, flat: Mapping[str, Any], out: Path,
               stream: TextIO | None = None) -> MethodOutcome:
    """Train ``method`` into ``out/<method>`` and report what happened.

    A method that does not apply (pinnsolve says so before training starts, and writes
    nothing) is *skipped* with its stated reason; one that starts and breaks down (training
    diverged) has *failed*, with the last good model's metrics kept.
    """
    options = run_options(flat, method)
    sub = out / method
    try:
        from pinnsolve.run import solve

        result = solve(problem, options, out=sub, plain=True, stream=stream or io.StringIO())
    except PinnsolveError as exc:
        metrics_file = sub / "metrics.json"
        if metrics_file.is_file():
            return MethodOutcome(method, "failed", str(exc), metrics=json.loads(metrics_file.read_text()),
                                 settings=_settings(sub, options.as_dict()), run_dir=sub,
                                 plots=plot_order(list((sub / "plots").glob("*.png"))))
        return MethodOutcome(method, "skipped", str(exc), settings=options.as_dict())
    n_params = sum(p.numel() for p in result.model.parameters()) if result.model is not None else 0
    metrics = {**result.metrics, "n_parameters": n_params}
    return MethodOutcome(method, "ok", metrics=metrics,
                         compared_with="exact solution" if "l2_relative_error" in metrics else "",
                         size=f"{n_params:,} parameters", settings=_settings(result.run_dir, options.as_dict()),
                         run_dir=result.run_dir, plots=plot_order(list((result.run_dir / "plots").glob("*.png"))),
                         solution=result.solution)
