"""Off-screen 3-D renders of a Solution with pyvista (optional): PNG files, no display needed.

=========================  =====================================================================
2-D field (grid or mesh)   the field as a surface warped by its value, coloured by it; the error
                           beside it, warped the same way, when the exact solution is known
1-D + time                 u(x, t) as a warped surface over the (x, t) plane
3-D field                  orthogonal slices through the middle | iso-surfaces in the outline
ODE with 3 fields          the trajectory as a tube coloured by time (the Lorenz attractor)
=========================  =====================================================================

pyvista and VTK are imported only here and only when a render is asked for. VTK's Linux
wheels open an off-screen OpenGL context themselves: through X when ``DISPLAY`` is set, else
EGL (Debian: ``libegl1 libegl-mesa0 libgl1-mesa-dri``, software rendering with llvmpipe), else
OSMesa (``libosmesa6``). Where none of these works :class:`RenderUnavailable` says what to
install. ``python -m pinnsolve.viz.render RUN_DIR`` renders in a process of its own, which is
how the CLI calls it, so that a crash inside the OpenGL driver becomes a message.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pinnsolve.dsl.errors import PinnsolveError
from pinnsolve.io.atomic import atomic_write
from pinnsolve.solution import Solution
from pinnsolve.viz.render_scenes import SIZE_ONE as SIZE_ONE
from pinnsolve.viz.render_scenes import SIZE_TWO as SIZE_TWO
from pinnsolve.viz.render_scenes import WARP_HEIGHT as WARP_HEIGHT
from pinnsolve.viz.render_scenes import trajectory_tube, volume_views, warped_surfaces

__all__ = ["MODES", "RenderUnavailable", "plan", "render_solution", "require_pyvista", "INSTALL_HINT", "GL_HINT"]

MODES = ("auto", "surface", "slices", "iso")
INSTALL_HINT = (
    "pinnsolve render needs pyvista (it brings VTK): pip install pyvista, or "
    "pip install 'pinnsolve[render]'. The matplotlib plots (pinnsolve plot) need "
    "neither."
)
GL_HINT = (
    "VTK found no OpenGL context to render into off-screen. On Debian/Ubuntu install "
    "EGL with Mesa's software renderer: apt-get install -y libegl1 libegl-mesa0 "
    "libgl1-mesa-dri (or OSMesa: libosmesa6), or run under a display (DISPLAY, or "
    "xvfb-run). The matplotlib plots (pinnsolve plot) work without it."
)


class RenderUnavailable(PinnsolveError):
    """pyvista or an off-screen OpenGL context is missing: the message says what to install."""


def require_pyvista() -> Any:
    """Import pyvista, or raise :class:`RenderUnavailable`.

    pyvista's global ``pv.OFF_SCREEN`` is left as the user set it: every plotter made here is
    created with ``off_screen=True`` itself.
    """
    try:
        import pyvista as pv
    except ImportError as exc:
        raise RenderUnavailable(f"{INSTALL_HINT} ({exc})") from None
    return pv


def render_solution(
    solution: Solution,
    out_dir: str | Path,
    *,
    field: str | None = None,
    time: float | None = None,
    mode: str = "auto",
    size: Sequence[int] | None = None,
) -> list[Path]:
    """Render ``solution`` to PNG files in ``out_dir``; returns the files.

    One file per field (``render_<field>.png``), or ``render_trajectory.png`` for a 3-field
    ODE system. ``time`` picks the snapshot of a 2-D or 3-D time-dependent solution (default:
    the last sampled time); ``mode`` forces the 3-D style (``slices`` or ``iso``; ``auto``
    draws both side by side).
    """
    s, layout = plan(solution, field=field, time=time, mode=mode)
    pv = require_pyvista()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = [field] if field else list(s.fields)
    if layout == "trajectory":
        return [_save(trajectory_tube(pv, s, size), out / "render_trajectory.png")]
    if layout == "volume":
        return [_save(volume_views(pv, s, f, mode, size), out / f"render_{f}.png") for f in names]
    plane = _plane_coords(s)
    assert plane is not None
    return [_save(warped_surfaces(pv, s, f, plane, size), out / f"render_{f}.png") for f in names]


def plan(
    solution: Solution, *, field: str | None = None, time: float | None = None, mode: str = "auto"
) -> tuple[Solution, str]:
    """Check a render request without pyvista: the snapshot to draw and its layout.

    The layout is ``"surface"`` (a field over a plane), ``"volume"`` (a 3-D field) or
    ``"trajectory"`` (a 3-field ODE). Raises ValueError saying why a request cannot be drawn.
    """
    if mode not in MODES:
        raise ValueError(f"unknown render mode {mode!r}; choose one of: {', '.join(MODES)}")
    if field is not None and field not in solution.fields:
        raise ValueError(f"{solution.problem} has no field {field!r}; fields: {', '.join(solution.fields)}")
    s = _snapshot(solution, time)
    if s.is_ode:
        if len(s.fields) != 3:
            raise ValueError(
                f"{solution.problem} is an ODE system of {len(s.fields)} field(s); "
                "a 3-D render needs 3 (use pinnsolve plot for trajectories)"
            )
        return s, "trajectory"
    if _plane_coords(s) is not None:
        return s, "surface"
    if len(s.space_coords) == 3:
        return s, "volume"
    raise ValueError(
        f"{solution.problem}: nothing to render in 3-D for coordinates "
        f"{', '.join(s.space_coords) or '(none)'}; use pinnsolve plot for curves"
    )


def _snapshot(s: Solution, time: float | None) -> Solution:
    """The solution at one time when it is 2-D or 3-D in space and sampled in time."""
    t = s.time_coord
    if t is None or t not in s.axes:
        if time is not None:
            raise ValueError(f"{s.problem} has no time axis, so --time does not apply")
        return s
    if not s.space_coords:
        if time is not None:
            raise ValueError(f"{s.problem} is drawn as a whole trajectory, so --time does not apply")
        return s
    if len(s.space_coords) < 2:
        if time is not None:
            raise ValueError(
                f"{s.problem} is drawn over the whole ({s.space_coords[0]}, {t}) plane, so --time does not apply"
            )
        return s
    ts = s.axes[t]
    value = float(ts[-1]) if time is None else float(time)
    if not ts.min() - 1e-9 <= value <= ts.max() + 1e-9:
        raise ValueError(f"--time {value:g} is outside the solution's time range [{ts.min():g}, {ts.max():g}]")
    return s.at_time(value)


def _plane_coords(s: Solution) -> tuple[str, str] | None:
    """The two coordinates of a field that is a surface over a plane: (x, y) or (x, t)."""
    if s.is_ode:
        return None
    if len(s.space_coords) == 2:
        return s.space_coords[0], s.space_coords[1]
    if len(s.space_coords) == 1 and s.time_coord in s.axes:
        return s.space_coords[0], s.time_coord  # type: ignore[return-value]
    if len(s.space_coords) == 1 and s.points is not None and s.time_coord in s.point_coords:
        return s.point_coords[0], s.time_coord  # type: ignore[return-value]
    return None


def _save(plotter: Any, path: Path) -> Path:
    """Render and write the PNG atomically; a failing OpenGL context becomes RenderUnavailable."""
    try:
        with atomic_write(path) as tmp:
            plotter.screenshot(str(tmp))
    except (RuntimeError, OSError, ValueError) as exc:
        raise RenderUnavailable(f"{GL_HINT} ({type(exc).__name__}: {exc})") from None
    finally:
        plotter.close()
    return path


# -- running in a process of its own ---------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m pinnsolve.viz.render RUN_DIR [options]``: what ``pinnsolve render`` runs."""
    import argparse
    import sys

    from pinnsolve.viz.command import add_render_arguments, render_in_process

    parser = argparse.ArgumentParser(prog="python -m pinnsolve.viz.render")
    add_render_arguments(parser)
    args = parser.parse_args(argv)
    try:
        paths = render_in_process(args)
    except PinnsolveError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3 if isinstance(exc, RenderUnavailable) else 2
    for p in paths:
        print(p)
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through the CLI in a subprocess
    os.environ.setdefault("PYVISTA_OFF_SCREEN", "true")
    raise SystemExit(main())
