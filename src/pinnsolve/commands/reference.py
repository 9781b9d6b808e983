"""``pinnsolve reference PROBLEM.py``: the finite-difference reference from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from pinnsolve.dsl.assignments import add_common_arguments, parse_assignments, parse_sets
from pinnsolve.errors import SettingsError
from pinnsolve.reference.solve import SCHEMES

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``pinnsolve reference``."""
    parser.add_argument("problem", help="the problem file, e.g. problems/heat1d.py")
    parser.add_argument(
        "--grid",
        metavar="x=N,t=M",
        help="nodes per coordinate (ends included); for time, the number of output times "
        "(default: 201 in 1-D, 101×101 in 2-D, 101 output times; 501 for ODEs)",
    )
    parser.add_argument(
        "--scheme",
        choices=list(SCHEMES),
        default="auto",
        help="auto: solve_ivp for ODEs, method of lines (BDF/Radau) for time-dependent PDEs, sparse "
        "direct / Newton for steady ones; mol; ftcs: explicit forward Euler (default: auto)",
    )
    parser.add_argument(
        "--dt",
        type=float,
        help="FTCS time step (refused above the stability limit; default 0.9 × the limit); "
        "for the method of lines, the integrator's largest step",
    )
    parser.add_argument(
        "--convergence",
        action="store_true",
        help="refine the grid (11, 21, 41, ... nodes per axis) and report the observed order",
    )
    parser.add_argument("--levels", type=int, default=4, help="grids in the convergence study (default 4)")
    parser.add_argument(
        "--states",
        type=int,
        default=None,
        help="Schrödinger problems (one particle on a line): how many of the lowest levels (default 4); "
        "--grid x=N sets the interior points (default 4000)",
    )
    add_common_arguments(parser, "the run directory (default: runs/<problem>-fd-<time>)")


def _assignments(args: argparse.Namespace) -> tuple[dict[str, object], dict[str, int] | None]:
    grid = parse_assignments(args.grid, "--grid", int) if args.grid else None
    return parse_sets(args.set), grid


def run(args: argparse.Namespace, stream: TextIO | None = None) -> int:
    """Solve (or run the convergence study), write the run directory, print a summary."""
    from pinnsolve.dsl import load_problem

    out = stream or sys.stdout
    overrides, grid = _assignments(args)
    problem = load_problem(args.problem, overrides)
    from pinnsolve.dsl.kinds import problem_kind

    if problem_kind(problem) == "schrodinger":
        return _spectrum(problem, args, grid, out)
    if args.states is not None:
        raise SettingsError("--states is for Schrödinger problems (the levels of the spectrum); leave it out here.")
    if args.convergence:
        return _convergence(problem, args, grid, out)
    from pinnsolve.reference.solve import run_reference

    run_dir = run_reference(
        problem, out=args.out, grid=grid, scheme=args.scheme, dt=args.dt, overwrite=getattr(args, "overwrite", False)
    )
    metrics = json.loads((run_dir / "metrics.json").read_text())
    print(_summary(problem.name, metrics, run_dir), file=out)
    return 0


def _spectrum(problem: Any, args: argparse.Namespace, grid: dict[str, int] | None, out: TextIO) -> int:
    """The finite-difference spectrum of one particle on a line, written as a run directory."""
    from pinnsolve.quantum.reference import DEFAULT_POINTS, DEFAULT_STATES, write_reference_spectrum

    if args.convergence or args.dt is not None or args.scheme != "auto" or set(grid or {}) - {"x"}:
        raise SettingsError(
            "a Schrödinger problem's reference is its finite-difference spectrum: it takes --states K and "
            "--grid x=N only (leave out --convergence, --dt, --scheme and other --grid names)."
        )
    run_dir = write_reference_spectrum(
        problem,
        args.out,
        states=args.states or DEFAULT_STATES,
        points=(grid or {}).get("x", DEFAULT_POINTS),
        overwrite=getattr(args, "overwrite", False),
    )
    metrics = json.loads((run_dir / "metrics.json").read_text())
    levels = ", ".join(f"E{n} = {e:.8f}" for n, e in enumerate(metrics["levels"]))
    print(f"{problem.name}: finite-difference spectrum ({metrics['samples']} points): {levels}", file=out)
    if metrics.get("exact_energy") is not None:
        print(
            f"  exact ground level {metrics['exact_energy']:.8f}, "
            f"relative error {metrics['energy_relative_error']:.2e}",
            file=out,
        )
    print(f"  files: {run_dir}", file=out)
    return 0


def _convergence(problem: Any, args: argparse.Namespace, grid: dict[str, int] | None, out: TextIO) -> int:
    from pinnsolve.io import RunDirectory
    from pinnsolve.reference.convergence import (
        STUDY_TIMES,
        convergence_study,
        format_table,
        write_convergence,
    )
    from pinnsolve.viz.convergence import plot_convergence

    if args.dt is not None:
        raise SettingsError("--dt cannot be combined with --convergence: each level chooses its own step.")
    names = {c.name for c in problem.space}
    time_name = problem.time.name if problem.time is not None else None
    for key in grid or {}:
        if key not in names and key != time_name:
            raise SettingsError(
                f"--grid names '{key}', which is not a coordinate of problem '{problem.name}'. "
                f"Its coordinates are: {', '.join(c.name for c in problem.coords)}."
            )
    base = {k: v for k, v in (grid or {}).items() if k in names} or None
    times = (grid or {}).get(time_name, STUDY_TIMES) if time_name else STUDY_TIMES
    result = convergence_study(
        problem,
        levels=args.levels,
        base=base,
        scheme=args.scheme,
        times=times,
        progress=lambda k, sizes: print(
            f"level {k + 1}/{args.levels}: " + ", ".join(f"{a}={b}" for a, b in sizes.items()), file=out, flush=True
        ),
    )
    run_dir = RunDirectory.create(
        args.out, problem.name, "fd-convergence", overwrite=getattr(args, "overwrite", False)
    ).path
    write_convergence(result, run_dir, problem)
    result["plot"] = str(plot_convergence(result, run_dir / "plots" / "convergence.png"))
    print(format_table(result), file=out)
    print(f"files: {run_dir} (convergence.csv, convergence.json, plots/convergence.png)", file=out)
    return 0


def _summary(name: str, metrics: dict[str, Any], run_dir: Path) -> str:
    grid = " × ".join(f"{k}={v}" for k, v in (metrics.get("grid") or {}).items())
    lines = [f"{name}: finite differences ({metrics.get('scheme')}, {metrics.get('solver')}) on {grid}"]
    if metrics.get("l2_relative_error") is not None:
        kind = "absolute" if metrics.get("l2_is_absolute") else "relative"
        lines.append(
            f"  L2 {kind} error vs exact: {metrics['l2_relative_error']:.3e}   "
            f"max abs error: {metrics['max_abs_error']:.3e}"
        )
    else:
        lines.append("  no exact solution: nothing to compare with (try --convergence)")
    steps = metrics.get("steps")
    what = "Newton iterations" if metrics.get("scheme") == "steady" else "time steps"
    lines.append(
        f"  {steps} {what}, wall time {metrics.get('wall_time_s', 0.0):.2f} s"
        + (
            f", dt = {metrics['dt']:.4g} (limit {metrics['dt_limit']:.4g}, {metrics.get('dt_chosen_by')})"
            if metrics.get("dt_limit") is not None
            else ""
        )
    )
    for axis, choice in (metrics.get("grid_chosen") or {}).items():
        lines.append(f"  note: {axis} = {choice}")
    for warning in metrics.get("warnings") or []:
        lines.append(f"  warning: {warning}")
    lines.append(f"  files: {run_dir}")
    return "\n".join(lines)
