"""The public plotting entry points: pictures of a Solution, whatever method made it.

Which picture is drawn depends only on the Solution's layout (and on what else the run
directory holds). Every picture is one *kind*, named in :data:`KINDS`:

============  ===============================================================================
solution      ODE: fields against t vs exact. 1-D: u(x), exact dashed. 1-D + time: space-time
              map (x across, t up) and profiles. 2-D (grid or mesh): exact | predicted |
              error maps, equal aspect, with the domain outline; snapshots in time; 3-D
              grids cut at mid-height
error         predicted − exact: curves, space-time map with max-over-x error, or maps
profiles      1-D + time: u(x) at chosen times against exact, with the errors beside them
animation     1-D + time: a GIF of the profile over time
phase         ODE with 2 fields: phase plane; with 3 (Lorenz): 3-D phase portrait
loss          training: each loss term and the L2 error against step and wall time
collocation   training: the collocation points (``collocation.npz`` in the run directory)
error_vs_time   ffnn: the error against time, the training horizon marked
error_growth    rnn: the rollout error at each output time
error_vs_latent autoencoder: reconstruction and rollout error against the latent size, POD beside it
============  ===============================================================================

Every kind that needs only the Solution is registered for it with
`pinnsolve.results.register_plot`, so ``solution.plot(kind, out)`` and ``solution.plot_all(out)``
draw them; the loss curve is registered under ``"history"``. A new kind: add a `Kind` here (or
``@register_plot(MyResult, "kind")`` in a module of its own, imported by ``viz/__init__.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pinnsolve.results.base import register_plot
from pinnsolve.solution import Solution
from pinnsolve.viz.history import plot_loss
from pinnsolve.viz.lines import (
    plot_curve_errors,
    plot_curves,
    plot_profiles,
    plot_spacetime,
    plot_spacetime_errors,
)
from pinnsolve.viz.maps import plot_error_maps, plot_maps
from pinnsolve.viz.ode import plot_phase, plot_trajectories, plot_trajectory_errors
from pinnsolve.viz.style import FORMATS
from pinnsolve.viz.views import check_times, plottable

__all__ = ["KINDS", "Kind", "applicable_kinds", "plot_solution", "plot_error", "plot_history", "plot_all"]

#: Point sets and their coordinate names, as :func:`pinnsolve.viz.collocation.load_collocation`
#: returns them.
Collocation = tuple[Mapping[str, np.ndarray], Sequence[str]]


@dataclass(frozen=True)
class _Job:
    """Everything one plotting call draws from, shared by the kinds."""

    solution: Solution  # as stored
    s: Solution  # reduced to at most two space dimensions
    note: str  # what the reduction cut, for titles
    history: Mapping[str, np.ndarray] | None
    collocation: Collocation | None
    times: list[float] | None
    fmt: str
    out: Path

    def path(self, stem: str) -> Path:
        return self.out / f"{stem}.{self.fmt}"


@dataclass(frozen=True)
class Kind:
    """One kind of picture: when it applies, why not otherwise, and how it is drawn."""

    name: str
    help: str
    applies: Callable[[_Job], bool]
    why_not: str
    draw: Callable[[_Job], list[Path]]


def _has_time_axis(s: Solution) -> bool:
    return s.time_coord is not None and s.time_coord in s.axes


def _line_in_time(j: _Job) -> bool:
    return not j.s.is_ode and len(j.s.space_coords) == 1 and _has_time_axis(j.s)


def _draw_solution(j: _Job) -> list[Path]:
    s = j.s
    if s.is_ode:
        return [plot_trajectories(s, j.path("solution"))]
    if len(s.space_coords) == 1:
        if _has_time_axis(s):
            return [plot_spacetime(s, j.path("solution"), j.times)]
        return [plot_curves(s, j.path("solution"))]
    return [plot_maps(s, j.path("solution"), j.note, j.times)]


def _draw_error(j: _Job) -> list[Path]:
    s = j.s
    if s.is_ode:
        return [plot_trajectory_errors(s, j.path("error"))]
    if len(s.space_coords) == 1:
        if _has_time_axis(s):
            return [plot_spacetime_errors(s, j.path("error"))]
        return [plot_curve_errors(s, j.path("error"))]
    return [plot_error_maps(s, j.path("error"), j.note, j.times)]


def _draw_phase(j: _Job) -> list[Path]:
    path = plot_phase(j.s, j.path("phase"))
    return [path] if path else []


def _draw_animation(j: _Job) -> list[Path]:
    from pinnsolve.viz.animate import animate_profiles  # pillow: only when a GIF is made

    return [animate_profiles(j.s, j.out / "animation.gif")]


def _draw_loss(j: _Job) -> list[Path]:
    assert j.history is not None
    s = j.solution
    path = plot_loss(dict(j.history), j.path("loss"), f"{s.problem} — {s.method}: training")
    return [path] if path else []


def _draw_collocation(j: _Job) -> list[Path]:
    from pinnsolve.viz.collocation import plot_collocation

    assert j.collocation is not None
    sets, coords = j.collocation
    s = j.solution
    path = plot_collocation(
        sets, coords, j.path("collocation"), f"{s.problem} — {s.method}: collocation points", s.time_coord
    )
    return [path] if path else []


def _diagnostic(name: str) -> Callable[[_Job], bool]:
    return lambda j: name in j.solution.diagnostics


def _draw_diagnostic(name: str) -> Callable[[_Job], list[Path]]:
    def draw(j: _Job) -> list[Path]:
        from pinnsolve.viz.surrogates import draw_error_curve, plot_error_vs_latent

        record = j.solution.diagnostics[name]
        if name == "error_vs_latent":
            return [plot_error_vs_latent(record["sweep"], record["points"], j.path(name), record["title"])]
        return [draw_error_curve(record, j.path(name))]

    return draw


KINDS: dict[str, Kind] = {
    k.name: k
    for k in [
        Kind("solution", "the fields (maps, curves, space-time map, trajectories)", lambda j: True, "", _draw_solution),
        Kind(
            "error",
            "predicted minus exact",
            lambda j: bool(j.s.exact),
            "the problem has no exact solution to compare with",
            _draw_error,
        ),
        Kind(
            "profiles",
            "u(x) at chosen times against exact (1-D + time)",
            _line_in_time,
            "it needs one space coordinate and a time axis",
            lambda j: [plot_profiles(j.s, j.path("profiles"), j.times)],
        ),
        Kind(
            "animation",
            "GIF of the profile over time (1-D + time)",
            _line_in_time,
            "it needs one space coordinate and a time axis",
            _draw_animation,
        ),
        Kind(
            "phase",
            "phase plane (2 fields) or 3-D phase portrait (3 fields) of an ODE system",
            lambda j: j.s.is_ode and len(j.s.fields) in (2, 3),
            "it needs an ODE system of 2 or 3 fields",
            _draw_phase,
        ),
        Kind(
            "loss",
            "loss terms and L2 error against step and wall time",
            lambda j: bool(j.history) and len(np.asarray(j.history.get("step", []))) > 0,
            "the run has no training history (history.csv)",
            _draw_loss,
        ),
        Kind(
            "collocation",
            "the collocation points (collocation.npz)",
            lambda j: j.collocation is not None and any(np.size(v) for v in j.collocation[0].values()),
            "the run directory has no collocation.npz",
            _draw_collocation,
        ),
        Kind(
            "error_vs_time",
            "ffnn: error against time, the training horizon marked",
            _diagnostic("error_vs_time"),
            "the run measured no error against time (ffnn on a time-dependent problem does)",
            _draw_diagnostic("error_vs_time"),
        ),
        Kind(
            "error_growth",
            "rnn: rollout error at each output time",
            _diagnostic("error_growth"),
            "the run measured no rollout error (the rnn method does)",
            _draw_diagnostic("error_growth"),
        ),
        Kind(
            "error_vs_latent",
            "autoencoder: error against the latent size, POD beside it",
            _diagnostic("error_vs_latent"),
            "the run measured no latent sweep (the autoencoder method does)",
            _draw_diagnostic("error_vs_latent"),
        ),
    ]
}

#: kinds drawn from the Solution alone (the rest need the history or the collocation points)
SOLUTION_KINDS = [name for name in KINDS if name not in ("loss", "collocation")]


def _registered(name: str) -> Callable[[Solution, Path], list[Path]]:
    def draw(solution: Solution, out_dir: Path) -> list[Path]:
        j = _job(solution, None, None, None, "png", out_dir)
        return KINDS[name].draw(j) if KINDS[name].applies(j) else []

    return draw


for _name in SOLUTION_KINDS:
    register_plot(Solution, _name)(_registered(_name))


@register_plot("collocation", "collocation")
def _collocation_file(record: Mapping[str, object], out_dir: Path) -> list[Path]:
    """The collocation points of a run from ``{"path": collocation.npz, "title": str, "time_coord": str | None}``."""
    from pinnsolve.viz.collocation import load_collocation, plot_collocation

    sets, coords = load_collocation(Path(str(record["path"])))
    time_coord = str(record["time_coord"]) if record.get("time_coord") else None
    title = f"{record.get('title', 'training')}: collocation points"
    path = plot_collocation(sets, coords, Path(out_dir) / "collocation.png", title, time_coord)
    return [path] if path else []


@register_plot("history", "loss")
def _history_loss(record: Mapping[str, object], out_dir: Path) -> list[Path]:
    """The loss curve of a run from ``{"history": columns, "title": str}``."""
    return plot_history(dict(record["history"]), out_dir, str(record.get("title", "training")))


def _job(
    solution: Solution,
    history: Mapping[str, np.ndarray] | None,
    collocation: Collocation | None,
    times: Sequence[float] | None,
    fmt: str,
    out_dir: str | Path,
) -> _Job:
    if fmt not in FORMATS:
        raise ValueError(f"unknown figure format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    s, note = plottable(solution)
    times = [float(v) for v in times] if times else None
    if times:
        check_times(s, times)
    return _Job(solution, s, note, history, collocation, times, fmt, Path(out_dir))


def applicable_kinds(
    solution: Solution, history: Mapping[str, np.ndarray] | None = None, collocation: Collocation | None = None
) -> list[str]:
    """The kinds of picture that can be drawn for this solution (and history, points)."""
    j = _job(solution, history, collocation, None, "png", ".")
    return [name for name, k in KINDS.items() if k.applies(j)]


def plot_all(
    solution: Solution,
    history: Mapping[str, np.ndarray] | None,
    out_dir: str | Path,
    *,
    kinds: Sequence[str] | None = None,
    times: Sequence[float] | None = None,
    fmt: str = "png",
    collocation: Collocation | None = None,
) -> list[Path]:
    """Draw pictures of a run into ``out_dir``, one file per kind (``<kind>.<fmt>``).

    ``kinds`` (names from :data:`KINDS`) defaults to every kind that applies; a kind named
    explicitly that does not apply is an error saying why. ``times`` picks the profiles
    and snapshots of time-dependent solutions; ``fmt`` is png, pdf or svg (the animation is
    always a GIF). Returns the files written.
    """
    j = _job(solution, history, collocation, times, fmt, out_dir)
    if kinds is None:
        chosen = [k for k in KINDS.values() if k.applies(j)]
    else:
        unknown = [k for k in kinds if k not in KINDS]
        if unknown:
            raise ValueError(f"unknown plot kind {unknown[0]!r}; choose from: {', '.join(KINDS)}")
        chosen = [KINDS[k] for k in dict.fromkeys(kinds)]
        for k in chosen:
            if not k.applies(j):
                raise ValueError(
                    f"cannot draw the {k.name!r} plot for {solution.problem} ({solution.method}): {k.why_not}"
                )
    j.out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for k in chosen:
        paths += k.draw(j)
    return paths


def plot_solution(solution: Solution, out_dir: str | Path) -> list[Path]:
    """Draw the fields: ``solution.png`` (and ``phase.png`` for 2- and 3-field ODE systems)."""
    j = _job(solution, None, None, None, "png", out_dir)
    j.out.mkdir(parents=True, exist_ok=True)
    return _draw_solution(j) + (_draw_phase(j) if KINDS["phase"].applies(j) else [])


def plot_error(solution: Solution, out_dir: str | Path) -> list[Path]:
    """Draw predicted − exact as ``error.png``; nothing (``[]``) when no exact solution is known."""
    if not solution.exact:
        return []
    j = _job(solution, None, None, None, "png", out_dir)
    j.out.mkdir(parents=True, exist_ok=True)
    return _draw_error(j)


def plot_history(history: dict[str, np.ndarray], out_dir: str | Path, title: str = "training") -> list[Path]:
    """Draw the training history (as read by ``io.read_history``) as ``loss.png``."""
    if not history:
        return []
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = plot_loss(history, out / "loss.png", title)
    return [path] if path else []
