"""`validate_problem`: run every method on one problem, compare, and write one run directory.

Layout of the run directory::

    report.html          self-contained (images embedded), opens from a file
    report.md            the same table, with the images beside it
    validation.json      every outcome, its settings and metrics, the environment
    pinn/ trial/ fd/     one run directory per method (config.json, metrics.json, plots/, ...);
                         fd/convergence/ holds the grid-refinement study
    figures/             the side-by-side comparison figure
    reference.npz        what was compared with, when the problem has no exact solution
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import PinnsolveError, SettingsError
from pinnsolve.io import RunDirectory, make_run_dir, write_json
from pinnsolve.solution import Solution
from pinnsolve.validate.compare import against_reference
from pinnsolve.validate.environment import environment
from pinnsolve.validate.method import has_checkpoint
from pinnsolve.validate.outcome import MethodOutcome, ValidationResult
from pinnsolve.validate.settings import FD, check_settings, known_methods, merged

__all__ = ["DEFAULT_METHODS", "parse_methods", "validate_problem"]

DEFAULT_METHODS = ("pinn", "trial", FD)


def parse_methods(methods: str | Sequence[str]) -> list[str]:
    """``"pinn,fd"`` or a list → checked, de-duplicated method names (unknown ones listed)."""
    names = [m.strip() for m in (methods.split(",") if isinstance(methods, str) else methods) if m.strip()]
    if not names:
        raise SettingsError(f"no method given; choose from {', '.join(known_methods())}.")
    unknown = [m for m in names if m not in known_methods()]
    if unknown:
        raise SettingsError(f"unknown method '{unknown[0]}'; known methods: {', '.join(known_methods())}.")
    return list(dict.fromkeys(names))


def _log_default(message: str) -> None:
    print(message, flush=True)


def validate_problem(
    problem: Problem,
    methods: str | Sequence[str] | None = None,
    out: str | Path | None = None,
    quick: bool = False,
    settings: Mapping[str, Any] | None = None,
    stream: TextIO | None = None,
    log: Callable[[str], None] | None = _log_default,
    thresholds: Mapping[str, float] | None = None,
    overwrite: bool = False,
    resume: bool = False,
) -> ValidationResult:
    """Run ``methods`` on ``problem``, compare each with the exact solution (or a reference),
    and write report.html, report.md and validation.json into one run directory.

    Parameters
    ----------
    problem: the loaded problem (``load_problem(path, overrides)``).
    methods: names, e.g. ``("pinn", "trial", "fd")`` or ``"pinn,fd"``; None: pinn, trial and fd, or for a
        Schrödinger problem vmc, pinn-eigen and fd (the finite-difference spectrum; `pinnsolve.validate.spectrum`).
    out: the run directory (default ``runs/<problem>-validate-<time>``).
    quick: small budgets (see :data:`pinnsolve.validate.settings.QUICK`) under ``settings``.
    settings: flat settings and per-method tables (see :mod:`pinnsolve.validate.settings`).
    stream: where training progress goes (default: nowhere).
    log: one line per step of the validation (default print; None for silence).
    thresholds: largest acceptable L2 relative error per method, shown as pass/FAIL in the reports.
    overwrite: replace an earlier run in ``out`` (else it is refused).
    resume: continue the stopped validation in ``out``: each trained method from its checkpoint.pt,
        the others run again (`pinnsolve.validate.method.run_method`).
    """
    from pinnsolve.dsl.kinds import problem_kind

    schrodinger = problem_kind(problem) == "schrodinger"
    if methods is None:
        from pinnsolve.validate.spectrum import SPECTRUM_METHODS

        methods = SPECTRUM_METHODS if schrodinger else DEFAULT_METHODS
    names = parse_methods(methods)
    check_settings(settings or {})
    say = log or (lambda _m: None)
    if resume and out is not None and Path(out).is_dir():
        run_dir = Path(out)
    else:
        run_dir = make_run_dir(out, problem.name, "validate", exact=out is not None, overwrite=overwrite)
    if schrodinger:  # VMC and the PINN eigen-solver against the finite-difference spectrum
        from pinnsolve.validate.spectrum import validate_spectrum

        return validate_spectrum(problem, names, run_dir, quick, settings, stream, say, thresholds)
    outcomes: dict[str, MethodOutcome] = {}
    for method in names:
        flat = merged(settings, method, quick)
        say(f"{problem.name}: {method} ...")
        if resume and has_checkpoint(run_dir / method):
            say(f"{problem.name}: {method} continues from its checkpoint in {run_dir / method}")
        outcome = _run(problem, method, flat, run_dir, stream, resume)
        outcomes[method] = outcome
        say(f"{problem.name}: {method} {_summary(outcome)}")
    reference = _compare(problem, outcomes, merged(settings, FD, quick), run_dir, say)
    figures = _figures(outcomes, reference, run_dir)
    env = environment(
        device=str(merged(settings, "pinn", quick).get("device", "cpu")),
        dtype=str(merged(settings, "pinn", quick).get("dtype", "float64")),
    )
    result = ValidationResult(problem.name, run_dir, outcomes, reference, env, figures)
    write_json(run_dir / "validation.json", result.as_dict())
    from pinnsolve.validate.report_html import write_html
    from pinnsolve.validate.report_md import write_markdown

    result.report_html = write_html(problem, result, run_dir / "report.html", thresholds)
    result.report_md = write_markdown(problem, result, run_dir / "report.md", thresholds)
    return result


def _run(
    problem: Problem, method: str, flat: Mapping[str, Any], run_dir: Path, stream: TextIO | None, resume: bool
) -> MethodOutcome:
    """One method's outcome: every method runs through the runner into ``run_dir/<method>``; the
    finite-difference reference adds its convergence study."""
    from pinnsolve.validate.fd import convergence
    from pinnsolve.validate.method import run_method

    outcome = run_method(problem, method, flat, run_dir, stream, resume=resume)
    if method == FD:
        outcome.convergence = convergence(problem, flat, outcome)
    return outcome


def _summary(o: MethodOutcome) -> str:
    if o.status != "ok":
        return f"{o.status}: {o.reason}"
    l2 = f"L2 relative error {o.l2:.2e}, " if o.l2 is not None else ""
    wall = f"{o.wall_time:.1f} s" if o.wall_time is not None else ""
    return f"{l2}{wall}"


def _compare(
    problem: Problem,
    outcomes: dict[str, MethodOutcome],
    fd_flat: Mapping[str, Any],
    run_dir: Path,
    say: Callable[[str], None],
) -> str:
    """Make sure every outcome has errors against something; return what that something is.

    With an exact solution every solver already measured its own errors. Without one, the
    reference is the problem's reference data, else the finite-difference solution (the
    finest level of its convergence study when that ran), and each solution is compared
    with it after interpolation onto its own points.
    """
    if problem.exact:
        return "exact solution"
    from pinnsolve.validate.fd import reference_solution

    try:
        reference, description = reference_solution(problem, outcomes.get(FD), fd_flat)
    except PinnsolveError as exc:
        for o in outcomes.values():
            if o.ok:
                o.compared_with = "nothing"
        say(f"{problem.name}: no exact solution and no reference ({exc}); errors are not measured.")
        return f"nothing: no exact solution, and no reference could be computed ({exc})"
    for o in outcomes.values():
        if not o.ok or o.solution is None:
            continue
        if o.solution is reference:
            o.compared_with = "itself (it is the reference)"
            continue
        try:
            compared = against_reference(o.solution, reference)
        except ValueError as exc:
            o.compared_with = f"nothing ({exc})"
            continue
        o.solution = compared
        o.metrics.update(compared.errors())
        o.compared_with = description
        say(f"{problem.name}: {o.method} against the {description}: L2 relative error {o.l2:.2e}")
        if o.run_dir is not None:
            RunDirectory(o.run_dir).write_metrics({**o.metrics, "compared_with": description})
    reference.save_npz(run_dir / "reference.npz")
    return description


def _figures(outcomes: dict[str, MethodOutcome], reference: str, run_dir: Path) -> list[Path]:
    from pinnsolve.validate.figures import plot_comparison

    solutions: dict[str, Solution] = {
        m: o.solution for m, o in outcomes.items() if o.ok and o.solution is not None and o.solution.exact
    }
    against = "exact solution" if reference == "exact solution" else "reference"
    path = plot_comparison(solutions, against, run_dir / "figures" / "comparison.png") if solutions else None
    return [path] if path else []
