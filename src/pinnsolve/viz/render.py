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

import numpy as np

from pinnsolve.dsl.errors import PinnsolveError
from pinnsolve.io.atomic import atomic_write
from pinnsolve.solution import Solution

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
WARP_HEIGHT = 0.45  # the warped surface rises to this fraction of the plane's larger side
SIZE_ONE = (1000, 800)
SIZE_TWO = (1700, 800)


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
        return [_trajectory(pv, s, out / "render_trajectory.png", size)]
    if layout == "volume":
        return [_volume(pv, s, f, mode, out / f"render_{f}.png", size) for f in names]
    plane = _plane_coords(s)
    assert plane is not None
    return [_surface(pv, s, f, plane, out / f"render_{f}.png", size) for f in names]


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


# -- layouts ---------------------------------------------------------------------------------


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


def _plane_mesh(pv: Any, s: Solution, plane: tuple[str, str]) -> tuple[Any, np.ndarray]:
    """A flat mesh of the plane (z = 0) and the point order of the solution's arrays."""
    a, b = plane
    if s.is_grid:
        xa, xb = s.axes[a], s.axes[b]
        X, Y = np.meshgrid(xa, xb, indexing="ij")
        grid = pv.StructuredGrid(X[..., None], Y[..., None], np.zeros_like(X)[..., None])
        # StructuredGrid numbers points in Fortran order; the fields are C-ordered (ij).
        order = np.arange(X.size).reshape(X.shape).ravel(order="F")
        return grid, order
    assert s.points is not None
    p = np.column_stack(
        [s.points[:, s.point_coords.index(a)], s.points[:, s.point_coords.index(b)], np.zeros(len(s.points))]
    )
    if s.triangles is not None:
        faces = np.column_stack([np.full(len(s.triangles), 3), s.triangles]).ravel()
        return pv.PolyData(p, faces=faces), np.arange(len(p))
    return pv.PolyData(p).delaunay_2d(), np.arange(len(p))


def _values_on(s: Solution, f: str, which: str, plane: tuple[str, str]) -> np.ndarray:
    """The field over the plane, flattened in the solution's own point order."""
    v = np.asarray(s.broadcast(f, which), dtype=float)
    if s.is_grid:
        keep = [list(s.axes).index(c) for c in plane]
        drop = tuple(i for i in range(v.ndim) if i not in keep)
        v = v[tuple(slice(None) if i in keep else 0 for i in range(v.ndim))] if drop else v
        if keep != sorted(keep):
            v = v.T
    return v.ravel()


def _surface(pv: Any, s: Solution, f: str, plane: tuple[str, str], path: Path, size: Sequence[int] | None) -> Path:
    base, order = _plane_mesh(pv, s, plane)
    panels = [("predicted", _values_on(s, f, "predicted", plane), "viridis")]
    if f in s.exact:
        panels.append(("error", _values_on(s, f, "error", plane), "RdBu_r"))
    x0, x1, y0, y1, _, _ = base.bounds
    # 1-D + time: stretch t so that the (x, t) plane is square; a space-space plane keeps
    # its own shape (equal aspect, like the matplotlib maps).
    stretch = (x1 - x0) / (y1 - y0) if s.time_coord in plane and y1 > y0 else 1.0
    extent = float(max(x1 - x0, (y1 - y0) * stretch))
    plotter = pv.Plotter(
        off_screen=True,
        shape=(1, len(panels)),
        window_size=tuple(size or (SIZE_TWO if len(panels) == 2 else SIZE_ONE)),
        border=False,
    )
    plotter.set_background("white")
    for col, (what, values, cmap) in enumerate(panels):
        plotter.subplot(0, col)
        mesh = base.copy()
        mesh.points[:, 1] = y0 + (mesh.points[:, 1] - y0) * stretch
        mesh.point_data[f] = values[order]
        finite = values[np.isfinite(values)]
        clim = _clim(finite, symmetric=what == "error")
        # Warp to a fixed fraction of the plane's size; the axis labels show the true values.
        factor = WARP_HEIGHT * extent / (clim[1] - clim[0])
        warped = mesh.copy()
        # Up is +z whatever way the cells are wound (warp_by_scalar follows the normals).
        warped.points[:, 2] = factor * np.where(np.isfinite(mesh.point_data[f]), mesh.point_data[f], clim[0])
        label = f if what == "predicted" else f"{f} - exact"
        plotter.add_mesh(warped, scalars=f, cmap=cmap, clim=clim, smooth_shading=True, scalar_bar_args=_bar(label))
        rim = mesh.extract_feature_edges(
            boundary_edges=True, feature_edges=False, manifold_edges=False, non_manifold_edges=False
        )
        plotter.add_mesh(rim.translate((0, 0, factor * clim[0]), inplace=False), color="black", line_width=1.5)
        plotter.add_text(_heading(s, f, what), font_size=12, color="black")
        z0, z1 = factor * clim[0], factor * clim[1]
        plotter.show_bounds(
            bounds=(x0, x1, y0, y0 + (y1 - y0) * stretch, z0, z1),
            axes_ranges=(x0, x1, y0, y1, clim[0], clim[1]),
            xtitle=plane[0],
            ytitle=plane[1],
            ztitle=label,
            color="black",
            font_size=14,
            grid=False,
            location="outer",
            ticks="outside",
            n_xlabels=5,
            n_ylabels=5,
            n_zlabels=3,
            fmt="%.3g",
        )
        # x across, the second coordinate (y, or t) receding, the value upwards.
        plotter.enable_parallel_projection()
        plotter.view_vector((0.75, -1.6, 0.95), viewup=(0.0, 0.0, 1.0))
        plotter.reset_camera()
        plotter.camera.zoom(0.8)
    return _save(plotter, path)


def _bar(title: str) -> dict[str, Any]:
    """A vertical colour bar at the right edge of the panel (the camera leaves room for it)."""
    return {
        "title": title,
        "vertical": True,
        "color": "black",
        "title_font_size": 20,
        "label_font_size": 16,
        "position_x": 0.88,
        "position_y": 0.15,
        "height": 0.7,
        "width": 0.045,
        "n_labels": 5,
        "fmt": "%.3g",
    }


def _volume(pv: Any, s: Solution, f: str, mode: str, path: Path, size: Sequence[int] | None) -> Path:
    if s.is_grid:
        axes = [s.axes[c] for c in s.space_coords]
        grid = pv.RectilinearGrid(*axes)
        v = np.asarray(s.broadcast(f), dtype=float)
        grid.point_data[f] = v.ravel(order="F")  # VTK's x-fastest order
    else:
        assert s.points is not None
        cloud = pv.PolyData(np.asarray(s.points, dtype=float))
        cloud.point_data[f] = np.asarray(s.broadcast(f), dtype=float)
        grid = cloud.delaunay_3d()
    styles = ["slices", "iso"] if mode == "auto" or mode == "surface" else [mode]
    plotter = pv.Plotter(
        off_screen=True,
        shape=(1, len(styles)),
        window_size=tuple(size or (SIZE_TWO if len(styles) == 2 else SIZE_ONE)),
        border=False,
    )
    plotter.set_background("white")
    values = np.asarray(grid.point_data[f])
    clim = _clim(values[np.isfinite(values)])
    for col, style in enumerate(styles):
        plotter.subplot(0, col)
        plotter.add_mesh(grid.outline(), color="black")
        if style == "slices":
            # Unlit: each slice shows exactly the colour bar's colours.
            plotter.add_mesh(
                grid.slice_orthogonal(), scalars=f, cmap="viridis", clim=clim, lighting=False, scalar_bar_args=_bar(f)
            )
        else:
            levels = np.linspace(clim[0], clim[1], 7)[1:-1]
            plotter.add_mesh(
                grid.contour(isosurfaces=levels, scalars=f),
                scalars=f,
                cmap="viridis",
                clim=clim,
                opacity=0.6,
                smooth_shading=True,
                scalar_bar_args=_bar(f),
            )
        plotter.add_text(_heading(s, f, "slices" if style == "slices" else "iso-surfaces"), font_size=12, color="black")
        x, y, z = s.space_coords
        plotter.show_bounds(
            xtitle=x,
            ytitle=y,
            ztitle=z,
            color="black",
            font_size=14,
            grid=False,
            location="outer",
            ticks="outside",
            fmt="%.3g",
        )
        plotter.view_isometric()
        plotter.camera.zoom(0.75)
    return _save(plotter, path)


def _trajectory(pv: Any, s: Solution, path: Path, size: Sequence[int] | None) -> Path:
    names = list(s.fields)
    t = s.time_coord
    assert t is not None
    p = np.column_stack([np.asarray(s.broadcast(n), dtype=float) for n in names])
    ok = np.all(np.isfinite(p), axis=1)
    line = pv.lines_from_points(p[ok])
    line.point_data[t] = s.axes[t][ok]
    radius = 0.004 * float(np.max(np.ptp(p[ok], axis=0))) if ok.any() else 0.01
    plotter = pv.Plotter(off_screen=True, window_size=tuple(size or SIZE_ONE))
    plotter.set_background("white")
    plotter.add_mesh(
        line.tube(radius=radius or 0.01), scalars=t, cmap="plasma", smooth_shading=True, scalar_bar_args=_bar(t)
    )
    plotter.add_mesh(pv.Sphere(radius=4 * radius or 0.04, center=p[ok][0]), color="green")
    plotter.add_text(_heading(s, None, "trajectory"), font_size=12, color="black")
    plotter.show_bounds(
        xtitle=names[0],
        ytitle=names[1],
        ztitle=names[2],
        color="black",
        font_size=14,
        grid=False,
        location="outer",
        ticks="outside",
        fmt="%.3g",
    )
    plotter.view_isometric()
    plotter.camera.zoom(0.8)
    return _save(plotter, path)


# -- pieces ----------------------------------------------------------------------------------


def _clim(values: np.ndarray, symmetric: bool = False) -> tuple[float, float]:
    if values.size == 0:
        return (-1.0, 1.0)
    if symmetric:
        m = float(np.max(np.abs(values))) or 1e-16
        return (-m, m)
    lo, hi = float(values.min()), float(values.max())
    if hi <= lo:
        pad = 1e-3 * max(1.0, abs(hi))
        return (lo - pad, hi + pad)
    return (lo, hi)


def _heading(s: Solution, f: str | None, what: str) -> str:
    parts = [f"{s.problem} - {s.method}"]
    if f is not None:
        parts.append(f"{f}: {what}")
    else:
        parts.append(what)
    err = s.errors()
    if err:
        parts.append(f"L2 rel. error {err['l2_relative_error']:.2e}")
    return ",  ".join(parts)


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
