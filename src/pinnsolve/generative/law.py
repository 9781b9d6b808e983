r"""The law of a problem's solution over its random inputs: draws, standard coordinates, exact moments.

When ``exact={u: ...}`` contains random symbols the law of u is known pointwise. Its moments
are integrals over the random inputs ξ,

.. math::
    \mathbb E[u](x) = \int u(x; \xi)\,\rho(\xi)\,d\xi \approx \sum_q w_q\,u(x; \xi_q),

computed by tensor-product Gauss quadrature in the standard variables: Gauss–Hermite
(probabilists', weight :math:`e^{-z^2/2}/\sqrt{2\pi}`) for normal and log-normal inputs,
Gauss–Legendre (weight 1/2 on [−1, 1]) for uniform ones (Xiu & Karniadakis, *SIAM J. Sci.
Comput.* 24, 2002: the Askey scheme). The variance is :math:`\mathbb E[u^2] - \mathbb E[u]^2`,
with both integrals on the same nodes. Draws of the exact law (for the Wasserstein and
Kolmogorov–Smirnov statistics) evaluate the same expression at random inputs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import sympy as sp

from pinnsolve.dsl.problem import Problem
from pinnsolve.dsl.random import Random, random_inputs
from pinnsolve.errors import MethodNotApplicable

__all__ = ["RandomInputs", "exact_draws", "exact_moments", "has_exact_law"]

#: quadrature nodes per random input, and the most nodes a tensor product may have
NODES_PER_INPUT = 24
MAX_NODES = 200_000


@dataclass
class RandomInputs:
    """The problem's random inputs in a fixed order, with draws and their standard coordinates.

    The standard coordinate of an input is the N(0, 1) or U(−1, 1) variable it is a function
    of; it is what conditional generative models are conditioned on (order one, unitless).
    """

    inputs: dict[str, Random]

    @classmethod
    def of(cls, problem: Problem) -> RandomInputs:
        inputs = random_inputs(problem)
        if not inputs:
            raise MethodNotApplicable(
                f"problem '{problem.name}' has no random input, so there is no law to learn. Declare one, e.g. "
                "k = Random('k', Normal(1, 0.2)), or a RandomField; a --set fixes a random input, so leave those "
                "out."
            )
        return cls(inputs)

    @property
    def names(self) -> list[str]:
        return list(self.inputs)

    def __len__(self) -> int:
        return len(self.inputs)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` independent draws of the inputs, (n, d), in physical units."""
        return np.stack([p.distribution.sample(rng, n) for p in self.inputs.values()], axis=1)

    def standard(self, values: np.ndarray) -> np.ndarray:
        """The standard coordinates (n, d) of draws (n, d)."""
        return np.stack([p.distribution.to_standard(values[:, j]) for j, p in enumerate(self.inputs.values())], axis=1)

    def describe(self) -> dict[str, str]:
        return {n: str(p.distribution) for n, p in self.inputs.items()}


def has_exact_law(problem: Problem, field: str) -> bool:
    """Whether the exact solution of ``field`` is given (then its law over the random inputs is exact)."""
    return field in problem.exact


def _lambdified(problem: Problem, field: str, coords: list[sp.Symbol], inputs: RandomInputs):
    expr = problem.exact[field]
    fixed = {p: sp.Float(problem.parameter_values[n]) for n, p in problem.parameters.items() if n not in inputs.inputs}
    symbols = [inputs.inputs[n] for n in inputs.names]
    return sp.lambdify(coords + symbols, expr.xreplace(fixed), modules="numpy")


def _quadrature(inputs: RandomInputs, nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Tensor-product nodes (Q, d) in physical units and weights (Q,) summing to one."""
    per_input = []
    for p in inputs.inputs.values():
        if p.distribution.standard == "normal":
            z, w = np.polynomial.hermite_e.hermegauss(nodes)
            w = w / math.sqrt(2 * math.pi)
        else:
            z, w = np.polynomial.legendre.leggauss(nodes)
            w = w / 2
        per_input.append((p.distribution.from_standard(z), w))
    grids = np.meshgrid(*[v for v, _ in per_input], indexing="ij")
    weights = np.meshgrid(*[w for _, w in per_input], indexing="ij")
    return np.stack([g.ravel() for g in grids], axis=1), np.prod(np.stack([w.ravel() for w in weights]), axis=0)


def exact_moments(
    problem: Problem, field: str, axes: Mapping[str, np.ndarray], nodes: int = NODES_PER_INPUT
) -> tuple[np.ndarray, np.ndarray, int]:
    """Mean and standard deviation of the exact law of ``field`` on the grid ``axes``, and the node count.

    Tensor-product Gauss quadrature with ``nodes`` points per random input (fewer when the
    product would exceed `MAX_NODES`); exact for polynomial dependence up to degree 2·nodes − 1.
    """
    inputs = RandomInputs.of(problem)
    nodes = max(2, min(nodes, int(MAX_NODES ** (1 / len(inputs)))))
    coords = [c for c in problem.coords if c.name in axes]
    mesh = np.meshgrid(*[axes[c.name] for c in coords], indexing="ij")
    function = _lambdified(problem, field, coords, inputs)
    values, weights = _quadrature(inputs, nodes)
    first = np.zeros(mesh[0].shape)
    second = np.zeros(mesh[0].shape)
    for q in range(len(weights)):
        u = np.broadcast_to(np.asarray(function(*mesh, *values[q]), dtype=float), first.shape)
        first += weights[q] * u
        second += weights[q] * u * u
    variance = np.clip(second - first**2, 0.0, None)
    return first, np.sqrt(variance), len(weights)


def exact_draws(
    problem: Problem, field: str, points: Mapping[str, np.ndarray], n: int, rng: np.random.Generator
) -> np.ndarray:
    """``n`` draws of the exact law of ``field`` at the points (each coordinate an array (P,)) → (n, P)."""
    inputs = RandomInputs.of(problem)
    coords = [c for c in problem.coords if c.name in points]
    function = _lambdified(problem, field, coords, inputs)
    draws = inputs.draw(rng, n)
    where = [np.asarray(points[c.name], dtype=float)[None, :] for c in coords]
    values = function(*where, *[draws[:, j : j + 1] for j in range(len(inputs))])
    return np.broadcast_to(np.asarray(values, dtype=float), (n, len(where[0][0]) if where else 1)).copy()
