"""The ``pinnsolve`` command: show, solve, reference, validate, plot and render.

This is the one place that turns a `PinnsolveError` into a message and an exit status
(``exc.exit_code``: 2 for bad input, 1 for a run that failed, 130 when interrupted); ``--debug``
shows the traceback too. It also owns the process-wide state the library leaves alone: the
thread count (``--threads``, recorded in config.json) and the seed passed to each run.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pinnsolve.dsl.assignments import add_common_arguments, parse_assignments, parse_sets
from pinnsolve.errors import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    PinnsolveError,
    RunInterrupted,
    SettingsError,
)

__all__ = ["EXIT_BAD_INPUT", "EXIT_FAILED", "EXIT_INTERRUPTED", "build_parser", "main", "parse_assignments"]


#: the subcommands that run work: each takes --quiet, --debug, --threads, --out, --set, --seed, --overwrite
WORK_COMMANDS = ("solve", "reference", "validate", "generate", "classify", "tune")


def _add_solve_arguments(p: argparse.ArgumentParser) -> None:
    from pinnsolve.catalog import METHODS
    from pinnsolve.methods.options import add_method_arguments

    p.add_argument("problem", nargs="?", help="the problem file (leave out with --resume)")
    run = p.add_argument_group("the run")
    run.add_argument("--method", default=None, choices=sorted(METHODS), help="the method (default: pinn)")
    run.add_argument("--dtype", choices=["float32", "float64"], help="floating point precision (default float64)")
    run.add_argument("--device", help="cpu (default) or cuda")
    run.add_argument("--grid", help="evaluation grid (fd: the finite-difference grid), e.g. x=256,t=101")
    run.add_argument("--resume", metavar="RUN_DIR", help="continue the run saved in RUN_DIR")
    run.add_argument("--nproc", type=int, help="train in P processes, collocation points sharded (runs torchrun)")
    run.add_argument(
        "--ensemble",
        type=int,
        metavar="K",
        help="train K members (seeds seed..seed+K-1; with Data, each on a bootstrap resample of it) in parallel "
        "processes as --threads allow; writes their mean, samples.npz and each unknown's 95%% interval",
    )
    run.add_argument(
        "--checkpoint-every",
        metavar="N|Ts",
        help="save checkpoint.pt every N steps or T seconds of "
        "training, e.g. 500, 30s or 30s,500 (default 60s,1000: whichever comes first)",
    )
    add_common_arguments(run, "run directory (default runs/<problem>-<method>-<time>)")
    add_method_arguments(p)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pinnsolve",
        description="Write an ODE or PDE once; solve it with neural "
        "and finite-difference methods, and see how close each answer is.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)
    show = sub.add_parser("show", help="print the problem as pinnsolve understood it")
    show.add_argument("problem")
    show.add_argument("--set", action="append", metavar="NAME=VALUE", help="override a Parameter (repeatable)")
    show.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks")
    solve = sub.add_parser("solve", help="solve with any method and write a run directory")
    _add_solve_arguments(solve)
    from pinnsolve.commands import classify as classify_command
    from pinnsolve.commands import reference as reference_command
    from pinnsolve.commands import tune as tune_command
    from pinnsolve.validate import command as validate_command
    from pinnsolve.viz import command as viz_command

    reference_command.add_arguments(sub.add_parser("reference", help="finite-difference reference solution"))
    validate_command.add_arguments(
        sub.add_parser("validate", help="compare methods against exact/reference solutions and write a report")
    )
    viz_command.add_plot_arguments(sub.add_parser("plot", help="redraw the plots of a run directory"))
    viz_command.add_render_arguments(sub.add_parser("render", help="render fields off-screen with pyvista"))
    for name in ("plot", "render"):
        sub.choices[name].add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
        )
    tune_command.add_arguments(sub.add_parser("tune", help="search a method's settings with Optuna"))
    from pinnsolve.commands import generate as generate_command

    generate_command.add_arguments(sub.add_parser("generate", help="learn and sample the law of a random solution"))
    classify_command.add_arguments(sub.add_parser("classify", help="learn which regime a solution is in"))
    for name in WORK_COMMANDS:  # the common flags a subcommand does not define itself, meaning the same
        add_common_arguments(sub.choices[name])
    return parser


def _set_threads(args: argparse.Namespace) -> int | None:
    """Set torch's thread count for the process (--threads, else every available core); return it."""
    threads = getattr(args, "threads", None)
    if threads is not None and threads < 1:
        raise SettingsError(f"--threads {threads} is out of range; give a positive number.")
    seed = getattr(args, "seed", None)
    if seed is not None and not 0 <= seed < 2**32:  # numpy's and Optuna's samplers take 32-bit seeds
        raise SettingsError(f"--seed {seed} is out of range: give a whole number ≥ 0 and below 2**32 (e.g. --seed 0).")
    if args.command not in ("solve", "validate") and threads is None:
        return None
    import torch

    from pinnsolve.io.cores import note_given
    from pinnsolve.run import default_threads

    if threads:
        note_given(threads)
    torch.set_num_threads(threads or default_threads())
    return torch.get_num_threads()


def _run_options(args: argparse.Namespace, base: Any | None, threads: int | None, problem: Any) -> Any:
    """The run's options: those recorded by the run being resumed (if any), with the flags given on top.

    Without ``--method`` the method is the resumed run's, else the problem kind's default (pinn for
    a PDE, vmc for a Schrödinger problem)."""
    from dataclasses import replace

    from pinnsolve.catalog import default_method
    from pinnsolve.methods.options import given_settings, make_settings
    from pinnsolve.run import RunOptions

    options = base or RunOptions()
    method = args.method or (options.method if base is not None else default_method(problem))
    settings = {**(options.settings if base is not None and method == options.method else {}), **given_settings(args)}
    top = {k: getattr(args, k) for k in ("seed", "dtype", "device", "ensemble") if getattr(args, k, None) is not None}
    if args.grid:
        top["grid"] = parse_assignments(args.grid, "--grid", int)
    return replace(options, method=method, settings=make_settings(method, settings), threads=threads, **top)


def cmd_show(args: argparse.Namespace) -> int:
    from pinnsolve.dsl import describe, load_problem

    print(describe(load_problem(args.problem, parse_sets(args.set))))
    return 0


def cmd_solve(args: argparse.Namespace, threads: int | None = None) -> int:
    from pinnsolve.dsl import load_problem
    from pinnsolve.dsl.kinds import problem_kind
    from pinnsolve.evaluate import resolution
    from pinnsolve.run import solve
    from pinnsolve.train import distributed

    if args.nproc and args.nproc > 1 and not distributed.launched():
        from pinnsolve.run import default_threads

        return distributed.launch(args.argv, args.nproc, args.threads, default_threads())
    resume_dir = Path(args.resume) if args.resume else None
    if resume_dir is not None:
        problem_file, overrides, base = _resumed(resume_dir, args)
    else:
        if not args.problem:
            raise SettingsError("pinnsolve solve needs a problem file, e.g. pinnsolve solve problems/heat1d.py.")
        problem_file, overrides, base = args.problem, parse_sets(args.set), None
    problem = load_problem(problem_file, overrides)
    options = _run_options(args, base, threads, problem)
    try:
        if problem_kind(problem) == "pde":
            resolution(problem, options.grid)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    result = solve(
        problem,
        options,
        out=args.out,
        plain=True if args.quiet else None,
        resume_dir=resume_dir,
        overwrite=args.overwrite,
        checkpoint_every=args.checkpoint_every,
    )
    if distributed.is_writer():
        _print_summary(problem.name, options.method, result)
    return 0


def _resumed(resume_dir: Path, args: argparse.Namespace) -> tuple[str, dict[str, object], Any]:
    """The problem file, parameter values and options recorded by the run being resumed (``--set`` on top)."""
    from pinnsolve.run import RunOptions

    config_path = resume_dir / "config.json"
    saved = (
        (resume_dir / "checkpoint.pt").is_file()
        or (resume_dir / "checkpoint.prev.pt").is_file()
        or (resume_dir / "members").is_dir()  # an ensemble (--ensemble K): its members hold the checkpoints
    )
    if not (config_path.is_file() and saved):
        raise SettingsError(
            f"--resume {resume_dir}: no config.json and checkpoint.pt there, so there is "
            "nothing to continue. Give the run directory that a solve wrote."
        )
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
        problem_file, parameters = config["problem"]["file"], config["problem"]["parameters"]
        base = RunOptions.from_dict(config)
    except (ValueError, KeyError, TypeError) as exc:
        raise SettingsError(
            f"--resume {resume_dir}: config.json is corrupt ({type(exc).__name__}: {exc}), so the "
            "run cannot be continued. Start it again with --overwrite."
        ) from None
    return args.problem or problem_file, {**parameters, **parse_sets(args.set)}, base


def _print_summary(name: str, method: str, result: Any) -> None:
    """The few lines a user reads after a solve: time, error or energy, where the files are."""
    m = result.metrics
    steps = f" ({m['steps']} steps)" if m.get("steps") is not None else ""
    print(f"\n{name} solved with {method} in {m['wall_time_s']:.1f} s{steps}.")
    if "l2_relative_error" in m:
        print(
            f"L2 relative error {m['l2_relative_error']:.3e}, max abs error {m['max_abs_error']:.3e} "
            "(against the exact solution)."
        )
    if m.get("energy") is not None:
        exact = (
            f"; exact {m['exact_energy']:.6g}, relative error {m['energy_relative_error']:.2e}"
            if m.get("exact_energy") is not None
            else ""
        )
        how = "blocking" if m.get("autocorrelation_time") is not None else "|E − Rayleigh quotient|"
        print(f"Energy {m['energy']:.6f} ± {m['energy_error']:.1e} ({how}), variance {m['variance']:.2e}{exact}.")
        if len(m.get("levels") or []) > 1:
            print("Levels: " + ", ".join(f"E{n} = {e:.8f}" for n, e in enumerate(m["levels"])) + ".")
    identified = m.get("unknowns") if isinstance(m.get("unknowns"), dict) else {}  # fd: a count of unknowns
    for name, u in identified.items():
        if isinstance(u, dict):
            lo, hi = u["ci95"]
            truth = f" (true {u['exact']:.6g}, error {u['relative_error']:.2%})" if "exact" in u else ""
            print(f"{name} = {u['mean']:.6g} ± {u['std']:.2g}, 95% interval [{lo:.6g}, {hi:.6g}]{truth}.")
        else:
            print(f"{name} identified: {u:.6g}.")
    if m.get("ensemble"):
        print(f"Ensemble of {m['ensemble']}: spread ‖std‖/‖mean‖ {m['spread_relative']:.2e}.")
    files = ", ".join(p.name for p in sorted(result.run_dir.iterdir()) if p.is_file() and not p.name.startswith("."))
    print(f"Results in {result.run_dir}/: {files}, plots/")


def _delegate(module: str, function: str) -> Any:
    def run(args: argparse.Namespace, threads: int | None = None) -> int:
        import importlib

        return getattr(importlib.import_module(module), function)(args)

    return run


COMMANDS = {
    "show": lambda args, threads=None: cmd_show(args),
    "solve": cmd_solve,
    "reference": _delegate("pinnsolve.commands.reference", "run"),
    "validate": _delegate("pinnsolve.validate.command", "run"),
    "plot": _delegate("pinnsolve.viz.command", "run_plot"),
    "render": _delegate("pinnsolve.viz.command", "run_render"),
    "tune": _delegate("pinnsolve.commands.tune", "run"),
    "generate": _delegate("pinnsolve.commands.generate", "run"),
    "classify": _delegate("pinnsolve.commands.classify", "run"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; a `PinnsolveError` becomes one paragraph on stderr and ``exc.exit_code``."""
    args = build_parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    try:
        threads = _set_threads(args)
        return COMMANDS[args.command](args, threads)
    except PinnsolveError as exc:
        if args.debug:
            traceback.print_exc()
        print(str(exc) if isinstance(exc, RunInterrupted) else f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:
        from pinnsolve.io.rundir import WRITE_ERRNOS

        if exc.errno not in WRITE_ERRNOS:
            raise
        if args.debug:
            traceback.print_exc()
        print(
            f"error: writing {exc.filename or 'the output'} failed ({exc.strerror}). Files are written whole or "
            "not at all, so nothing half-written was left. Free some space there, or give --out on another "
            "disk, and run the command again.",
            file=sys.stderr,
        )
        return EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
