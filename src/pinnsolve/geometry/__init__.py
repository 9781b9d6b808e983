"""Spatial domains and collocation-point sampling.

Domains: :class:`Interval`, :class:`Rectangle`, :class:`Box`, :class:`Disk`,
:class:`Polygon`, combined with ``|`` (union), ``&`` (intersection) and ``-``
(difference).  Each samples interior and boundary collocation points, with
outward normals, from a named unit-cube sampler (:data:`SAMPLERS`).
"""

from __future__ import annotations

from .box import Box as Box
from .box import Interval as Interval
from .box import Rectangle as Rectangle
from .csg import Difference as Difference
from .csg import Intersection as Intersection
from .csg import Union as Union
from .disk import Disk as Disk
from .domain import Domain as Domain
from .mesh import MeshDomain as MeshDomain
from .polygon import Polygon as Polygon
from .sampling import SAMPLERS as SAMPLERS
from .sampling import sample_unit_cube as sample_unit_cube
from .sampling import unit_cube_stream as unit_cube_stream

__all__ = [
    "SAMPLERS",
    "Box",
    "Difference",
    "Disk",
    "Domain",
    "Intersection",
    "Interval",
    "MeshDomain",
    "Polygon",
    "Rectangle",
    "Union",
    "sample_unit_cube",
    "unit_cube_stream",
]
