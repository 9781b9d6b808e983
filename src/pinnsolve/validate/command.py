"""``pinnsolve validate``: one problem with several methods, or a whole suite.

pinnsolve validate problems/heat1d.py [--methods pinn,trial,fd] [--steps N] [--out DIR]
pinnsolve validate --suite validation/suite.toml [--quick]
pinnsolve validate --suite validation/suite.toml --resume DIR   # continue a stopped suite run
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pinnsolve.dsl.assignments import add_common_arguments, parse_sets
from pinnsolve.errors import RunInterrupted, SettingsError

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
    parser.add_argument(
        "--resume",
        nargs="?",
        const="",
        metavar="DIR",
        help="continue the stopped validation in DIR (default: --out): finished cases are not rerun, "
        "trained methods continue from their checkpoints",
    )
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
        "suite file; with --quick or --cases, in the run directory)",
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


def _resume_dir(args: argparse.Namespace) -> Path | None:
    """The run directory to continue (``--resume DIR``, or ``--resume`` with ``--out DIR``), if any."""
    if args.resume is None:
        return None
    if args.overwrite:
        raise SettingsError(
            "--resume continues the run in its folder and --overwrite deletes it: give one of them, not both."
        )
    if args.resume and args.out and Path(args.resume).resolve() != Path(args.out).resolve():
        raise SettingsError(
            f"--resume {args.resume} and --out {args.out} name different folders; the resumed run is written "
            "where it was started. Give only --resume DIR."
        )
    where = args.resume or args.out
    if not where:
        raise SettingsError(
            "--resume needs the run directory of the validation to continue: --resume DIR (or --out DIR --resume)."
        )
    if not Path(where).is_dir():
        raise SettingsError(
            f"--resume {where}: no such folder, so there is nothing to continue. Give the run directory "
            "(--out) of the stopped validation, or drop --resume to start one."
        )
    return Path(where)


def _suite_of(resume: Path) -> str:
    """The suite file recorded by the suite run in ``resume`` (for --resume without --suite)."""
    from pinnsolve.validate.resume import SuiteState

    return str(SuiteState.open(resume).suite)


def run(args: argparse.Namespace) -> int:
    """Run the validation the arguments ask for; the exit status (1 when a suite threshold is missed)."""
    resume = _resume_dir(args)
    if resume is not None and not args.problem and not args.suite:
        args.suite = _suite_of(resume)
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
            args.suite,
            quick=args.quick,
            out=args.out,
            report=args.report,
            only=only,
            overwrite=args.overwrite,
            resume=resume,
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
    out = resume or (Path(args.out) if args.out else None)
    try:
        result = validate_problem(
            problem,
            methods,
            out=out,
            quick=args.quick,
            settings=_settings(args),
            overwrite=args.overwrite,
            resume=resume is not None,
        )
    except RunInterrupted as exc:
        raise RunInterrupted(
            f"the validation was interrupted ({str(exc).split(' Continue with')[0]}). "
            f"Continue with: pinnsolve validate {args.problem} "
            f"--methods {args.methods}{' --quick' if args.quick else ''} --resume {out or 'DIR (its run directory)'}"
        ) from None
    print(f"\nReport: {result.report_html} (self-contained; open it in a browser), {result.report_md}")
    return 0
