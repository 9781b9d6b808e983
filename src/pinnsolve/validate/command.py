"""``pinnsolve validate``: one problem with several methods, or a whole suite.

pinnsolve validate problems/heat1d.py [--methods pinn,trial,fd] [--steps N] [--out DIR]
pinnsolve validate --suite validation/suite.toml [--quick]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pinnsolve.dsl.assignments import add_common_arguments, parse_sets
from pinnsolve.errors import SettingsError

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The validate command's arguments."""
    parser.add_argument("problem", nargs="?", help="the problem file (or give --suite)")
    parser.add_argument(
        "--methods",
        default=None,
        help="comma-separated methods to compare (default pinn,trial,fd; fd is the finite-difference reference; "
        "for a Schrödinger problem vmc,pinn-eigen,fd, fd being its finite-difference spectrum)",
    )
    parser.add_argument("--suite", metavar="FILE", help="run every case of a suite file, e.g. validation/suite.toml")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small budgets (seconds per method); with --suite, only the cases marked quick",
    )
    add_common_arguments(parser, "run directory (default runs/<problem>-validate-<time>)")
    parser.add_argument("--steps", type=int, help="Adam steps of the neural methods")
    parser.add_argument("--lbfgs-steps", type=int, help="L-BFGS iterations after Adam")
    parser.add_argument(
        "--cases",
        metavar="NAMES",
        help="with --suite: run only these cases (comma-separated names, e.g. heat1d,burgers1d)",
    )
    parser.add_argument(
        "--report",
        metavar="FILE",
        help="with --suite: where to write the Markdown report (default: REPORT.md beside the "
        "suite file; with --quick, in the run directory)",
    )


def _settings(args: argparse.Namespace) -> dict[str, object]:
    settings: dict[str, object] = {}
    if getattr(args, "seed", None) is not None:
        settings["seed"] = args.seed
    if getattr(args, "threads", None) is not None:
        settings["threads"] = args.threads
    for name in ("steps", "lbfgs_steps"):
        value = getattr(args, name, None)
        if value is not None:
            if value < 0:
                raise SettingsError(f"--{name.replace('_', '-')} {value} is out of range; give a number ≥ 0.")
            settings[name] = value
    return settings


def run(args: argparse.Namespace) -> int:
    """Run the validation the arguments ask for; the exit status (1 when a suite threshold is missed)."""
    if bool(args.problem) == bool(args.suite):
        raise SettingsError(
            "pinnsolve validate needs either a problem file or --suite FILE, not "
            + ("both" if args.problem else "neither")
            + ". E.g. pinnsolve validate problems/heat1d.py, or pinnsolve validate --suite "
            "validation/suite.toml."
        )
    if args.suite:
        if args.set or args.steps is not None or args.lbfgs_steps is not None or args.seed is not None:
            raise SettingsError(
                "--set, --seed, --steps and --lbfgs-steps apply to one problem; a suite sets its "
                "budgets and parameters in the suite file."
            )
        from pinnsolve.validate.suite import validate_suite

        only = [name.strip() for name in (args.cases or "").split(",") if name.strip()] or None
        return validate_suite(
            args.suite, quick=args.quick, out=args.out, report=args.report, only=only, overwrite=args.overwrite
        )
    if args.cases:
        raise SettingsError("--cases picks cases of a suite: give --suite FILE with it.")
    if args.report:
        raise SettingsError("--report is for --suite; a single validation writes report.md into its run directory.")
    from pinnsolve.dsl import load_problem
    from pinnsolve.validate.runner import parse_methods, validate_problem

    overrides = parse_sets(args.set)
    methods = parse_methods(args.methods) if args.methods else None
    problem = load_problem(args.problem, overrides)
    result = validate_problem(
        problem,
        methods,
        out=Path(args.out) if args.out else None,
        quick=args.quick,
        settings=_settings(args),
        overwrite=args.overwrite,
    )
    print(f"\nReport: {result.report_html} (self-contained; open it in a browser), {result.report_md}")
    return 0
