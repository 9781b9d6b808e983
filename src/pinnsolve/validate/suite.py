"""Validation suites: problems × methods × error thresholds, from a TOML file.

::

    root = ".."                      # problem paths are relative to this (itself relative to the file)

    [settings]                       # every case, every method (see pinnsolve.validate.settings)
    seed = 0

    [quick.settings]                 # --quick budgets, over [settings]
    steps = 300
    lbfgs_steps = 100

    [[case]]
    problem = "problems/heat1d.py"
    methods = ["pinn", "trial", "fd"]
    thresholds = { pinn = 5e-3, trial = 1e-3, fd = 1e-4 }   # max L2 relative error per method
    settings = { steps = 2000, lbfgs_steps = 500, trial = { steps = 3000 } }
    quick = { methods = ["trial", "fd"], thresholds = { trial = 5e-2, fd = 1e-3 } }

A case with a ``quick`` table (or ``quick = true``) belongs to the ``--quick`` subset, which
runs with ``[settings]``, then ``[quick.settings]``, then the case's ``quick.settings`` (a
case's own ``settings`` are for the full run) and the case's quick thresholds where given.
"""

from __future__ import annotations

import sys
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pinnsolve.dsl.errors import PinnsolveError
from pinnsolve.errors import RunInterrupted
from pinnsolve.validate.settings import check_settings, known_methods

__all__ = ["Case", "Suite", "load_suite", "validate_suite"]

_CASE_KEYS = {"problem", "name", "methods", "thresholds", "settings", "quick", "parameters"}
_QUICK_KEYS = {"methods", "thresholds", "settings"}
_TOP_KEYS = {"root", "settings", "quick", "case"}


@dataclass
class Case:
    """One problem of a suite: the methods to run, their thresholds and settings (full and quick)."""

    name: str
    problem: Path
    methods: list[str]
    thresholds: dict[str, float]
    settings: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    quick: dict[str, Any] | None = None

    def plan(self, suite: Suite, quick: bool) -> tuple[list[str], dict[str, float], dict[str, Any]]:
        """(methods, thresholds, flat settings) of this case in a full or a quick run."""
        if not quick:
            return self.methods, self.thresholds, _deep_merge(suite.settings, self.settings)
        q = self.quick or {}
        methods = list(q.get("methods", self.methods))
        thresholds = {m: t for m, t in {**self.thresholds, **q.get("thresholds", {})}.items() if m in methods}
        from pinnsolve.validate.settings import QUICK

        settings = _deep_merge(
            _deep_merge(_deep_merge(suite.settings, QUICK), suite.quick_settings), q.get("settings", {})
        )
        return methods, thresholds, settings


@dataclass
class Suite:
    path: Path
    root: Path
    cases: list[Case]
    settings: dict[str, Any] = field(default_factory=dict)
    quick_settings: dict[str, Any] = field(default_factory=dict)

    def selected(self, quick: bool) -> list[Case]:
        return [c for c in self.cases if c.quick is not None] if quick else list(self.cases)


def _deep_merge(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for k, v in b.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, Mapping) and isinstance(out.get(k), Mapping) else v
    return out


def _fail(path: Path, where: str, message: str) -> PinnsolveError:
    return PinnsolveError(f"{path}: {where}: {message}")


def _thresholds(value: Any, methods: list[str], path: Path, where: str) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise _fail(path, where, f"thresholds must be a table like {{ pinn = 5e-3, fd = 1e-4 }}, not {value!r}.")
    out = {}
    for method, t in value.items():
        if method not in methods:
            raise _fail(
                path,
                where,
                f"a threshold is given for '{method}', which is not among its methods ({', '.join(methods)}).",
            )
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not t > 0:
            raise _fail(
                path,
                where,
                f"the threshold for '{method}' is {t!r}; give a positive number "
                "(the largest acceptable L2 relative error).",
            )
        out[method] = float(t)
    return out


def _methods(value: Any, path: Path, where: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list) or not value:
        raise _fail(path, where, f'methods must be a non-empty list like ["pinn", "fd"], not {value!r}.')
    for m in value:
        if m not in known_methods():
            raise _fail(path, where, f"unknown method '{m}'; known methods: {', '.join(known_methods())}.")
    return list(dict.fromkeys(value))


def _case(raw: Any, index: int, root: Path, path: Path, names: set[str]) -> Case:
    where = f"case {index}"
    if not isinstance(raw, Mapping):
        raise _fail(path, where, "each [[case]] must be a table.")
    unknown = set(raw) - _CASE_KEYS
    if unknown:
        raise _fail(path, where, f"unknown key '{min(unknown)}'; a case has: {', '.join(sorted(_CASE_KEYS))}.")
    if "problem" not in raw:
        raise _fail(path, where, 'no problem file: add problem = "problems/NAME.py".')
    problem = (root / str(raw["problem"])).resolve()
    where = f"case {index} ({raw['problem']})"
    if not problem.is_file():
        raise _fail(path, where, f"the problem file {problem} does not exist (paths are relative to {root}).")
    name = str(raw.get("name") or problem.stem)
    if name in names:
        raise _fail(path, where, f"two cases are named '{name}'; give one of them name = \"...\".")
    names.add(name)
    methods = _methods(raw.get("methods", ["pinn", "trial", "fd"]), path, where)
    thresholds = _thresholds(raw.get("thresholds", {}), methods, path, where)
    settings = dict(raw.get("settings", {}))
    check_settings(settings, f"{path}: {where}: settings")
    quick = raw.get("quick")
    if quick is True:
        quick = {}
    elif quick is False:
        quick = None
    if quick is not None:
        if not isinstance(quick, Mapping) or set(quick) - _QUICK_KEYS:
            raise _fail(path, where, "quick must be true or a table with methods, thresholds and settings.")
        quick = dict(quick)
        if "methods" in quick:
            quick["methods"] = _methods(quick["methods"], path, where + " quick")
            extra = [m for m in quick["methods"] if m not in methods]
            if extra:
                raise _fail(path, where, f"quick.methods has '{extra[0]}', which is not among the case's methods.")
        quick["thresholds"] = _thresholds(
            quick.get("thresholds", {}), quick.get("methods", methods), path, where + " quick"
        )
        check_settings(quick.get("settings", {}), f"{path}: {where}: quick.settings")
    parameters = dict(raw.get("parameters", {}))
    return Case(name, problem, methods, thresholds, settings, parameters, quick)


def load_suite(path: str | Path) -> Suite:
    """Read and check a suite file; every mistake is reported with the case it is in."""
    path = Path(path)
    if not path.is_file():
        raise PinnsolveError(f"the suite file {path} does not exist.")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PinnsolveError(f"{path} is not valid TOML: {exc}.") from None
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise _fail(path, "top level", f"unknown key '{min(unknown)}'; known: {', '.join(sorted(_TOP_KEYS))}.")
    root = (path.parent / str(raw.get("root", "."))).resolve()
    settings = dict(raw.get("settings", {}))
    check_settings(settings, f"{path}: [settings]")
    quick = raw.get("quick", {})
    if not isinstance(quick, Mapping) or set(quick) - {"settings"}:
        raise _fail(path, "[quick]", "the top-level [quick] table holds only settings = {...}.")
    quick_settings = dict(quick.get("settings", {}))
    check_settings(quick_settings, f"{path}: [quick.settings]")
    cases_raw = raw.get("case", [])
    if not isinstance(cases_raw, list) or not cases_raw:
        raise _fail(path, "top level", "no cases: add [[case]] tables with problem, methods and thresholds.")
    names: set[str] = set()
    cases = [_case(c, i + 1, root, path, names) for i, c in enumerate(cases_raw)]
    return Suite(path, root, cases, settings, quick_settings)


def validate_suite(
    path: str | Path,
    quick: bool = False,
    out: str | Path | None = None,
    report: str | Path | None = None,
    log: Callable[[str], None] | None = print,
    only: list[str] | None = None,
    overwrite: bool = False,
    resume: str | Path | None = None,
) -> int:
    """Run every case (or the quick subset, or the cases named in ``only``), write the suite report,
    print a summary.

    The report goes to ``REPORT.md`` beside the suite file (images under ``report/``) for a
    full run, and into the run directory ``out`` for a quick one or a subset (``only``: the suite's
    report keeps every case, so a few cases never replace it), unless ``report`` names a file.
    With ``resume`` (the run directory of an earlier, stopped run of this suite) the cases it
    finished are not rerun, and a case stopped part-way continues, each trained method from its
    checkpoint (`pinnsolve.validate.resume`). Returns 0 when every threshold is met, 1 when any is
    missed (or a method with a threshold was skipped or failed).
    """
    from pinnsolve.dsl import load_problem
    from pinnsolve.validate.suite_report import print_summary, write_suite_report

    suite = load_suite(path)
    cases = _chosen(suite, quick, only)
    problems = {c.name: load_problem(c.problem, c.parameters) for c in cases}  # every file checked before any run
    state = _state(suite, quick, out, overwrite, resume)
    run_root = state.run_root
    partial = quick or only is not None
    report_path = Path(report) if report else (run_root / "REPORT.md" if partial else suite.path.parent / "REPORT.md")
    rows, results = _run_cases(suite, cases, problems, state, quick, log)
    total = state.total_time([c.name for c in cases])
    write_suite_report(suite, rows, results, report_path, quick=quick, total_s=total, run_root=run_root)
    print_summary(rows, total, report_path, out=sys.stdout if log else None)
    return 0 if all(r.passed for r in rows) else 1


def _chosen(suite: Suite, quick: bool, only: list[str] | None) -> list[Case]:
    """The cases to run: the quick subset or all, narrowed to ``only``; unknown names are an error."""
    cases = suite.selected(quick)
    if only:
        known = [c.name for c in cases]
        unknown = [name for name in only if name not in known]
        if unknown:
            raise PinnsolveError(
                f"{suite.path}: no {'quick ' if quick else ''}case is named '{unknown[0]}'. Cases: {', '.join(known)}."
            )
        cases = [c for c in cases if c.name in only]
    if not cases:
        raise PinnsolveError(
            f"{suite.path}: no case is marked quick; add quick = true (or a quick table) to the "
            "cases that CI should run."
        )
    return cases


def _state(suite: Suite, quick: bool, out: str | Path | None, overwrite: bool, resume: str | Path | None) -> Any:
    """The suite run's record: read back from ``resume``, or started in a fresh run directory."""
    from pinnsolve.io import make_run_dir
    from pinnsolve.validate.resume import SuiteState

    if resume is not None:
        state = SuiteState.open(resume)
        state.check(suite.path, quick)
        return state
    run_root = make_run_dir(out, "suite", "quick" if quick else "validate", exact=out is not None, overwrite=overwrite)
    state = SuiteState(run_root, suite.path, quick)
    state.save()
    return state


def _run_cases(
    suite: Suite,
    cases: list[Case],
    problems: dict[str, Any],
    state: Any,
    quick: bool,
    log: Callable[[str], None] | None,
) -> tuple[list[Any], list[Any]]:
    """Each case's rows and result: read back when an earlier run finished it, else run (or continued)."""
    from pinnsolve.validate.runner import validate_problem
    from pinnsolve.validate.suite_report import SuiteRow

    rows: list[SuiteRow] = []
    results = []
    for case in cases:
        methods, thresholds, settings = case.plan(suite, quick)
        result = state.finished_result(case.name)
        if result is not None and set(result.outcomes) == set(methods):
            if log:
                log(f"{case.name}: finished in the earlier run ({result.run_dir}); not run again")
        else:
            started = time.perf_counter()
            case_dir = state.run_root / case.name
            try:
                result = validate_problem(
                    problems[case.name],
                    methods,
                    out=case_dir,
                    settings=settings,
                    log=log,
                    thresholds=thresholds,
                    resume=case_dir.is_dir(),
                )
            except RunInterrupted as exc:
                raise RunInterrupted(
                    f"the suite was interrupted in case {case.name} ({str(exc).split(' Continue with')[0]}). "
                    "The cases finished so far are kept. Continue with: "
                    f"pinnsolve validate --suite {suite.path}{' --quick' if quick else ''} "
                    f"--resume {state.run_root}"
                ) from None
            state.mark_finished(case.name, time.perf_counter() - started)
        rows.extend(SuiteRow.from_outcome(case.name, result, m, thresholds.get(m)) for m in methods)
        results.append((case, problems[case.name], result))
    return rows, results
