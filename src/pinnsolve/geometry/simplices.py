"""Triangles and tetrahedra: measures, orientation, boundary facets, uniform maps and distances.

The pieces a mesh domain (`pinnsolve.geometry.mesh`) is built from. Simplices are arrays of
node indices, ``(k, 3)`` triangles in 2-D or ``(k, 4)`` tetrahedra in 3-D; their facets are
edges ``(m, 2)`` or triangles ``(m, 3)``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pinnsolve.errors import GeometryError

from .domain import FloatArray, IntArray

__all__ = [
    "barycentric",
    "boundary_facets",
    "facet_measure",
    "oriented",
    "segment_distance",
    "simplex_measure",
    "triangle_distance",
    "unit_to_simplex",
]


def oriented(nodes: FloatArray, simplices: IntArray) -> IntArray:
    """Simplices with positive orientation (counter-clockwise triangles, right-handed tetrahedra)."""
    p = nodes[simplices]
    edges = p[:, 1:] - p[:, :1]
    det = np.linalg.det(edges)
    flipped = simplices.copy()
    flipped[det < 0, :2] = flipped[det < 0, 1::-1]
    return flipped


def simplex_measure(corners: FloatArray) -> FloatArray:
    """Area of triangles ``(k, 3, 2)`` or volume of tetrahedra ``(k, 4, 3)``."""
    d = corners.shape[2]
    edges = corners[:, 1:] - corners[:, :1]
    return np.abs(np.linalg.det(edges)) / (2.0 if d == 2 else 6.0)


def facet_measure(corners: FloatArray) -> FloatArray:
    """Length of segments ``(m, 2, 2)`` or area of triangles ``(m, 3, 3)``."""
    if corners.shape[1] == 2:
        return np.linalg.norm(corners[:, 1] - corners[:, 0], axis=1)
    return 0.5 * np.linalg.norm(np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]), axis=1)


_LOCAL_FACETS = {2: [(0, 1), (1, 2), (2, 0)], 3: [(0, 1, 2), (0, 1, 3), (0, 2, 3), (1, 2, 3)]}


def boundary_facets(nodes: FloatArray, simplices: IntArray, path: Path) -> tuple[IntArray, FloatArray, FloatArray]:
    """Facets of exactly one cell, their unit normals pointing away from it, and their measures."""
    dim = nodes.shape[1]
    local = _LOCAL_FACETS[dim]
    m = len(simplices)
    all_facets = np.concatenate([simplices[:, list(f)] for f in local])  # (len(local) * m, dim)
    _, first, counts = np.unique(np.sort(all_facets, axis=1), axis=0, return_index=True, return_counts=True)
    if np.any(counts > 2):
        raise GeometryError(
            f"MeshDomain: {path} has facets shared by more than two cells (duplicate "
            "or overlapping elements); clean the mesh"
        )
    chosen = np.sort(first[counts == 1])
    if len(chosen) == 0:
        raise GeometryError(f"MeshDomain: {path} has no boundary facets; is it a closed surface?")
    facets = all_facets[chosen]
    owner = chosen % m
    corners = nodes[facets]
    if dim == 2:
        tangent = corners[:, 1] - corners[:, 0]
        normal = np.column_stack((tangent[:, 1], -tangent[:, 0]))
    else:
        normal = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    normal /= np.linalg.norm(normal, axis=1, keepdims=True)
    away = corners.mean(axis=1) - nodes[simplices[owner]].mean(axis=1)
    normal *= np.where(np.einsum("md,md->m", normal, away) < 0, -1.0, 1.0)[:, None]
    return facets, normal + 0.0, facet_measure(corners)


def unit_to_simplex(u: FloatArray) -> FloatArray:
    """Barycentric coordinates ``(n, j + 1)`` from unit-cube points ``(n, j)``, j = 1, 2, 3.

    Measure preserving onto the segment, triangle (square-root map) and tetrahedron (cube
    folding of Rocchini & Cignoni 2000), so uniform points map to uniform points.
    """
    j = u.shape[1]
    if j == 1:
        return np.column_stack((1.0 - u[:, 0], u[:, 0]))
    if j == 2:
        s = np.sqrt(u[:, 0])
        return np.column_stack((1.0 - s, s * (1.0 - u[:, 1]), s * u[:, 1]))
    s, t, v = u[:, 0].copy(), u[:, 1].copy(), u[:, 2].copy()
    fold = s + t > 1.0
    s[fold], t[fold] = 1.0 - s[fold], 1.0 - t[fold]
    a = t + v > 1.0
    b = ~a & (s + t + v > 1.0)
    t_a, v_a = 1.0 - v[a], 1.0 - s[a] - t[a]
    s_b, v_b = 1.0 - t[b] - v[b], s[b] + t[b] + v[b] - 1.0
    t[a], v[a] = t_a, v_a
    s[b], v[b] = s_b, v_b
    return np.column_stack((1.0 - s - t - v, s, t, v))


def barycentric(p: FloatArray, corners: FloatArray) -> FloatArray:
    """Barycentric coordinates ``(n, k, d + 1)`` of points ``(n, d)`` in simplices ``(n, k, d + 1, d)``."""
    edges = np.swapaxes(corners[:, :, 1:] - corners[:, :, :1], 2, 3)  # (n, k, d, d)
    rhs = p[:, None, :] - corners[:, :, 0]
    lam = np.linalg.solve(edges, rhs[..., None])[..., 0]
    return np.concatenate((1.0 - lam.sum(axis=2, keepdims=True), lam), axis=2)


def segment_distance(p: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """Distance from points to segments a–b, broadcast over leading dimensions."""
    ab = b - a
    t = np.einsum("...d,...d->...", p - a, ab) / np.einsum("...d,...d->...", ab, ab)
    t = np.clip(t, 0.0, 1.0)
    return np.linalg.norm(p - (a + t[..., None] * ab), axis=-1)


def triangle_distance(p: FloatArray, corners: FloatArray) -> FloatArray:
    """Distance from points ``(n, 1, 3)`` to triangles ``(n, k, 3, 3)``."""
    a, b, c = corners[..., 0, :], corners[..., 1, :], corners[..., 2, :]
    normal = np.cross(b - a, c - a)
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    height = np.einsum("...d,...d->...", p - a, normal)
    q = p - height[..., None] * normal  # projection onto the triangle's plane
    # Inside the triangle when q is on the inner side of all three edges.
    inside = np.ones(height.shape, dtype=bool)
    for u, v in ((a, b), (b, c), (c, a)):
        inside &= np.einsum("...d,...d->...", np.cross(v - u, q - u), normal) >= 0
    edges = np.minimum(np.minimum(segment_distance(p, a, b), segment_distance(p, b, c)), segment_distance(p, c, a))
    return np.where(inside, np.abs(height), edges)
