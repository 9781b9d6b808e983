"""Validation of a Schrödinger problem of one particle on a line: VMC and the PINN eigen-solver against
the finite-difference spectrum.

``pinnsolve validate problems/quantum/anharmonic1d.py`` runs ``vmc`` (the ground level) and
``pinn-eigen`` (the k lowest levels) through the runner, writes the finite-difference spectrum
(`pinnsolve.quantum.reference`) as the ``fd`` run, and measures each level's relative error
|E − E_FD| / |E_FD|. The largest of a method's relative errors is what its threshold judges (the
``level_relative_error`` of its metrics); ``fd`` itself is measured against the exact ground level
when the problem states one. The report's table has one row per level: exact, FD, PINN, VMC, the
relative errors and the verdict against the thresholds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from pinnsolve.errors import PinnsolveError
from pinnsolve.io import RunDirectory, write_json
from pinnsolve.validate.environment import environment
from pinnsolve.validate.outcome import MethodOutcome, ValidationResult, plot_order
from pinnsolve.validate.settings import FD, merged

__all__ = ["DEFAULT_THRESHOLDS", "QUICK_SPECTRUM", "SPECTRUM_METHODS", "spectrum_rows", "validate_spectrum"]

#: what ``pinnsolve validate`` runs on a Schrödinger problem when no --methods are given
SPECTRUM_METHODS = ("vmc", "pinn-eigen", FD)

#: the largest acceptable relative level error when none is given (a single validation)
DEFAULT_THRESHOLDS = {"pinn-eigen": 1e-3, "vmc": 1e-2, FD: 1e-4}

#: --quick budgets of the spectrum methods (seconds each), under anything the user gives
QUICK_SPECTRUM: dict[str, dict[str, Any]] = {
    "vmc": {"iterations": 40, "samples": 2000, "chains": 100, "eval_samples": 40_000, "burn_in": 200},
    "pinn-eigen": {"points": 200, "width": 16, "warmup_steps": 400, "steps": 300, "lbfgs_steps": 200},
}


def _fd_outcome(problem: Any, flat: Mapping[str, Any], states: int, run_dir: Path) -> MethodOutcome:
    """The finite-difference spectrum, written into ``run_dir/fd`` and measured against the exact ground level."""
    from pinnsolve.quantum.reference import DEFAULT_POINTS, write_reference_spectrum

    points = int((flat.get("fd_grid") or {}).get("x", DEFAULT_POINTS))
    try:
        sub = write_reference_spectrum(problem, run_dir / FD, states=states, points=points)
    except PinnsolveError as exc:
        return MethodOutcome(FD, "skipped", str(exc))
    metrics = json.loads((sub / "metrics.json").read_text(encoding="utf-8"))
    if metrics.get("energy_relative_error") is not None:
        metrics["level_relative_error"] = metrics["energy_relative_error"]
        metrics["level_relative_errors"] = [metrics["energy_relative_error"]]
    config = json.loads((sub / "config.json").read_text(encoding="utf-8"))
    return MethodOutcome(
        FD,
        "ok",
        metrics=metrics,
        compared_with="exact ground level"
        if metrics.get("exact_energy") is not None
        else "itself (it is the reference)",
        size=f"{points:,} grid points",
        settings={k: config[k] for k in ("settings", "choices") if k in config},
        run_dir=sub,
        plots=plot_order(list((sub / "plots").glob("*.png"))),
    )


def _measure(outcome: MethodOutcome, reference: Sequence[float]) -> None:
    """Each level of ``outcome`` against the finite-difference levels: relative errors into its metrics."""
    levels = outcome.metrics.get("levels") or [outcome.metrics.get("energy")]
    pairs = [(float(e), float(r)) for e, r in zip(levels, reference) if e is not None]
    errors = [abs(e - r) / abs(r) if r else abs(e) for e, r in pairs]
    if not errors:
        return
    outcome.metrics.update(
        level_relative_errors=errors, level_relative_error=max(errors), reference_levels=list(reference)
    )
    which = "E0" if len(errors) == 1 else f"the largest of E0–E{len(errors) - 1}"
    outcome.compared_with = f"finite-difference spectrum (relative error of {which})"
    if outcome.run_dir is not None:
        RunDirectory(outcome.run_dir).write_metrics({**outcome.metrics, "compared_with": outcome.compared_with})


def validate_spectrum(
    problem: Any,
    names: Sequence[str],
    run_dir: Path,
    quick: bool,
    settings: Mapping[str, Any] | None,
    stream: TextIO | None,
    say: Callable[[str], None],
    thresholds: Mapping[str, float] | None,
) -> ValidationResult:
    """Run ``names`` on a 1-D one-particle Schrödinger problem, the FD spectrum as reference; write the reports."""
    from pinnsolve.validate.method import run_method

    outcomes: dict[str, MethodOutcome] = {}
    for method in (m for m in names if m != FD):
        flat = {**(QUICK_SPECTRUM.get(method, {}) if quick else {}), **merged(settings, method, quick)}
        say(f"{problem.name}: {method} ...")
        outcomes[method] = run_method(problem, method, flat, run_dir, stream)
        say(f"{problem.name}: {method} {_said(outcomes[method])}")
    states = max([2, *(len(o.metrics.get("levels") or []) for o in outcomes.values() if o.ok)])
    fd = _fd_outcome(problem, merged(settings, FD, quick), states, run_dir)
    if fd.ok:
        for o in outcomes.values():
            if o.ok:
                _measure(o, fd.metrics["levels"])
    outcomes = {FD: fd, **outcomes} if FD in names else outcomes
    env = environment(device="cpu", dtype="float64")
    figures = _figures(outcomes, fd, run_dir)
    result = ValidationResult(problem.name, run_dir, outcomes, "finite-difference spectrum", env, figures)
    write_json(run_dir / "validation.json", result.as_dict())
    from pinnsolve.validate.spectrum_report import write_spectrum_reports

    result.report_html, result.report_md = write_spectrum_reports(
        problem, result, fd, dict(thresholds) if thresholds is not None else None
    )
    return result


def _said(o: MethodOutcome) -> str:
    if o.status != "ok":
        return f"{o.status}: {o.reason}"
    levels = ", ".join(f"{e:.6f}" for e in o.metrics.get("levels") or [o.metrics["energy"]])
    return f"levels {levels}, {o.metrics.get('wall_time_s', 0.0):.1f} s"


def spectrum_rows(
    result: ValidationResult, fd: MethodOutcome, thresholds: Mapping[str, float]
) -> tuple[list[str], list[list[str]]]:
    """The report's table: one row per level, exact, FD, PINN, VMC, their relative errors and the verdict."""
    from pinnsolve.validate.tables import fmt_error

    reference = list(fd.metrics.get("levels") or []) if fd.ok else []
    exact = fd.metrics.get("exact_energy") if fd.ok else None
    order = {"pinn-eigen": 0, "vmc": 1}
    methods = sorted((m for m in result.outcomes if m != FD and result.outcomes[m].ok), key=lambda m: order.get(m, 2))
    header = ["state", "exact", "FD"]
    for m in methods:
        header += [_label(m), f"{_label(m)} relative error"]
    header.append("verdict")
    rows = []
    for n, level in enumerate(reference):
        row = [f"E{n}", f"{exact:.8f}" if n == 0 and exact is not None else "—", f"{level:.8f}"]
        verdicts = []
        fd_error = fd.metrics.get("level_relative_error") if n == 0 else None
        if fd_error is not None and FD in thresholds:
            verdicts.append(fd_error <= thresholds[FD])
        for m in methods:
            errors = result.outcomes[m].metrics.get("level_relative_errors") or []
            values = result.outcomes[m].metrics.get("levels") or [result.outcomes[m].metrics.get("energy")]
            row += [f"{values[n]:.8f}", fmt_error(errors[n])] if n < len(errors) else ["—", "—"]
            if n < len(errors) and m in thresholds:
                verdicts.append(errors[n] <= thresholds[m])
        if not any(n < len(result.outcomes[m].metrics.get("level_relative_errors") or []) for m in methods):
            continue
        row.append("—" if not verdicts else ("pass" if all(verdicts) else "FAIL"))
        rows.append(row)
    return header, rows


def _label(method: str) -> str:
    return {"pinn-eigen": "PINN", "vmc": "VMC"}.get(method, method)


def _figures(outcomes: Mapping[str, MethodOutcome], fd: MethodOutcome, run_dir: Path) -> list[Path]:
    """The PINN's wave functions over the FD ones, and every method's relative error per level."""
    from pinnsolve.validate.figures_spectrum import plot_spectrum_comparison

    if not fd.ok or fd.run_dir is None:
        return []
    path = plot_spectrum_comparison(outcomes, fd, run_dir / "figures" / "comparison.png")
    return [path] if path else []
