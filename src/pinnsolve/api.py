"""The Python API: the CLI's commands as functions that return result objects (notebooks).

``pinnsolve.solve``, ``pinnsolve.reference``, ``pinnsolve.validate`` and ``pinnsolve.load_result``
call these. (``pinnsolve.reference`` and ``pinnsolve.validate`` are also the names of the
subpackages; once imported, each package is callable and calls the function here.)
"""

from __future__ import annotations

from pinnsolve.dsl import Problem, load_problem

__all__ = ["load_result", "reference", "solve", "validate"]


def solve(
    problem: Problem | str,
    method: str = "pinn",
    *,
    out: str | None = None,
    overwrite: bool = False,
    seed: int = 0,
    dtype: str = "float64",
    device: str = "cpu",
    grid: dict[str, int] | None = None,
    quiet: bool = True,
    **settings: object,
) -> object:
    """Solve ``problem`` (a `Problem` or a problem file) with ``method`` and write its run directory.

    ``settings`` are the method's own (the keys of ``pinnsolve solve --help``, e.g. ``steps=500,
    width=16``); a key the method does not take is an error naming its settings. Returns a
    `pinnsolve.run.RunResult`: ``.result`` (a `Solution` for the field solvers), ``.metrics``,
    ``.run_dir``, ``.history``, ``.model``, and ``.plot(kind)``. Mirrors ``pinnsolve solve``;
    the thread count is left as the process has it (``torch.set_num_threads`` to change it).
    """
    from pinnsolve.run import RunOptions
    from pinnsolve.run import solve as run_solve

    if not isinstance(problem, Problem):
        problem = load_problem(problem)
    options = RunOptions(method=method, settings=settings, seed=seed, dtype=dtype, device=device, grid=grid)
    return run_solve(
        problem,
        options,
        out=out,
        plain=True if quiet else None,
        overwrite=overwrite,
        stream=_quiet_stream() if quiet else None,
    )


def reference(
    problem: Problem | str,
    *,
    grid: dict[str, int] | None = None,
    scheme: str = "auto",
    dt: float | None = None,
    out: str | None = None,
    overwrite: bool = False,
) -> object:
    """The finite-difference solution (``--method fd``): as `solve`, with the reference's settings."""
    settings: dict[str, object] = {"scheme": scheme, **({"dt": dt} if dt is not None else {})}
    return solve(problem, "fd", out=out, overwrite=overwrite, grid=grid, **settings)


def validate(
    problem: Problem | str,
    methods: str | list[str] | None = None,
    *,
    out: str | None = None,
    quick: bool = False,
    **settings: object,
) -> object:
    """Run several methods on one problem, compare them, write report.html/report.md: as ``pinnsolve validate``.

    Returns a `pinnsolve.validate.ValidationResult` (``result["pinn"].l2``, ``.report_html``, ...).
    """
    from pinnsolve.validate import validate_problem

    if not isinstance(problem, Problem):
        problem = load_problem(problem)
    return validate_problem(problem, methods, out=out, quick=quick, settings=settings, log=None)


def load_result(run_dir: str) -> object:
    """The result of any run directory (a `Solution`, ...), read back from its files."""
    from pinnsolve.results import load_result as load

    return load(run_dir)


def _quiet_stream() -> object:
    import io

    return io.StringIO()
