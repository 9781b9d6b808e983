"""``pinnsolve plot`` and ``pinnsolve render``: arguments and what they run.

The CLI adds the arguments to its sub-parsers and calls :func:`run_plot` / :func:`run_render`;
bad input is raised as :class:`~pinnsolve.dsl.errors.PinnsolveError`, which the CLI prints as
one paragraph (exit status 2).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from pinnsolve.errors import PinnsolveError
from pinnsolve.io.rundir import HISTORY_FILE
from pinnsolve.solution import SOLUTION_FILE

__all__ = ["add_plot_arguments", "run_plot", "add_render_arguments", "run_render", "render_in_process", "load_run"]

RENDER_TIMEOUT_S = 600
#: the figure of an ensemble run's samples (`Samples`' registered "band"), drawn beside its mean's
ENSEMBLE_BAND = "band"


# -- plot ------------------------------------------------------------------------------------


def add_plot_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``pinnsolve plot RUN_DIR [--kind ...] [--times ...] [--format ...]``."""
    from pinnsolve.viz.plots import KINDS
    from pinnsolve.viz.style import FORMATS

    kinds = "; ".join(f"{k.name}: {k.help}" for k in KINDS.values())
    parser.add_argument("run_dir", help="a run directory written by pinnsolve solve")
    parser.add_argument(
        "--kind",
        action="append",
        metavar="KIND[,KIND...]",
        help=f"what to draw (default: every kind that applies). {kinds}",
    )
    parser.add_argument(
        "--times",
        metavar="T1,T2,...",
        help="times of the profiles and snapshots, e.g. 0,0.25,0.5 (the nearest sampled times are drawn)",
    )
    parser.add_argument(
        "--format",
        default="png",
        choices=FORMATS,
        help="file format of the figures (default png; the animation is a GIF)",
    )
    parser.add_argument("--out", metavar="DIR", help="where to write (default RUN_DIR/plots)")


def run_plot(args: argparse.Namespace) -> int:
    """Draw the chosen kinds of picture of a run directory; print the files written."""
    from pinnsolve.viz.collocation import COLLOCATION_FILE, load_collocation
    from pinnsolve.viz.plots import KINDS, plot_all

    run_dir = Path(args.run_dir)
    if (run_dir / "config.json").is_file() and _result_kind(run_dir) != "solution":
        return _plot_result(run_dir, args)
    solution, history = load_run(run_dir, "plot")
    samples = _ensemble_samples(run_dir)
    kinds = _kinds(args.kind, KINDS if samples is None else {**KINDS, ENSEMBLE_BAND: None})
    times = _times(args.times)
    collocation = None
    if (run_dir / COLLOCATION_FILE).is_file():
        coords = (*solution.space_coords, *([solution.time_coord] if solution.time_coord else []))
        try:
            collocation = load_collocation(run_dir / COLLOCATION_FILE, coords)
        except (OSError, ValueError, KeyError) as exc:
            raise PinnsolveError(
                f"{run_dir / COLLOCATION_FILE} cannot be read ({exc}); remove it "
                "or write it with pinnsolve.viz.save_collocation."
            ) from None
    out = Path(args.out) if getattr(args, "out", None) else run_dir / "plots"
    try:
        own = None if kinds is None else [k for k in kinds if k != ENSEMBLE_BAND]
        paths = plot_all(solution, history, out, kinds=own, times=times, fmt=args.format, collocation=collocation)
    except ValueError as exc:
        raise PinnsolveError(f"{run_dir}: {exc}.") from None
    if samples is not None and (kinds is None or ENSEMBLE_BAND in kinds):
        paths += samples.plot(ENSEMBLE_BAND, out)
    print("\n".join(str(p) for p in paths))
    return 0


def _ensemble_samples(run_dir: Path) -> Any:
    """An ensemble run's members as `Samples` (samples.npz beside the mean Solution), or None for other runs."""
    from pinnsolve.results.samples import SAMPLES_FILE, Samples

    return Samples.load(run_dir) if (run_dir / SAMPLES_FILE).is_file() else None


def _result_kind(run_dir: Path) -> str:
    from pinnsolve.io.rundir import RunDirectory

    return RunDirectory.open(run_dir).result_kind


def _plot_result(run_dir: Path, args: argparse.Namespace) -> int:
    """A run whose result is not a Solution: every figure kind registered for its result type."""
    from pinnsolve.io.rundir import RunDirectory
    from pinnsolve.results import load_result, plots_for

    run = RunDirectory.open(run_dir)
    result = load_result(run_dir)
    out = Path(args.out) if getattr(args, "out", None) else run.plots
    names = [k.strip() for item in args.kind or [] for k in item.split(",") if k.strip() and k.strip() != "all"]
    paths = result.plot_all(out, names or None)
    # the generic loss curve, unless the result type draws its own ("losses": a generative model's)
    own = "losses" in result.plot_kinds()
    if run.file(run.HISTORY).is_file() and not own and (not names or "loss" in names):
        for draw in plots_for("history").values():
            paths += draw({"history": run.read_history(), "title": f"{result.kind}: training"}, out)
    print("\n".join(str(p) for p in paths))
    return 0


def load_run(run_dir: Path, verb: str):
    """The Solution and (if recorded) the training history of a run directory."""
    from pinnsolve.io.rundir import read_history
    from pinnsolve.solution import Solution

    if not run_dir.is_dir():
        raise PinnsolveError(
            f"{run_dir} is not a directory. Give a run directory written by "
            "pinnsolve solve (runs/<problem>-<method>-<time> by default)."
        )
    if not (run_dir / SOLUTION_FILE).is_file():
        raise PinnsolveError(
            f"{run_dir} holds no {SOLUTION_FILE}, so there is nothing to {verb}. "
            "Give a run directory written by pinnsolve solve; a run that was "
            "interrupted before it finished can be completed with "
            f"pinnsolve solve --resume {run_dir}."
        )
    try:
        solution = Solution.load_npz(run_dir / SOLUTION_FILE)
    except (OSError, ValueError, KeyError) as exc:
        raise PinnsolveError(
            f"{run_dir / SOLUTION_FILE} cannot be read ({exc}). Solve the problem again to rewrite it."
        ) from None
    history = None
    if (run_dir / HISTORY_FILE).is_file():
        try:
            history = read_history(run_dir / HISTORY_FILE)
        except (OSError, ValueError) as exc:
            raise PinnsolveError(f"{run_dir / HISTORY_FILE} cannot be read ({exc}).") from None
    return solution, history


def _kinds(items: list[str] | None, known: dict) -> list[str] | None:
    names = [k.strip() for item in items or [] for k in item.split(",") if k.strip()]
    if not names or names == ["all"]:
        return None
    unknown = [k for k in names if k not in known]
    if unknown:
        raise PinnsolveError(f"--kind {unknown[0]} is not a kind of plot; choose from: {', '.join(known)} (or all).")
    return names


def _times(text: str | None) -> list[float] | None:
    if not text:
        return None
    values = []
    for item in filter(None, (v.strip() for v in text.split(","))):
        try:
            values.append(float(item))
        except ValueError:
            raise PinnsolveError(
                f"--times {text}: '{item}' is not a number; give times separated by commas, e.g. --times 0,0.25,0.5."
            ) from None
    return values or None


# -- render ----------------------------------------------------------------------------------


def add_render_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``pinnsolve render RUN_DIR [--field F] [--time T] [--mode M] [--size WxH]``."""
    from pinnsolve.viz.render import MODES

    parser.add_argument("run_dir", help="a run directory written by pinnsolve solve")
    parser.add_argument("--field", help="render only this field (default: every field)")
    parser.add_argument(
        "--time", type=float, help="snapshot time of a 2-D or 3-D time-dependent solution (default: last)"
    )
    parser.add_argument(
        "--mode", default="auto", choices=MODES, help="3-D fields: slices, iso-surfaces, or both (auto)"
    )
    parser.add_argument("--size", metavar="WxH", help="image size in pixels, e.g. 1600x800")
    parser.add_argument("--out", metavar="DIR", help="where to write (default RUN_DIR/plots)")


def run_render(args: argparse.Namespace) -> int:
    """Render a run directory off-screen, in a child process; print the PNG files written.

    The child is ``python -m pinnsolve.viz.render``: if the OpenGL driver crashes (a missing
    EGL/OSMesa library can end the process rather than raise), this process survives and says
    what to install. Exit status 3 means rendering is not available on this machine.
    """
    solution, _ = load_run(Path(args.run_dir), "render")  # bad input: said here, no pyvista
    _size(args.size)
    from pinnsolve.viz.render import plan  # no pyvista needed to check the request

    try:
        plan(solution, field=args.field, time=args.time, mode=args.mode)
    except ValueError as exc:
        raise PinnsolveError(f"{args.run_dir}: {exc}.") from None
    if _missing_pyvista():
        from pinnsolve.viz.render import INSTALL_HINT

        print(f"error: {INSTALL_HINT}", file=sys.stderr)
        return 3
    argv = [sys.executable, "-m", "pinnsolve.viz.render", str(args.run_dir), "--mode", args.mode]
    for flag in ("field", "time", "size", "out"):
        value = getattr(args, flag, None)
        if value is not None:
            argv += [f"--{flag}", str(value)]
    env = dict(os.environ, PYVISTA_OFF_SCREEN="true")
    try:
        child = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=RENDER_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        print(f"error: rendering took longer than {RENDER_TIMEOUT_S} s and was stopped.", file=sys.stderr)
        return 3
    if child.returncode == 0:
        sys.stdout.write(child.stdout)
        return 0
    if child.returncode in (2, 3):  # a message of ours: pass it on as it is
        sys.stderr.write(_last_paragraph(child.stderr))
        return child.returncode
    import re

    from pinnsolve.viz.render import GL_HINT

    detail = re.sub(r"\x1b\[[0-9;]*m", "", child.stderr).strip().splitlines()
    why = f" Its last words: {detail[-1].strip()[:300]}" if detail else ""
    how = (
        f"was killed by signal {-child.returncode}"
        if child.returncode < 0
        else f"stopped with exit status {child.returncode}"
    )
    print(f"error: the renderer {how}. {GL_HINT}{why}", file=sys.stderr)
    return 3


def render_in_process(args: argparse.Namespace) -> list[Path]:
    """What the render child does: load the run and render it (raises PinnsolveError)."""
    from pinnsolve.viz.render import render_solution

    run_dir = Path(args.run_dir)
    solution, _ = load_run(run_dir, "render")
    out = Path(args.out) if getattr(args, "out", None) else run_dir / "plots"
    try:
        return render_solution(solution, out, field=args.field, time=args.time, mode=args.mode, size=_size(args.size))
    except ValueError as exc:
        raise PinnsolveError(f"{run_dir}: {exc}.") from None


def _size(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    w, sep, h = text.lower().partition("x")
    try:
        size = (int(w), int(h))
    except ValueError:
        size = (0, 0)
    if not sep or min(size) < 64 or max(size) > 8192:
        raise PinnsolveError(f"--size {text}: give width x height in pixels, each 64 to 8192, e.g. --size 1600x800.")
    return size


def _missing_pyvista() -> bool:
    import importlib.util

    return importlib.util.find_spec("pyvista") is None


def _last_paragraph(text: str) -> str:
    """The child's own message: its stderr from the last 'error:' line on (VTK chatter dropped)."""
    lines = text.splitlines(keepends=True)
    for k in range(len(lines) - 1, -1, -1):
        if lines[k].startswith("error:"):
            return "".join(lines[k:])
    return text
