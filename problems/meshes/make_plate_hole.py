"""Make ``plate_hole.msh``: the square plate [-1, 1]² with a circular hole of radius 0.4.

Run from anywhere: ``python problems/meshes/make_plate_hole.py``. It needs numpy and meshio
only, and writes the same file every time (no randomness).

The mesh is an O-grid: rings between the hole's circle and the plate's square edge, each
point blended between a point on the circle (equal angles) and the matching point on the
square (equal steps along its perimeter, so that the four corners are nodes). Rings are
graded towards the hole, where the solution varies fastest. Each quadrilateral is split
into two triangles over its shorter diagonal.

Physical groups (gmsh format 2.2, ASCII):
``hole`` (the circle, curves), ``outer`` (the square edge, curves), ``plate`` (the triangles).
"""

from __future__ import annotations

from pathlib import Path

import meshio
import numpy as np

RADIUS = 0.4  # of the hole, centred at the origin
HALF = 1.0  # half the side of the square plate
N_AROUND = 80  # segments around; a multiple of 8 puts nodes on the corners
N_RINGS = 14  # layers of cells from the hole to the edge
GRADING = 1.4  # > 1: thinner layers near the hole


def square_point(tau: np.ndarray) -> np.ndarray:
    """Points on the square's edge at perimeter fraction ``tau`` from (HALF, 0), anticlockwise."""
    corners = HALF * np.array([[1, 0], [1, 1], [-1, 1], [-1, -1], [1, -1], [1, 0]], dtype=float)
    # Cumulative perimeter fractions of those corners: 1/8, then quarters, then the last 1/8.
    stops = np.array([0, 1, 3, 5, 7, 8]) / 8
    x = np.interp(tau, stops, corners[:, 0])
    y = np.interp(tau, stops, corners[:, 1])
    return np.column_stack([x, y])


def build() -> meshio.Mesh:
    tau = np.arange(N_AROUND) / N_AROUND
    circle = RADIUS * np.column_stack([np.cos(2 * np.pi * tau), np.sin(2 * np.pi * tau)])
    square = square_point(tau)
    s = (np.arange(N_RINGS + 1) / N_RINGS) ** GRADING
    points = ((1 - s)[:, None, None] * circle[None] + s[:, None, None] * square[None])
    points = points.reshape(-1, 2)  # ring j, position i -> j * N_AROUND + i
    index = np.arange(len(points)).reshape(N_RINGS + 1, N_AROUND)
    nxt = np.roll(index, -1, axis=1)
    a, b, c, d = index[:-1], nxt[:-1], nxt[1:], index[1:]  # quad a-b-c-d, anticlockwise
    a, b, c, d = (q.ravel() for q in (a, b, c, d))
    ac = np.linalg.norm(points[a] - points[c], axis=1)
    bd = np.linalg.norm(points[b] - points[d], axis=1)
    use_ac = ac <= bd
    tri1 = np.where(use_ac[:, None], np.column_stack([a, b, c]), np.column_stack([a, b, d]))
    tri2 = np.where(use_ac[:, None], np.column_stack([a, c, d]), np.column_stack([b, c, d]))
    triangles = np.concatenate([tri1, tri2])
    hole = np.column_stack([index[0], nxt[0]])
    outer = np.column_stack([index[-1], nxt[-1]])
    xyz = np.column_stack([points, np.zeros(len(points))])
    tags = {"hole": (1, 1), "outer": (2, 1), "plate": (3, 2)}
    return meshio.Mesh(
        xyz.round(12),
        [("line", hole), ("line", outer), ("triangle", triangles)],
        cell_data={
            "gmsh:physical": [np.full(len(hole), 1), np.full(len(outer), 2),
                              np.full(len(triangles), 3)],
            "gmsh:geometrical": [np.full(len(hole), 1), np.full(len(outer), 2),
                                 np.full(len(triangles), 3)],
        },
        field_data={name: np.array(tag) for name, tag in tags.items()},
    )


def main() -> Path:
    path = Path(__file__).with_name("plate_hole.msh")
    meshio.write(path, build(), file_format="gmsh22", binary=False)
    return path


if __name__ == "__main__":
    out = main()
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KiB)")
