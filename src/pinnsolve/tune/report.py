"""What a study leaves behind: the trials table, the best settings as a command, metrics.json."""

from __future__ import annotations

import csv
import io
import math
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pinnsolve.io import write_json, write_text
from pinnsolve.tune.space import Dimension, as_flags


def rows(study: Any) -> list[dict[str, Any]]:
    """One row per trial: number, state, value, each parameter, time, steps, run directory."""
    names = sorted({p for t in study.get_trials(deepcopy=False) for p in t.params})
    out = []
    for t in study.get_trials(deepcopy=False):
        seconds = (t.datetime_complete - t.datetime_start).total_seconds() if t.datetime_complete else None
        out.append(
            {
                "trial": t.number,
                "state": t.state.name.lower(),
                "value": t.value,
                **{n: t.params.get(n) for n in names},
                "steps": t.user_attrs.get("steps"),
                "seconds": seconds,
                "run_dir": t.user_attrs.get("run_dir", ""),
            }
        )
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}" if math.isfinite(value) else str(value)
    return str(value)


def tables(records: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    """The trials as CSV and as a Markdown table (best first in the Markdown)."""
    if not records:
        return "trial\n", "(no trials)\n"
    header = list(records[0])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header)
    writer.writeheader()
    writer.writerows(records)
    ranked = sorted(records, key=lambda r: (r["value"] is None, r["value"] if r["value"] is not None else 0))
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(r[h]) for h in header) + " |" for r in ranked]
    return buffer.getvalue(), "\n".join(lines) + "\n"


def best_settings(trial: Any, dims: Sequence[Dimension]) -> dict[str, Any]:
    """The searched values of the best trial and the fixed values of the space, in --space order."""
    return {d.name: trial.params[d.name] if d.kind != "fixed" else d.value for d in dims}


def solve_command(
    problem_file: str, method: str, seed: int, settings: Mapping[str, Any], sets: Mapping[str, Any], out: str
) -> str:
    """The ``pinnsolve solve`` command line that reruns a trial."""
    words = ["pinnsolve", "solve", problem_file, "--method", method, "--seed", str(seed), *as_flags(settings)]
    for name, value in sets.items():
        words += ["--set", f"{name}={value}"]
    return shlex.join([*words, "--threads", "1", "--out", out])


def write_summary(out: Path, study: Any, dims: Sequence[Dimension], context: Mapping[str, Any]) -> dict[str, Any]:
    """trials.csv, trials.md, best_config.json, best_command.sh and metrics.json; returns the metrics."""
    records = rows(study)
    csv_text, md_text = tables(records)
    write_text(out / "trials.csv", csv_text)
    write_text(out / "trials.md", f"# {context['study']}: {context['objective_source']}\n\n" + md_text)
    states = [r["state"] for r in records]
    metrics: dict[str, Any] = {
        "best_value": None,
        "best_params": None,
        "n_trials": len(records),
        "n_complete": states.count("complete"),
        "n_pruned": states.count("pruned"),
        "n_failed": states.count("fail"),
        **context,
    }
    complete = [t for t in study.get_trials(deepcopy=False) if t.state.name == "COMPLETE"]
    if complete:
        best = study.best_trial
        settings = best_settings(best, dims)
        command = solve_command(
            context["problem_file"],
            context["method"],
            context["seed"],
            settings,
            context.get("sets", {}),
            str(out / "best-rerun"),
        )
        metrics.update(
            best_value=best.value,
            best_params=dict(best.params),
            best_trial=best.number,
            best_run_dir=best.user_attrs.get("run_dir"),
            best_command=command,
        )
        write_json(
            out / "best_config.json",
            {
                "problem": context["problem_file"],
                "method": context["method"],
                "seed": context["seed"],
                "settings": settings,
                "sets": dict(context.get("sets", {})),
                "value": best.value,
                "objective": context["objective_source"],
                "command": command,
            },
        )
        write_text(out / "best_command.sh", "#!/bin/sh\n# the best trial of the study, as a run\n" + command + "\n")
    write_json(out / "metrics.json", metrics)
    return metrics


def importances(study: Any) -> dict[str, float]:
    """fANOVA parameter importances (Hutter et al. 2014); empty below three complete trials."""
    import optuna

    if sum(t.state.name == "COMPLETE" for t in study.get_trials(deepcopy=False)) < 3:
        return {}
    try:
        return dict(optuna.importance.get_param_importances(study))
    except (RuntimeError, ValueError):
        return {}
