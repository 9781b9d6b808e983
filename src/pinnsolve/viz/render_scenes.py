"""The pyvista scenes of `pinnsolve.viz.render`: warped surfaces over a plane, slices and
iso-surfaces of a 3-D field, and the tube of a 3-field trajectory.

Each function builds an off-screen plotter and returns it unrendered; `pinnsolve.viz.render`
renders it to a PNG (and turns a missing OpenGL context into a message).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from pinnsolve.solution import Solution

__all__ = ["SIZE_ONE", "SIZE_TWO", "WARP_HEIGHT", "trajectory_tube", "volume_views", "warped_surfaces"]

WARP_HEIGHT = 0.45  # the warped surface rises to this fraction of the plane's larger side
SIZE_ONE = (1000, 800)
SIZE_TWO = (1700, 800)


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


def warped_surfaces(pv: Any, s: Solution, f: str, plane: tuple[str, str], size: Sequence[int] | None) -> Any:
    """The field as a surface warped by its value (its error beside it): an unrendered off-screen plotter."""
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
    return plotter


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


def volume_views(pv: Any, s: Solution, f: str, mode: str, size: Sequence[int] | None) -> Any:
    """A 3-D field as orthogonal slices through the middle and/or iso-surfaces inside its outline:
    an off-screen plotter, not yet rendered."""
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
    return plotter


def trajectory_tube(pv: Any, s: Solution, size: Sequence[int] | None) -> Any:
    """A 3-field ODE trajectory as a tube coloured by time, its start marked by a sphere: an off-screen
    plotter, not yet rendered."""
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
    return plotter


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
