r"""Approximate distance functions of domains, built from R-functions (Sukumar & Srivastava, CMAME 389, 2022).

The trial function u = A + φ·N needs a φ that vanishes on the boundary where u is prescribed
and nowhere inside. On a box the product of the faces' factors does it; on a disk, a polygon or
a constructive-solid-geometry domain φ is an *approximate distance function* (ADF): zero on the
boundary, positive inside, and normalised to first order (∂φ/∂n = −1 on the boundary, so φ ≈
the distance near it and the network's scale does not depend on the geometry):

* disk of centre c and radius r: :math:`\varphi = (r^2 - |x - c|^2)/(2r)`;
* box: the R-conjunction of the slabs :math:`(x - a)(b - x)/(b - a)`;
* a polygon's boundary: each edge's *trimmed segment* ADF
  :math:`\varphi_i = \sqrt{f^2 + ((\sqrt{t^2 + f^4} - t)/2)^2}` (f the signed distance to the edge's
  line, t > 0 between its end points), joined by the R-equivalence
  :math:`\varphi = (\sum_i \varphi_i^{-1})^{-1}`; a convex polygon used inside a set operation takes the
  signed R-conjunction of its half-planes instead;
* set operations on signed ADFs (positive inside):
  union :math:`\varphi_a + \varphi_b + \sqrt{\varphi_a^2 + \varphi_b^2}`, intersection
  :math:`\varphi_a + \varphi_b - \sqrt{\varphi_a^2 + \varphi_b^2}`, difference a − b the intersection with
  :math:`-\varphi_b`.

All are sympy expressions of the domain's coordinates: the trial function differentiates them
symbolically. A mesh domain has no closed-form ADF here (one trimmed segment per boundary edge
would make an expression of thousands of terms); `distance_function` refuses it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import sympy as sp

from pinnsolve.errors import MethodNotApplicable
from pinnsolve.geometry import Disk, Polygon
from pinnsolve.geometry.box import Box
from pinnsolve.geometry.csg import Difference, Intersection, Union
from pinnsolve.geometry.domain import Domain

__all__ = ["distance_function", "signed_distance", "trimmed_segment"]


def conjunction(a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """R-conjunction (R₀): positive where both are, zero on the boundary of the intersection."""
    return a + b - sp.sqrt(a**2 + b**2)


def disjunction(a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """R-disjunction (R₀): positive where either is."""
    return a + b + sp.sqrt(a**2 + b**2)


def trimmed_segment(p: Sequence[float], q: Sequence[float], x: sp.Symbol, y: sp.Symbol) -> sp.Expr:
    """The ADF of the segment p–q: zero on it, positive off it, ≈ the distance to it near it."""
    (x1, y1), (x2, y2) = (map(sp.Float, p)), (map(sp.Float, q))
    length = sp.sqrt((x2 - x1) ** 2 + (y2 - y1) ** 2)
    xc, yc = (x1 + x2) / 2, (y1 + y2) / 2
    f = ((x - x1) * (y2 - y1) - (y - y1) * (x2 - x1)) / length
    t = ((length / 2) ** 2 - (x - xc) ** 2 - (y - yc) ** 2) / length
    varphi = sp.sqrt(t**2 + f**4)
    return sp.sqrt(f**2 + ((varphi - t) / 2) ** 2)


def _half_planes(vertices: np.ndarray, x: sp.Symbol, y: sp.Symbol) -> list[sp.Expr] | None:
    """Signed distances to the edges' lines, positive inside, for a convex polygon; None if not convex."""
    v = vertices
    edges = np.roll(v, -1, axis=0) - v
    cross = edges[:, 0] * np.roll(edges, -1, axis=0)[:, 1] - edges[:, 1] * np.roll(edges, -1, axis=0)[:, 0]
    if not (np.all(cross > 0) or np.all(cross < 0)):
        return None
    sign = 1.0 if cross[0] > 0 else -1.0  # counter-clockwise: the interior is to the left of each edge
    out = []
    for (x1, y1), (dx, dy) in zip(v, edges):
        length = float(np.hypot(dx, dy))
        out.append(sp.Float(sign / length) * (sp.Float(dx) * (y - y1) - sp.Float(dy) * (x - x1)))
    return out


@functools.singledispatch
def signed_distance(domain: Domain, coords: Sequence[sp.Symbol]) -> sp.Expr:
    """A signed ADF of ``domain`` (positive inside, negative outside), or `MethodNotApplicable`."""
    raise MethodNotApplicable(
        f"the trial-function method has no approximate distance function for a {type(domain).__name__} domain "
        "(disks, boxes, polygons and their unions, intersections and differences have one). Use --method pinn, "
        "which imposes the boundary conditions in the loss."
    )


@signed_distance.register
def _(domain: Disk, coords: Sequence[sp.Symbol]) -> sp.Expr:
    (cx, cy), r = domain._center, domain._radius
    x, y = coords
    return (sp.Float(r**2) - (x - sp.Float(cx)) ** 2 - (y - sp.Float(cy)) ** 2) / sp.Float(2 * r)


@signed_distance.register
def _(domain: Box, coords: Sequence[sp.Symbol]) -> sp.Expr:
    lo, hi = domain.bounds()
    slabs = [(s - sp.Float(a)) * (sp.Float(b) - s) / sp.Float(b - a) for s, a, b in zip(coords, lo, hi)]
    return functools.reduce(conjunction, slabs)


@signed_distance.register
def _(domain: Polygon, coords: Sequence[sp.Symbol]) -> sp.Expr:
    planes = _half_planes(domain.vertices, *coords)
    if planes is None:
        raise MethodNotApplicable(
            f"{domain!r} is not convex: its approximate distance function has no sign, so it cannot enter a "
            "union, intersection or difference of the trial-function method. Use it alone, split it into convex "
            "polygons, or use --method pinn."
        )
    return functools.reduce(conjunction, planes)


@signed_distance.register
def _(domain: Union, coords: Sequence[sp.Symbol]) -> sp.Expr:
    a, b = domain.operands
    return disjunction(signed_distance(a, coords), signed_distance(b, coords))


@signed_distance.register
def _(domain: Intersection, coords: Sequence[sp.Symbol]) -> sp.Expr:
    a, b = domain.operands
    return conjunction(signed_distance(a, coords), signed_distance(b, coords))


@signed_distance.register
def _(domain: Difference, coords: Sequence[sp.Symbol]) -> sp.Expr:
    a, b = domain.operands
    return conjunction(signed_distance(a, coords), -signed_distance(b, coords))


def distance_function(domain: Domain, coords: Sequence[sp.Symbol]) -> sp.Expr:
    """An ADF of the whole boundary of ``domain``: zero on it, positive inside (see the module docstring)."""
    if isinstance(domain, Polygon):  # any simple polygon: the trimmed segments of its edges
        v = domain.vertices
        segments = [trimmed_segment(v[i], v[(i + 1) % len(v)], *coords) for i in range(len(v))]
        return 1 / sp.Add(*[1 / s for s in segments])
    return signed_distance(domain, coords)
