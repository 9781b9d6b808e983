"""The entry points: solve a Problem by finite differences, and write a run directory.

Which solver runs is decided by the problem alone (``scheme="auto"``):

=========================  ===================================================
ODE or ODE system          `mol` integrators: DOP853, rtol 1e-10, atol 1e-12
steady PDE                 `steady`: sparse LU once (linear) or Newton
time-dependent PDE         `mol`: BDF (1st order in t) / Radau (2nd order in t)
``scheme="ftcs"``          `ftcs`: forward Euler at ≤ the stability limit
``scheme="cn"``            `theta`: Crank–Nicolson, one step per output time
=========================  ===================================================
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import MethodNotApplicable, SettingsError
from pinnsolve.reference.coefficients import coefficients
from pinnsolve.reference.discretise import Discretisation
from pinnsolve.reference.evolution import Evolution
from pinnsolve.reference.ftcs import solve_ftcs
from pinnsolve.reference.grid import Grid, make_grid, resolve_sizes, time_axis
from pinnsolve.reference.mol import solve_mol
from pinnsolve.reference.steady import solve_steady
from pinnsolve.reference.theta import solve_theta
from pinnsolve.solution import Solution

__all__ = ["METHOD", "SCHEMES", "require_box", "run_reference", "solve_reference"]

METHOD = "fd"
SCHEMES = {
    "auto": "choose from the problem: solve_ivp for ODEs, method of lines for time-dependent PDEs, "
    "sparse direct / Newton for steady ones",
    "mol": "method of lines: central differences in space, BDF/Radau in time",
    "ftcs": "forward Euler in time, central differences in space (explicit, stability-limited)",
    "cn": "Crank-Nicolson in time (one step per output time; the rnn method's discrete physics), "
    "central differences in space",
}


def require_box(problem: Problem) -> None:
    """Refuse a domain that is not a box, saying what to use instead."""
    domain = problem.domain
    if domain is not None and not domain.is_box:
        raise MethodNotApplicable(
            f"the domain of '{problem.name}' is a {type(domain).__name__}, not a box: finite differences need a "
            "box (a tensor grid over the coordinate ranges). To validate against something, give the exact "
            'solution (Problem(..., exact={u: ...})) or reference data (Problem(..., reference="file.npz"), '
            "on a grid or on points)."
        )


def _check_scheme(problem: Problem, scheme: str, dt: float | None) -> str:
    if scheme not in SCHEMES:
        raise SettingsError(
            f"--scheme {scheme} is not known; choose one of: "
            + "; ".join(f"{k} ({v})" for k, v in SCHEMES.items())
            + "."
        )
    if problem.time is None:
        if scheme != "auto":
            raise SettingsError(
                f"'{problem.name}' is steady (no time coordinate): --scheme {scheme} is for "
                "time-dependent problems. Leave --scheme out."
            )
        if dt is not None:
            raise SettingsError(f"'{problem.name}' is steady: --dt applies to time-dependent problems only.")
        return "steady"
    if scheme == "cn":
        if dt is not None:
            raise SettingsError(
                "--scheme cn takes one step per output time: set the step with --grid "
                f"{problem.time.name}=N (N output times), not --dt."
            )
        return "cn"
    if problem.is_ode:
        if scheme == "ftcs":
            raise SettingsError(
                f"'{problem.name}' is an ODE: --scheme ftcs is for PDEs with diffusion. "
                "Leave --scheme out to solve it with solve_ivp at rtol 1e-10."
            )
        return "ode"
    return "ftcs" if scheme == "ftcs" else "mol"


def solve_reference(
    problem: Problem,
    grid: Mapping[str, int] | None = None,
    scheme: str = "auto",
    dt: float | None = None,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    integrator: str | None = None,
    progress: Callable[[float, int], None] | None = None,
) -> tuple[Solution, dict[str, Any]]:
    """Solve ``problem`` by finite differences on a tensor grid.

    Parameters
    ----------
    grid
        Nodes per coordinate, ``{"x": 201, "t": 101}``; for time, the number of output times.
        Left-out coordinates take the defaults (201 in 1-D, 101 × 101 in 2-D, 101 output
        times; 501 for ODEs).
    scheme
        ``"auto"``, ``"mol"`` or ``"ftcs"`` (see the module docstring).
    dt
        FTCS: the time step (refused above the stability limit; default 0.9 × the limit).
        Method of lines and ODEs: the integrator's largest step.
    rtol, atol, integrator
        Override the integrator's tolerances or choice (``"BDF"``, ``"Radau"``, ``"DOP853"``).
    progress
        Called as ``progress(t, steps)`` after each time step.

    Returns
    -------
    The Solution (method ``"fd"``, exact values filled where the problem has them) and the
    solver's statistics: ``scheme``, ``solver``, ``steps`` (time steps or Newton iterations),
    ``grid``, ``unknowns``, ``wall_time_s`` and the scheme's own numbers.
    """
    started = time.perf_counter()
    require_box(problem)
    kind = _check_scheme(problem, scheme, dt)
    sizes = resolve_sizes(problem, grid)
    space = make_grid(problem, sizes)
    disc = Discretisation(problem, space)
    choices: dict[str, str] = {}
    warnings: list[str] = []
    if kind == "steady":
        fields, stats = solve_steady(disc)
        times = None
    else:
        times = time_axis(problem, sizes)
        evolution = Evolution(disc)
        if not problem.is_ode:
            sizes, choices, warnings = resolve_fronts(evolution, sizes, grid or {})
            if choices:
                space = make_grid(problem, sizes)
                disc = Discretisation(problem, space)
                evolution = Evolution(disc)
        fields, stats = _march(kind, evolution, times, dt, integrator, rtol, atol, progress)
    solution = grid_solution(problem, space, times, fields)
    warnings = [*warnings, *stats.pop("warnings", [])]
    stats = _statistics(kind, stats, disc, sizes, grid or {}, choices, warnings)
    stats["wall_time_s"] = time.perf_counter() - started
    return solution, stats


def _march(
    kind: str,
    evolution: Evolution,
    times: np.ndarray,
    dt: float | None,
    integrator: str | None,
    rtol: float | None,
    atol: float | None,
    progress: Callable[[float, int], None] | None,
) -> tuple[Any, dict[str, Any]]:
    """March the semi-discrete system to the output times with the chosen scheme (FTCS, Crank-Nicolson,
    or the method of lines / solve_ivp); returns the fields and the scheme's statistics."""
    if kind == "ftcs":
        return solve_ftcs(evolution, times, dt, progress)
    if kind == "cn":
        return solve_theta(evolution, times, progress)
    return solve_mol(evolution, times, integrator, rtol, atol, dt, progress)


def _statistics(
    kind: str,
    stats: Mapping[str, Any],
    disc: Discretisation,
    sizes: Mapping[str, int],
    given: Mapping[str, int],
    choices: Mapping[str, str],
    warnings: list[str],
) -> dict[str, Any]:
    """The solver's numbers with what was chosen and why, the grid, and the boundary as discretised."""
    said = {name: choices.get(name, f"{n} ({'given' if name in given else 'default'})") for name, n in sizes.items()}
    said["solver"] = _solver_reason(kind, stats)
    axes = disc.grid.axes
    return {
        "scheme": kind,
        **stats,
        "grid": dict(sizes),
        "choices": said,
        **({"grid_chosen": dict(choices)} if choices else {}),
        **({"warnings": warnings} if warnings else {}),
        "spacing": {a.name: a.h for a in axes},
        "boundary": {k: v for k, v in disc.describe_boundary().items() if v},
        "periodic": [a.name for a in axes if a.periodic],
    }


def _solver_reason(kind: str, stats: Mapping[str, Any]) -> str:
    solver = stats.get("solver")
    if kind == "steady":
        return (
            f"{solver}: the discrete equations are linear"
            if stats.get("linear")
            else f"{solver}: the discrete equations are nonlinear; Newton from zero, sparse Jacobian"
        )
    if kind == "cn":
        return f"Crank-Nicolson, one step per output time (dt = {stats['dt']:.4g}), Newton to {stats['newton_tol']:g}"
    if kind == "ftcs":
        return f"forward Euler, dt = {stats['dt']:.4g} ({stats['dt_chosen_by']}; limit {stats['dt_limit']:.4g})"
    reason = {
        "DOP853": "explicit order 8 for a (non-stiff) ODE",
        "BDF": "first order in time: stiff diffusion, sparse analytic Jacobian",
        "Radau": "second order in time (A-stable for oscillations) or a stiff ODE",
        "RK45": "explicit: on a 3-D grid sparse LU (for BDF/Radau) fills in too much",
    }
    return f"{solver} at rtol {stats['rtol']:g}, atol {stats['atol']:g}" + (
        f": {reason[solver]}" if solver in reason else ""
    )


#: how far a default axis may be refined to keep the cell Péclet number ≤ 2, by dimension
MAX_REFINEMENT = {1: 16, 2: 4}


def resolve_fronts(
    evolution: Evolution, sizes: dict[str, int], requested: Mapping[str, int]
) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Refine default axes where advection dominates the cell (cell Péclet number |a|h/κ > 2).

    Central differences of an advection–diffusion equation oscillate when the cell Péclet
    number exceeds 2, and for u·u_x the semi-discrete system may blow up. An axis the user
    sized is left alone (with a warning); a default one is refined by a power of two (so
    the default nodes stay nodes), within `MAX_REFINEMENT`.
    """
    grid = evolution.disc.grid
    peclet = coefficients(evolution).peclet(grid.spacings)
    sizes, choices, warnings = dict(sizes), {}, []
    cap = MAX_REFINEMENT.get(len(grid.axes), 1)
    for axis, pe in zip(grid.axes, peclet):
        if not pe > 2:
            continue
        factor = min(cap, 2 ** math.ceil(math.log2(pe / 2)))
        if axis.name not in requested and factor > 1:
            sizes[axis.name] = (axis.n - 1) * factor + 1
            choices[axis.name] = (
                f"{sizes[axis.name]} (default {axis.n} refined {factor}× so that the cell Péclet "
                f"number |a|h/κ = {pe:.3g} drops to {pe / factor:.3g})"
            )
            pe = pe / factor
        if pe > 2:
            needed = math.ceil((axis.n - 1) * pe / 2) + 1
            warnings.append(
                f"the cell Péclet number |a|h/κ in {axis.name} is {pe:.3g} > 2 at the initial state: "
                f"central differences oscillate (and may blow up) here; use --grid {axis.name}={needed} "
                "or more."
            )
    return sizes, choices, warnings


def grid_solution(problem: Problem, grid: Grid, times: np.ndarray | None, fields: Mapping[str, np.ndarray]) -> Solution:
    """Full nodal vectors (nodes[, times]) → a Solution on the output grid, with exact values."""
    axes = {a.name: a.nodes for a in grid.axes}
    if times is not None:
        axes[problem.time.name] = times
    coords = tuple(axes)
    arrays = {name: grid.to_output(values) for name, values in fields.items()}
    return Solution(
        problem=problem.name,
        method=METHOD,
        axes=axes,
        fields=arrays,
        field_coords={name: coords for name in arrays},
        exact=exact_on_grid(problem, axes),
        time_coord=problem.time.name if problem.time is not None else None,
    )


def exact_on_grid(problem: Problem, axes: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The exact solution of each field that has one, on the tensor grid ``axes``."""
    if not problem.exact:
        return {}
    symbols = [c for c in problem.coords if c.name in axes]
    mesh = np.meshgrid(*[axes[c.name] for c in symbols], indexing="ij")
    out = {}
    for name, expr in problem.exact.items():
        values = sp.lambdify(symbols, problem.numeric(expr), modules="numpy")(*mesh)
        out[name] = np.broadcast_to(np.asarray(values, dtype=float), mesh[0].shape).copy()
    return out


# -- the run directory ------------------------------------------------------------------------


def problem_record(problem: Problem) -> dict[str, Any]:
    file = getattr(problem, "file", None)
    return {
        "name": problem.name,
        "file": file and str(Path(file).resolve()),
        "parameters": dict(problem.parameter_values),
    }


def metrics_of(solution: Solution, stats: Mapping[str, Any]) -> dict[str, Any]:
    """metrics.json: the error norms, steps, wall time, method, and the solver's numbers."""
    return {
        **solution.metrics(),
        "steps": stats.get("steps"),
        "wall_time_s": stats.get("wall_time_s"),
        "method": METHOD,
        **{k: v for k, v in stats.items() if k not in ("steps", "wall_time_s")},
    }


def run_reference(
    problem: Problem,
    out: str | Path | None = None,
    grid: Mapping[str, int] | None = None,
    scheme: str = "auto",
    dt: float | None = None,
    *,
    overwrite: bool = False,
) -> Path:
    """Solve (see `solve_reference`) and write a run directory; return its path.

    The directory (``out`` itself, or ``runs/<problem>-fd-<time>`` when ``out`` is None)
    holds ``config.json``, ``solution.npz``, ``solution.vtu`` or ``.xdmf``, ``metrics.json``
    and ``plots/``. Nothing is created before the solve has succeeded. (``pinnsolve solve
    --method fd`` writes the same through the runner.)
    """
    from pinnsolve.evaluate import output_bytes
    from pinnsolve.io import RunDirectory

    solution, stats = solve_reference(problem, grid=grid, scheme=scheme, dt=dt)
    needed = output_bytes(problem, {k: v for k, v in stats["grid"].items() if k in {c.name for c in problem.coords}})
    run = RunDirectory.create(out, problem.name, METHOD, overwrite=overwrite, needed=needed)
    run.write_config(
        {
            "problem": problem_record(problem),
            "method": METHOD,
            "requested": {"grid": dict(grid or {}), "scheme": scheme, "dt": dt},
            "settings": {
                "grid": stats["grid"],
                "scheme": stats["scheme"],
                "solver": stats.get("solver"),
                **{k: stats[k] for k in ("rtol", "atol", "dt", "dt_chosen_by", "max_step") if k in stats},
            },
            "choices": stats["choices"],
        },
        result_kind=solution.kind,
        problem_file=getattr(problem, "file", None),
    )
    solution.save(run.path)
    run.write_metrics(metrics_of(solution, stats))
    solution.plot_all(run.plots)
    return run.path
