"""Running any method (pinn, trial, fd, ...) for validation, through the runner: its own run directory, its outcome."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import PinnsolveError, RunDirectoryError, RunInterrupted
from pinnsolve.solution import Solution
from pinnsolve.validate.fd import grid_words
from pinnsolve.validate.outcome import MethodOutcome, plot_order
from pinnsolve.validate.settings import run_options

__all__ = ["has_checkpoint", "run_method", "run_neural"]

#: the parts of config.json that describe how a method was set up (shown in the report)
_SHOWN = ("settings", "train", "choices", "seed", "dtype", "threads", "grid")


def _settings(run_dir: Path, fallback: Mapping[str, Any]) -> dict[str, Any]:
    path = run_dir / "config.json"
    if not path.is_file():
        return dict(fallback)
    config = json.loads(path.read_text())
    return {k: config[k] for k in _SHOWN if k in config}


def has_checkpoint(run_dir: Path) -> bool:
    """Whether ``run_dir`` holds a trained run that can be continued (config.json and a checkpoint)."""
    from pinnsolve.io.rundir import CONFIG_FILE
    from pinnsolve.train import previous_checkpoint

    checkpoint = run_dir / "checkpoint.pt"
    saved = checkpoint.is_file() or previous_checkpoint(checkpoint).is_file()
    return saved and (run_dir / CONFIG_FILE).is_file()


def run_method(
    problem: Problem,
    method: str,
    flat: Mapping[str, Any],
    out: Path,
    stream: TextIO | None = None,
    *,
    resume: bool = False,
) -> MethodOutcome:
    """Run ``method`` into ``out/<method>`` (`pinnsolve.run.solve`) and report what happened.

    With ``resume`` (a stopped validation continued) a trained method whose folder holds a
    checkpoint continues from it (a finished one only writes its results again); any other
    method runs again in its folder.

    A method that does not apply (pinnsolve says so before it starts, and writes nothing) is
    *skipped* with its stated reason; one that starts and breaks down (training diverged) has
    *failed*, with the last good state's metrics kept.
    """
    from pinnsolve.run import solve

    sub = out / method
    options = run_options(flat, method)  # a bad setting is an error, not a skipped method
    resume_from = sub if resume and has_checkpoint(sub) else None
    try:
        result = solve(
            problem,
            options,
            out=None if resume_from else sub,
            resume_dir=resume_from,
            overwrite=resume,
            plain=True,
            stream=stream or io.StringIO(),
        )
    except (RunInterrupted, RunDirectoryError):
        raise  # Ctrl-C, SIGTERM or a full disk stop the whole validation, not just this method
    except PinnsolveError as exc:
        metrics_file = sub / "metrics.json"
        if metrics_file.is_file():
            return MethodOutcome(
                method,
                "failed",
                str(exc),
                metrics=json.loads(metrics_file.read_text()),
                settings=_settings(sub, {}),
                run_dir=sub,
                plots=plot_order(list((sub / "plots").glob("*.png"))),
            )
        return MethodOutcome(method, "skipped", str(exc), settings=dict(flat))
    metrics = dict(result.metrics)
    compared = "exact solution" if "l2_relative_error" in metrics else ""
    if result.result.kind == "samples":  # a generative model: graded on its mean against the reference law's
        metrics["l2_relative_error"] = metrics["mean_l2_relative_error"]
        compared = f"mean of the {metrics.get('reference', 'reference law')}"
    if result.model is not None:
        metrics["n_parameters"] = sum(p.numel() for p in result.model.parameters())
        size = f"{metrics['n_parameters']:,} parameters"
    elif metrics.get("ensemble"):
        size = f"ensemble of {metrics['ensemble']} networks"
    elif not hasattr(result.result, "is_grid"):  # a Spectrum: no grid to speak of
        size = ""
    else:
        size = f"{metrics['unknowns']:,} unknowns" if metrics.get("unknowns") else grid_words(result.result)
    return MethodOutcome(
        method,
        "ok",
        metrics=metrics,
        compared_with=compared,
        size=size,
        settings=_settings(result.run_dir, {}),
        run_dir=result.run_dir,
        plots=plot_order(list((result.run_dir / "plots").glob("*.png"))),
        solution=result.result if isinstance(result.result, Solution) else None,
    )


#: the name validation used before every method ran through the runner
run_neural = run_method
