"""Points in the unit cube [0, 1]^d, from a registry of named samplers.

Every domain maps unit-cube points onto itself, so the choice between a
low-discrepancy sequence (Sobol, Halton), a Latin hypercube and plain Monte
Carlo is made here once, by name.  Low-discrepancy points cover a domain more
evenly than independent uniform draws, which lowers the quadrature error of a
collocation loss (Owen 1997, scrambled nets; Sobol 1967).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from pinnsolve.errors import GeometryError, SettingsError

__all__ = ["SAMPLERS", "sample_unit_cube", "unit_cube_stream"]

FloatArray = npt.NDArray[np.float64]
#: A stream draws the next ``m`` points of one sequence: ``draw(m) -> (m, d)``.
Stream = Callable[[int], FloatArray]

#: A factory opens a stream for a dimension and a seeded generator.
Factory = Callable[[int, np.random.Generator], Stream]

_REGISTRY: dict[str, Factory] = {}


def _register(name: str) -> Callable[[Factory], Factory]:
    def decorate(factory: Factory) -> Factory:
        _REGISTRY[name] = factory
        return factory

    return decorate


def _is_power_of_two(m: int) -> bool:
    return m > 0 and m & (m - 1) == 0


@_register("sobol")
def _sobol(dim: int, rng: np.random.Generator) -> Stream:
    from scipy.stats import qmc  # scipy.stats takes a second to import: defer it

    engine = qmc.Sobol(dim, scramble=True, rng=rng)

    def draw(m: int) -> FloatArray:
        total = engine.num_generated + m
        if _is_power_of_two(m) and _is_power_of_two(total):
            return engine.random_base2(m.bit_length() - 1)
        # A count that is not a power of two loses Sobol's balance property
        # only slightly; rejection sampling needs arbitrary counts, so the
        # warning would be noise for callers.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*balance properties of Sobol.*")
            return engine.random(m)

    return draw


@_register("halton")
def _halton(dim: int, rng: np.random.Generator) -> Stream:
    from scipy.stats import qmc

    engine = qmc.Halton(dim, scramble=True, rng=rng)
    return lambda m: engine.random(m)


@_register("lhs")
def _lhs(dim: int, rng: np.random.Generator) -> Stream:
    from scipy.stats import qmc

    # Each draw is a fresh Latin hypercube of m points: stratified per draw.
    engine = qmc.LatinHypercube(dim, rng=rng)
    return lambda m: engine.random(m)


@_register("random")
def _uniform(dim: int, rng: np.random.Generator) -> Stream:
    return lambda m: rng.random((m, dim))


SAMPLERS: tuple[str, ...] = tuple(_REGISTRY)


def unit_cube_stream(dim: int, method: str = "sobol", rng: np.random.Generator | int | None = None) -> Stream:
    """Open a stream of points in [0, 1]^dim that continues one sequence.

    Rejection sampling asks for more points until enough are accepted; drawing
    them from the same stream keeps the low-discrepancy structure of the whole
    set instead of restarting the sequence.
    """
    factory = _lookup(method)
    if dim < 0:
        raise GeometryError(f"dimension must be >= 0, got {dim}")
    generator = np.random.default_rng(rng)
    if dim == 0:
        # A zero-dimensional cube is one point; qmc engines need dim >= 1.
        return lambda m: np.empty((m, 0))
    return factory(dim, generator)


def sample_unit_cube(
    n: int, dim: int, method: str = "sobol", rng: np.random.Generator | int | None = None
) -> FloatArray:
    """Draw ``n`` points in the unit cube [0, 1]^dim, shape ``(n, dim)``.

    ``method`` is one of :data:`SAMPLERS`: ``"sobol"`` (scrambled Sobol),
    ``"halton"`` (scrambled Halton), ``"lhs"`` (Latin hypercube) or
    ``"random"`` (independent uniform).  The scrambling is seeded from ``rng``,
    so the same seed gives the same points.
    """
    return unit_cube_stream(dim, method, rng)(point_count(n))


def point_count(n: int) -> int:
    """``n`` as a number of points, refused unless a whole number ≥ 0."""
    if isinstance(n, bool) or int(n) != n or n < 0:
        raise GeometryError(
            f"number of points must be a non-negative integer, got {n!r}; give a whole number, e.g. 1000"
        )
    return int(n)


def extra_ranges(extra_bounds: Sequence[tuple[float, float]]) -> FloatArray:
    """Ranges ``(k, 2)`` of the extra columns (time) drawn beside a domain's points, checked lo < hi."""
    if len(extra_bounds) == 0:
        return np.empty((0, 2))
    extra = np.asarray(extra_bounds, dtype=float).reshape(-1, 2)
    if not np.all(np.isfinite(extra)) or np.any(extra[:, 0] >= extra[:, 1]):
        raise GeometryError(
            "extra_bounds must be finite (lo, hi) pairs with lo < hi, "
            f"got {[tuple(pair) for pair in extra.tolist()]}; give each extra range as (lo, hi) with lo < hi"
        )
    return extra


def _lookup(method: str) -> Factory:
    key = method.lower() if isinstance(method, str) else method
    if key not in _REGISTRY:
        raise SettingsError(f"unknown sampler {method!r}; choose one of: {', '.join(SAMPLERS)}")
    return _REGISTRY[key]
