"""Small hand-made Solutions of every layout, shared by the io and viz tests.

Loaded by file path (see the conftest files), because tests/ has no package structure.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import Delaunay

from pinnsolve.solution import Solution


def heat1d() -> Solution:
    """u = sin(πx) e^{−t} on [0, 1]², predicted with a small smooth error."""
    x, t = np.linspace(0, 1, 41), np.linspace(0, 1, 21)
    X, T = np.meshgrid(x, t, indexing="ij")
    exact = np.sin(np.pi * X) * np.exp(-T)
    pred = exact + 1e-3 * X * (1 - X) * T
    return Solution(
        "heat1d", "pinn", {"x": x, "t": t}, {"u": pred}, {"u": ("x", "t")}, exact={"u": exact}, time_coord="t"
    )


def poisson1d() -> Solution:
    x = np.linspace(-1, 1, 51)
    exact = np.sin(np.pi * x)
    return Solution("poisson1d", "trial", {"x": x}, {"u": exact + 1e-3 * (1 - x**2)}, {"u": ("x",)}, exact={"u": exact})


def poisson2d() -> Solution:
    """A 2 × 1 rectangle, so a squashed aspect would show."""
    x, y = np.linspace(0, 2, 41), np.linspace(0, 1, 21)
    X, Y = np.meshgrid(x, y, indexing="ij")
    exact = np.sin(np.pi * X / 2) * np.sin(np.pi * Y)
    return Solution(
        "poisson2d", "fd", {"x": x, "y": y}, {"u": exact + 2e-3 * X * Y}, {"u": ("x", "y")}, exact={"u": exact}
    )


def heat2d() -> Solution:
    x, y, t = np.linspace(0, 1, 17), np.linspace(0, 1, 13), np.linspace(0, 0.1, 6)
    X, Y, T = np.meshgrid(x, y, t, indexing="ij")
    exact = np.sin(np.pi * X) * np.sin(np.pi * Y) * np.exp(-2 * np.pi**2 * T)
    return Solution(
        "heat2d",
        "pinn",
        {"x": x, "y": y, "t": t},
        {"u": exact + 1e-3 * X * T},
        {"u": ("x", "y", "t")},
        exact={"u": exact},
        time_coord="t",
    )


def box3d() -> Solution:
    x, y, z = np.linspace(0, 1, 5), np.linspace(0, 2, 4), np.linspace(0, 3, 3)
    X, Y, Z = np.meshgrid(x, y, z, indexing="ij")
    return Solution("box3d", "fd", {"x": x, "y": y, "z": z}, {"u": X + 10 * Y + 100 * Z}, {"u": ("x", "y", "z")})


def disk_points(n_rings: int = 8) -> np.ndarray:
    """Rings of points on the unit disk, centre included."""
    pts = [np.zeros((1, 2))]
    for k in range(1, n_rings + 1):
        r, m = k / n_rings, 6 * k
        a = np.linspace(0, 2 * np.pi, m, endpoint=False)
        pts.append(np.column_stack([r * np.cos(a), r * np.sin(a)]))
    return np.concatenate(pts)


def disk(triangulated: bool = True) -> Solution:
    """Manufactured Poisson solution (1 − x² − y²) eˣ on scattered disk points."""
    p = disk_points()
    exact = (1 - p[:, 0] ** 2 - p[:, 1] ** 2) * np.exp(p[:, 0])
    tri = Delaunay(p).simplices if triangulated else None
    return Solution(
        "poisson_disk",
        "pinn",
        {},
        {"u": exact + 1e-3 * p[:, 1]},
        {"u": ("x", "y")},
        exact={"u": exact},
        points=p,
        point_coords=("x", "y"),
        triangles=tri,
    )


def disk_heat() -> Solution:
    """Scattered in space, sampled in time: fields of shape (N, nt)."""
    p, t = disk_points(5), np.linspace(0, 1, 4)
    exact = (1 - p[:, 0:1] ** 2 - p[:, 1:2] ** 2) * np.exp(-t)[None, :]
    return Solution(
        "heat_disk",
        "pinn",
        {"t": t},
        {"u": exact + 1e-3},
        {"u": ("x", "y", "t")},
        exact={"u": exact},
        points=p,
        point_coords=("x", "y"),
        triangles=Delaunay(p).simplices,
        time_coord="t",
    )


def helix() -> Solution:
    """A 3-field ODE system with a closed-form trajectory (x, y, z) = (cos t, sin t, t/2)."""
    t = np.linspace(0, 4 * np.pi, 201)
    exact = {"x": np.cos(t), "y": np.sin(t), "z": t / 2}
    pred = {k: v + 1e-3 * np.sin(3 * t) for k, v in exact.items()}
    return Solution("helix", "pinn", {"t": t}, pred, {k: ("t",) for k in pred}, exact=exact, time_coord="t")


def oscillator() -> Solution:
    """Two fields, a phase plane: q = cos t, p = −sin t; no exact solution given."""
    t = np.linspace(0, 2 * np.pi, 101)
    return Solution(
        "oscillator", "fd", {"t": t}, {"q": np.cos(t), "p": -np.sin(t)}, {"q": ("t",), "p": ("t",)}, time_coord="t"
    )


def history(n: int = 200, switch: int = 150) -> dict[str, np.ndarray]:
    """A training history as read_history returns it: Adam then L-BFGS, L2 every 10 steps."""
    step = np.arange(n)
    residual = 1.0 / (1 + step) ** 1.5
    boundary = 0.1 * np.exp(-step / 40)
    l2 = np.where(step % 10 == 0, 0.5 / (1 + step), np.nan)
    return {
        "step": step,
        "phase": np.where(step < switch, "adam", "lbfgs"),
        "wall_time_s": 0.01 * step,
        "loss": residual + boundary,
        "residual": residual,
        "boundary": boundary,
        "l2_relative_error": l2,
        "lr": np.full(n, 1e-3),
    }


ALL = {
    "heat1d": heat1d,
    "poisson1d": poisson1d,
    "poisson2d": poisson2d,
    "heat2d": heat2d,
    "box3d": box3d,
    "disk": disk,
    "disk_untriangulated": lambda: disk(triangulated=False),
    "disk_heat": disk_heat,
    "helix": helix,
    "oscillator": oscillator,
}
