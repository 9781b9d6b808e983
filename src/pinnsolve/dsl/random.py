r"""Random inputs of a problem: `Random` parameters and Gaussian `RandomField`\ s.

A `Random` is a `Parameter` whose value is drawn from a distribution; everywhere a parameter
is accepted a random one is too, and its ``value`` is the distribution's mean (the nominal
problem that ``pinnsolve solve`` sees). ``--set k=0.9`` fixes it to a value.

A `RandomField` is a Gaussian random field written through its Karhunen–Loève expansion

.. math::
    G(x) = m(x) + \sum_{k=1}^{K} \sqrt{\lambda_k}\,\varphi_k(x)\,\xi_k, \qquad \xi_k \sim N(0, 1),

where :math:`(\lambda_k, \varphi_k)` are the leading eigenpairs of the covariance operator
:math:`\int_\Omega C(x, y)\,\varphi(y)\,dy = \lambda\varphi(x)`, computed numerically by the
Nyström method on Gauss–Legendre nodes (Ghanem & Spanos, *Stochastic Finite Elements*, 1991,
ch. 2). Each :math:`\xi_k` is a `Random` named ``G_1, ..., G_K``; ``exp(G)`` is a log-normal
coefficient. Between the nodes the eigenfunctions are evaluated by the Nyström extension
:math:`\varphi_k(x) = \lambda_k^{-1}\sum_j w_j C(x, y_j)\varphi_k(y_j)`, which is as smooth as
the kernel, and so are its derivatives (sympy differentiates the modes symbolically).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import sympy as sp

from pinnsolve.dsl.coords import Coordinate
from pinnsolve.dsl.errors import ProblemError
from pinnsolve.dsl.symbols import Parameter

__all__ = [
    "Exponential",
    "KLExpansion",
    "LogNormal",
    "Normal",
    "Random",
    "RandomField",
    "SquaredExponential",
    "Uniform",
    "random_inputs",
]


# -- distributions -------------------------------------------------------------------------------
class Distribution:
    """A law of one real random input: moments, draws, and the map from a standard variable."""

    #: the standard variable the law is a function of: "normal" (N(0, 1)) or "uniform" (U(-1, 1))
    standard: ClassVar[str]

    def from_standard(self, xi: np.ndarray) -> np.ndarray:
        """The input as a function of the standard variable (Gauss–Hermite / –Legendre nodes)."""
        raise NotImplementedError

    @property
    def mean(self) -> float:
        raise NotImplementedError

    @property
    def std(self) -> float:
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        standard = rng.standard_normal(n) if self.standard == "normal" else rng.uniform(-1.0, 1.0, n)
        return self.from_standard(standard)

    def to_standard(self, value: np.ndarray) -> np.ndarray:
        """The standard variable that gives ``value`` (inverse of `from_standard`)."""
        raise NotImplementedError


def _positive(value: object, what: str, example: str) -> float:
    number = _number(value, what, example)
    if not number > 0:
        raise ProblemError(f"{what} is {number}, but it must be positive.", f"Write e.g. {example}.")
    return number


def _number(value: object, what: str, example: str) -> float:
    try:
        number = float(sp.sympify(value))
    except (TypeError, ValueError, sp.SympifyError) as exc:
        raise ProblemError(f"{what} is {value!r}, which is not a number.", f"Write e.g. {example}.") from exc
    if not math.isfinite(number):
        raise ProblemError(f"{what} is not finite.", f"Write e.g. {example}.")
    return number


@dataclass(frozen=True)
class Normal(Distribution):
    """``Normal(mean, std)``: the Gaussian law N(mean, std²)."""

    mu: float
    sigma: float
    standard: ClassVar[str] = "normal"

    def __init__(self, mean: object, std: object) -> None:
        object.__setattr__(self, "mu", _number(mean, "the mean of Normal(mean, std)", "Normal(1, 0.2)"))
        object.__setattr__(self, "sigma", _positive(std, "the std of Normal(mean, std)", "Normal(1, 0.2)"))

    def from_standard(self, xi: np.ndarray) -> np.ndarray:
        return self.mu + self.sigma * np.asarray(xi, dtype=float)

    def to_standard(self, value: np.ndarray) -> np.ndarray:
        return (np.asarray(value, dtype=float) - self.mu) / self.sigma

    mean = property(lambda self: self.mu)
    std = property(lambda self: self.sigma)

    def __str__(self) -> str:
        return f"Normal(mean={self.mu:g}, std={self.sigma:g})"


@dataclass(frozen=True)
class Uniform(Distribution):
    """``Uniform(lo, hi)``: the uniform law on [lo, hi]."""

    lo: float
    hi: float
    standard: ClassVar[str] = "uniform"

    def __init__(self, lo: object, hi: object) -> None:
        a = _number(lo, "the lower end of Uniform(lo, hi)", "Uniform(0.5, 1.5)")
        b = _number(hi, "the upper end of Uniform(lo, hi)", "Uniform(0.5, 1.5)")
        if not a < b:
            raise ProblemError(f"Uniform({a:g}, {b:g}) is empty.", "The lower end must be below the upper end.")
        object.__setattr__(self, "lo", a)
        object.__setattr__(self, "hi", b)

    def from_standard(self, xi: np.ndarray) -> np.ndarray:
        return 0.5 * (self.lo + self.hi) + 0.5 * (self.hi - self.lo) * np.asarray(xi, dtype=float)

    def to_standard(self, value: np.ndarray) -> np.ndarray:
        return (2 * np.asarray(value, dtype=float) - self.lo - self.hi) / (self.hi - self.lo)

    mean = property(lambda self: 0.5 * (self.lo + self.hi))
    std = property(lambda self: (self.hi - self.lo) / math.sqrt(12.0))

    def __str__(self) -> str:
        return f"Uniform({self.lo:g}, {self.hi:g})"


@dataclass(frozen=True)
class LogNormal(Distribution):
    """``LogNormal(mu, sigma)``: exp of N(mu, sigma²) (mu, sigma of the underlying normal)."""

    mu: float
    sigma: float
    standard: ClassVar[str] = "normal"

    def __init__(self, mu: object, sigma: object) -> None:
        object.__setattr__(self, "mu", _number(mu, "mu of LogNormal(mu, sigma)", "LogNormal(0, 0.1)"))
        object.__setattr__(self, "sigma", _positive(sigma, "sigma of LogNormal(mu, sigma)", "LogNormal(0, 0.1)"))

    def from_standard(self, xi: np.ndarray) -> np.ndarray:
        return np.exp(self.mu + self.sigma * np.asarray(xi, dtype=float))

    def to_standard(self, value: np.ndarray) -> np.ndarray:
        return (np.log(np.asarray(value, dtype=float)) - self.mu) / self.sigma

    mean = property(lambda self: math.exp(self.mu + self.sigma**2 / 2))
    std = property(lambda self: math.sqrt(math.expm1(self.sigma**2)) * math.exp(self.mu + self.sigma**2 / 2))

    def __str__(self) -> str:
        return f"LogNormal(mu={self.mu:g}, sigma={self.sigma:g})"


class Random(Parameter):
    """A random input, ``k = Random("k", Normal(1, 0.2))``: a parameter drawn from a law.

    Its ``value`` is the law's mean; ``--set k=...`` fixes it. ``source`` names the
    `KLExpansion` it is a coefficient of (None for a plain random parameter).
    """

    given_at_declaration = False  # --set fixes a random input after the file has run (Problem.with_parameters)

    def __new__(cls, name: str, distribution: Distribution, source: KLExpansion | None = None, **_assumptions: object):
        if not isinstance(distribution, Distribution):
            raise ProblemError(
                f"Random('{name}', ...) is given {distribution!r}, which is not a distribution.",
                f"Write e.g. Random('{name}', Normal(1, 0.2)), Uniform(lo, hi) or LogNormal(mu, sigma).",
            )
        obj = super().__new__(cls, name, distribution.mean)
        obj.distribution = distribution
        obj.source = source
        return obj

    def __getnewargs_ex__(self):
        return (self.name, self.distribution, self.source), {}


def random_inputs(problem: Any) -> dict[str, Random]:
    """The problem's random inputs that are still random (not fixed by ``--set``), by name."""
    fixed = getattr(problem, "fixed_parameters", set())
    return {n: p for n, p in problem.parameters.items() if isinstance(p, Random) and n not in fixed}


# -- covariance kernels and the Karhunen–Loève expansion ------------------------------------------
@dataclass(frozen=True)
class SquaredExponential:
    """C(x, y) = std² exp(−|x − y|² / (2 length²)): smooth (analytic) random fields."""

    length: float
    std: float = 1.0

    def __post_init__(self) -> None:
        _positive(self.length, "the length of SquaredExponential(length, std)", "SquaredExponential(0.2, 1.0)")
        _positive(self.std, "the std of SquaredExponential(length, std)", "SquaredExponential(0.2, 1.0)")

    def __call__(self, r2: np.ndarray) -> np.ndarray:
        return self.std**2 * np.exp(-0.5 * r2 / self.length**2)

    def derivative_factor(self, diff: np.ndarray, r2: np.ndarray) -> np.ndarray:
        """∂C/∂x_i = −(x_i − y_i)/length² · C."""
        return -diff / self.length**2 * self(r2)


@dataclass(frozen=True)
class Exponential:
    """C(x, y) = std² exp(−|x − y| / length): the Ornstein–Uhlenbeck kernel (rough fields)."""

    length: float
    std: float = 1.0

    def __post_init__(self) -> None:
        _positive(self.length, "the length of Exponential(length, std)", "Exponential(0.2, 1.0)")
        _positive(self.std, "the std of Exponential(length, std)", "Exponential(0.2, 1.0)")

    def __call__(self, r2: np.ndarray) -> np.ndarray:
        return self.std**2 * np.exp(-np.sqrt(r2) / self.length)

    def derivative_factor(self, diff: np.ndarray, r2: np.ndarray) -> np.ndarray:
        r = np.sqrt(r2)
        return -np.divide(diff, r, out=np.zeros_like(diff), where=r > 0) / self.length * self(r2)


class KLExpansion:
    """Leading eigenpairs of a covariance kernel on a box, by the Nyström method.

    With Gauss–Legendre nodes :math:`y_j` and weights :math:`w_j` the integral eigenproblem
    becomes the symmetric matrix problem :math:`W^{1/2} C W^{1/2} v = \\lambda v`,
    :math:`\\varphi(y_j) = v_j / \\sqrt{w_j}` (normalised in L²(Ω)).
    """

    def __init__(self, name: str, coords: tuple[Coordinate, ...], kernel: Any, terms: int, nodes: int = 0) -> None:
        self.name, self.coords, self.kernel, self.terms = name, coords, kernel, terms
        per_axis = nodes or {1: 400, 2: 48}.get(len(coords), 16)
        grids, weights = [], []
        for c in coords:
            z, w = np.polynomial.legendre.leggauss(per_axis)
            grids.append(c.lo + (c.hi - c.lo) * (z + 1) / 2)
            weights.append(w * (c.hi - c.lo) / 2)
        self.points = np.stack([g.ravel() for g in np.meshgrid(*grids, indexing="ij")], axis=1)
        self.weights = np.prod(np.stack([g.ravel() for g in np.meshgrid(*weights, indexing="ij")], axis=1), axis=1)
        root = np.sqrt(self.weights)
        matrix = root[:, None] * kernel(_distance2(self.points, self.points)) * root[None, :]
        values, vectors = np.linalg.eigh(matrix)
        order = np.argsort(values)[::-1][:terms]
        self.eigenvalues = np.clip(values[order], 0.0, None)
        self.modes_at_nodes = vectors[:, order] / root[:, None]
        total = kernel(np.zeros(1))[0] * float(np.sum(self.weights))
        #: the fraction of the field's variance ∫ C(x, x) dx that the K terms capture
        self.variance_captured = float(np.sum(self.eigenvalues) / total)

    def mode(self, k: int, point: tuple[np.ndarray, ...], derivative: tuple[int, ...] = ()) -> np.ndarray:
        """φ_k (or its first derivative along ``derivative``) at points, by the Nyström extension."""
        arrays = np.broadcast_arrays(*[np.asarray(p, dtype=float) for p in point])
        shape = arrays[0].shape
        x = np.stack([a.ravel() for a in arrays], axis=1)
        r2 = _distance2(x, self.points)
        if not derivative:
            c = self.kernel(r2)
        else:
            (axis,) = derivative
            c = self.kernel.derivative_factor(x[:, axis : axis + 1] - self.points[None, :, axis], r2)
        values = c @ (self.weights * self.modes_at_nodes[:, k]) / self.eigenvalues[k]
        return values.reshape(shape)

    def __str__(self) -> str:
        return (
            f"Gaussian random field on ({', '.join(c.name for c in self.coords)}), kernel {self.kernel}, "
            f"Karhunen-Loeve with {self.terms} terms ({100 * self.variance_captured:.1f} % of the variance)"
        )


def _distance2(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum((a[:, None, :] - b[None, :, :]) ** 2, axis=-1)


class KLMode(sp.Function):
    """A KL eigenfunction φ_k(x, ...) (or a derivative of one): numeric through ``_imp_``, symbolic in sympy."""

    expansion: ClassVar[KLExpansion]
    index: ClassVar[int]
    derivative: ClassVar[tuple[int, ...]] = ()

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if self.derivative:
            raise ProblemError(
                f"the equations differentiate the random field '{self.expansion.name}' twice.",
                "Write the equation in divergence form with one derivative of the coefficient.",
            )
        return _mode_class(self.expansion, self.index, (argindex - 1,))(*self.args)


def _mode_class(expansion: KLExpansion, k: int, derivative: tuple[int, ...] = ()) -> type[KLMode]:
    suffix = "".join(f"_d{expansion.coords[a].name}" for a in derivative)
    name = f"phi_{expansion.name}_{k + 1}{suffix}"
    key = (k, derivative)
    cache: dict = expansion.__dict__.setdefault("_classes", {})
    if key not in cache:
        imp: Callable[..., np.ndarray] = lambda *x: expansion.mode(k, x, derivative)
        cache[key] = type(
            name,
            (KLMode,),
            {
                "expansion": expansion,
                "index": k,
                "derivative": derivative,
                "nargs": len(expansion.coords),
                "_imp_": staticmethod(imp),
            },
        )
    return cache[key]


def RandomField(name: str, *coords: Coordinate, mean: object = 0, kernel: Any = None, terms: int = 8) -> sp.Expr:
    """A Gaussian random field ``G = RandomField("G", x, mean=0, kernel=SquaredExponential(0.2, 1), terms=8)``.

    Returns the truncated Karhunen–Loève expansion as a sympy expression of the coordinates
    and of ``terms`` standard normal `Random` coefficients ``G_1 ... G_K``.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ProblemError(f"random field name {name!r} is not a valid name.", "Use an identifier such as 'G'.")
    if not coords or not all(isinstance(c, Coordinate) and c.has_range for c in coords):
        raise ProblemError(
            f"RandomField('{name}', ...) needs coordinates with a range.",
            f"Write RandomField('{name}', x, ...) with x = Space('x', 0, 1).",
        )
    if kernel is None or not callable(kernel):
        raise ProblemError(
            f"RandomField('{name}', ...) has no covariance kernel.",
            "Pass kernel=SquaredExponential(length, std) or Exponential(length, std).",
        )
    if not isinstance(terms, int) or isinstance(terms, bool) or not 1 <= terms <= 200:
        raise ProblemError(
            f"RandomField('{name}', ..., terms={terms!r}): terms must be an integer in [1, 200].", "Write e.g. terms=8."
        )
    expansion = KLExpansion(name, tuple(coords), kernel, terms)
    field = sp.sympify(mean)
    for k in range(terms):
        xi = Random(f"{name}_{k + 1}", Normal(0, 1), source=expansion)
        field += sp.sqrt(sp.Float(expansion.eigenvalues[k])) * _mode_class(expansion, k)(*coords) * xi
    return field
