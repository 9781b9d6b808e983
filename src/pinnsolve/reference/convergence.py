"""Convergence studies: the same problem on grids refined by halving h, and the observed order.

With errors :math:`e_h` against the exact solution, the observed order between two levels is

.. math::
    p = \\log_2 \\frac{e_{h}}{e_{h/2}},

2 for the second-order stencils on a smooth problem. Without an exact solution the levels
are compared with the finest grid (restricted to each coarser grid's nodes, which the
finest contains because every level is the previous one with each interval halved), and
the order is taken from the differences of successive levels,
:math:`p = \\log_2 (\\lVert u_{4h} - u_{2h}\\rVert / \\lVert u_{2h} - u_h\\rVert)`, which does
not suffer from the finest grid's own error (Roache, *Verification and Validation in
Computational Science and Engineering*, 1998, §5).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import MethodNotApplicable, SettingsError
from pinnsolve.reference.solve import (
    METHOD,
    problem_record,
    require_box,
    solve_reference,
)
from pinnsolve.solution import Solution

__all__ = ["BASE_INTERVALS", "convergence_study", "format_table", "write_convergence"]

#: intervals per space axis on the coarsest level (11 nodes), doubled on each finer one
BASE_INTERVALS = 10
#: output times shared by every level of a time-dependent study
STUDY_TIMES = 11
#: how often the coarsest grid may be doubled to resolve advection
MAX_BASE_DOUBLINGS = 6
COLUMNS = ["level", "grid", "h", "l2_relative_error", "max_abs_error", "difference", "order", "steps", "wall_time_s"]


def _level_sizes(
    problem: Problem, levels: int, base: int | Mapping[str, int] | None, times: int
) -> list[dict[str, int]]:
    names = [c.name for c in problem.space]
    if isinstance(base, Mapping):
        unknown = [k for k in base if k not in names]
        if unknown:
            raise SettingsError(
                f"the convergence base grid names '{unknown[0]}', which is not a space coordinate "
                f"of '{problem.name}' ({', '.join(names)})."
            )
        first = {n: int(base.get(n, BASE_INTERVALS + 1)) for n in names}
    else:
        first = {n: int(base or BASE_INTERVALS + 1) for n in names}
    for name, n in first.items():
        if n < 3:
            raise SettingsError(f"the coarsest convergence grid has {name}={n}; give at least 3 points.")
    out = []
    for k in range(levels):
        sizes = {name: (n - 1) * 2**k + 1 for name, n in first.items()}
        if problem.time is not None:
            sizes[problem.time.name] = times
        out.append(sizes)
    return out


def _resolved_base(problem: Problem, times: int) -> tuple[int | None, str]:
    """The coarsest grid: 11 nodes per axis, doubled while advection dominates the cell
    (cell Péclet number > 2, where central differences oscillate or blow up)."""
    from pinnsolve.reference.coefficients import coefficients
    from pinnsolve.reference.discretise import Discretisation
    from pinnsolve.reference.evolution import Evolution
    from pinnsolve.reference.grid import make_grid

    sizes = {c.name: BASE_INTERVALS + 1 for c in problem.space}
    sizes[problem.time.name] = times
    grid = make_grid(problem, sizes)
    peclet = float(np.max(coefficients(Evolution(Discretisation(problem, grid))).peclet(grid.spacings), initial=0.0))
    if not peclet > 2:
        return None, ""
    factor = 2 ** min(MAX_BASE_DOUBLINGS, math.ceil(math.log2(peclet / 2)))
    n = BASE_INTERVALS * factor + 1
    return n, (
        f"coarsest grid {n} nodes per axis (not {BASE_INTERVALS + 1}): the cell Péclet number there "
        f"was {peclet:.3g} > 2"
    )


def _restrict(fine: Solution, coarse: Solution, factor: int) -> dict[str, np.ndarray]:
    """The fine solution at the coarse grid's nodes (every ``factor``-th node in space)."""
    time = fine.time_coord
    out = {}
    for name, values in fine.fields.items():
        index = tuple(slice(None) if c == time else slice(None, None, factor) for c in fine.field_coords[name])
        out[name] = values[index]
        assert out[name].shape == coarse.fields[name].shape
    return out


def _grid_words(sizes: Mapping[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sizes.items())


def _order(coarse: float | None, fine: float | None) -> float | None:
    if coarse is None or fine is None or not (coarse > 0 and fine > 0):
        return None
    return math.log2(coarse / fine)


def convergence_study(
    problem: Problem,
    levels: int = 4,
    *,
    base: int | Mapping[str, int] | None = None,
    scheme: str = "auto",
    times: int = STUDY_TIMES,
    out: str | Path | None = None,
    progress: Any = None,
) -> dict[str, Any]:
    """Solve on ``levels`` grids of 11, 21, 41, 81, ... nodes per space axis; errors and orders.

    Parameters
    ----------
    levels
        Number of grids (at least 2; 4 or more to see the asymptotic order).
    base
        Nodes per space axis on the coarsest grid (int for all, or per name); default 11.
    scheme
        As in `solve_reference`; FTCS chooses 0.9 × its stability limit on each level.
    times
        Output times of a time-dependent problem, the same on every level.
    out
        If given, the directory to write ``convergence.csv``, ``convergence.json``,
        ``plots/convergence.png``, ``config.json`` and the finest level's ``solution.npz``.
    progress
        Called as ``progress(level_index, sizes)`` before each level is solved.

    Returns
    -------
    ``{"problem", "against", "scheme", "expected_order": 2, "order", "fit_order", "levels": [
    {"grid", "sizes", "h", "l2_relative_error", "max_abs_error", "difference", "order",
    "steps", "wall_time_s", "warnings"}, ...], "run_dir", "plot"}``. ``order`` is the order
    between the two finest levels that have one (the most asymptotic), ``fit_order`` the
    least-squares slope of log error against log h over all levels.
    """
    _check_study(problem, levels, times)
    notes = []
    if base is None and not problem.is_ode and problem.time is not None:
        base, note = _resolved_base(problem, times)
        notes += [note] if note else []
    all_sizes = _level_sizes(problem, levels, base, times)
    solutions, rows, scheme_used = _solve_levels(problem, all_sizes, scheme, progress)
    has_exact = bool(problem.exact)
    _measure_levels(rows, solutions, has_exact)
    orders = [r["order"] for r in rows if r["order"] is not None]
    result: dict[str, Any] = {
        "problem": problem.name,
        "method": METHOD,
        "scheme": scheme_used,
        "against": "exact solution" if has_exact else f"finest grid ({_grid_words(all_sizes[-1])})",
        "order_from": "errors" if has_exact else "differences of successive levels",
        "expected_order": 2,
        "order": orders[-1] if orders else None,
        "fit_order": _fit_order(rows, "l2_relative_error" if has_exact else "difference"),
        "levels": rows,
        "notes": notes,
        "run_dir": None,
        "plot": None,
    }
    if out is not None:
        from pinnsolve.io import make_run_dir

        write_convergence(result, make_run_dir(out, problem.name, "fd-convergence", exact=True), problem, solutions[-1])
    return result


def _check_study(problem: Problem, levels: int, times: int) -> None:
    require_box(problem)
    if problem.is_ode:
        raise MethodNotApplicable(
            f"'{problem.name}' is an ODE: there is no space grid to refine. Its reference is "
            "solved by solve_ivp at rtol 1e-10; check it against exact= instead."
        )
    if levels < 2:
        raise SettingsError(f"--levels {levels}: a convergence study needs at least 2 levels (4 recommended).")
    if times < 2:
        raise SettingsError(f"a convergence study needs at least 2 output times, got {times}.")


def _solve_levels(
    problem: Problem, all_sizes: list[dict[str, int]], scheme: str, progress: Any
) -> tuple[list[Solution], list[dict[str, Any]], str | None]:
    """Each level's solution, its row of the table (grid, h, steps, time), and the scheme used."""
    solutions: list[Solution] = []
    rows: list[dict[str, Any]] = []
    scheme_used = None
    for k, sizes in enumerate(all_sizes):
        if progress is not None:
            progress(k, sizes)
        solution, stats = solve_reference(problem, grid=sizes, scheme=scheme)
        scheme_used = stats["scheme"]
        solutions.append(solution)
        rows.append(
            {
                "level": k,
                "grid": _grid_words(sizes),
                "sizes": dict(sizes),
                "h": max(stats["spacing"].values()),
                "steps": stats.get("steps"),
                "wall_time_s": stats["wall_time_s"],
                "warnings": stats.get("warnings", []),
            }
        )
    return solutions, rows, scheme_used


def _measure_levels(rows: list[dict[str, Any]], solutions: list[Solution], has_exact: bool) -> None:
    """Fill each row's errors (against the exact solution, else the finest level), differences and orders."""
    levels, finest = len(solutions), solutions[-1]
    for k, (row, solution) in enumerate(zip(rows, solutions)):
        if has_exact:
            errors = solution.errors()
        elif k < levels - 1:
            reference = _restrict(finest, solution, 2 ** (levels - 1 - k))
            errors = _compare(solution, reference)
            row["difference"] = _compare(solution, _restrict(solutions[k + 1], solution, 2))["l2_relative_error"]
        else:
            errors = {}
        row["l2_relative_error"] = errors.get("l2_relative_error")
        row["max_abs_error"] = errors.get("max_abs_error")
        row.setdefault("difference", None)
    for k, row in enumerate(rows):
        if k == 0:
            row["order"] = None
        elif has_exact:
            row["order"] = _order(rows[k - 1]["l2_relative_error"], row["l2_relative_error"])
        else:
            row["order"] = _order(rows[k - 1]["difference"], row["difference"])


def _fit_order(rows: list[dict[str, Any]], key: str) -> float | None:
    """The least-squares slope of log(rows[key]) against log h, over the levels that have a positive value."""
    points = [(r["h"], r[key]) for r in rows if r[key] is not None and r[key] > 0]
    if len(points) < 2:
        return None
    return float(np.polyfit(np.log([h for h, _ in points]), np.log([e for _, e in points]), 1)[0])


def _compare(solution: Solution, reference: Mapping[str, np.ndarray]) -> dict[str, Any]:
    probe = Solution(
        problem=solution.problem,
        method=solution.method,
        axes=solution.axes,
        fields=solution.fields,
        field_coords=solution.field_coords,
        exact=dict(reference),
        time_coord=solution.time_coord,
    )
    return probe.errors()


def format_table(result: Mapping[str, Any]) -> str:
    """The study as a plain-text table, with the observed order under it."""
    diff = result["levels"] and any(r.get("difference") is not None for r in result["levels"])
    header = ["grid", "h", "L2 rel. error", "max abs error"] + (["difference"] if diff else []) + ["order"]
    lines = []

    def number(v: Any, fmt: str = ".3e") -> str:
        return "—" if v is None else format(v, fmt)

    for r in result["levels"]:
        cells = [r["grid"], number(r["h"], ".4g"), number(r["l2_relative_error"]), number(r["max_abs_error"])]
        cells += [number(r.get("difference"))] if diff else []
        cells += [number(r["order"], ".2f")]
        lines.append(cells)
    widths = [max(len(h), *(len(c[i]) for c in lines)) for i, h in enumerate(header)]
    text = ["  ".join(h.ljust(w) for h, w in zip(header, widths))]
    text += ["  ".join(c.ljust(w) for c, w in zip(cells, widths)) for cells in lines]
    order = result.get("order")
    text += [f"note: {n}" for n in result.get("notes", [])]
    text.append(
        f"errors against the {result['against']}; observed order "
        + ("—" if order is None else f"{order:.2f}")
        + f" (expected {result['expected_order']}"
        + (f", least-squares fit {result['fit_order']:.2f})" if result.get("fit_order") is not None else ")")
    )
    return "\n".join(text)


def write_convergence(
    result: dict[str, Any], run_dir: Path, problem: Problem, finest: Solution | None = None
) -> dict[str, Any]:
    """Write the study into ``run_dir`` (csv, json, config, finest solution); fills ``result["run_dir"]``.

    The log-log figure is drawn by the viz layer (`pinnsolve.viz.convergence.plot_convergence`)."""
    from pinnsolve.io import RunDirectory, write_json, write_text

    run_dir = Path(run_dir)
    result["run_dir"] = str(run_dir)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in result["levels"]:
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in COLUMNS})
    write_text(run_dir / "convergence.csv", buffer.getvalue())
    RunDirectory(run_dir).write_config(
        {
            "problem": problem_record(problem),
            "method": METHOD,
            "study": "convergence",
            "scheme": result["scheme"],
            "levels": [r["sizes"] for r in result["levels"]],
        },
        result_kind="solution",
        problem_file=getattr(problem, "file", None),
    )
    if finest is not None:
        finest.save_npz(run_dir / "solution.npz")
    write_json(run_dir / "convergence.json", result)
    return result
