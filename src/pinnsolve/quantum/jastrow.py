r"""Jastrow factors: the pair correlations :math:`\exp\big(\sum_{i<j} u(r_{ij})\big)`.

For a radial pair function u(r), with :math:`\hat r_{ij} = (\mathbf r_i - \mathbf r_j)/r_{ij}`,

.. math::

    \nabla_i \ln J = \sum_{j \ne i} u'(r_{ij})\,\hat r_{ij}, \qquad
    \nabla^2 \ln J = 2\sum_{i<j}\Big(u''(r_{ij}) + \frac{d-1}{r_{ij}}u'(r_{ij})\Big).

- `PadeJastrow`: :math:`u = a\,r/(1 + \beta r)`, with a fixed by Kato's cusp for a Coulomb
  pair λ/r (a = λ/(d−1) for opposite spins or distinct particles, λ/(d+1) for equal spins)
  and β > 0 trainable (stored as ln β); a is trainable too where W has no 1/r core.
- `PowerJastrow`: :math:`u = b \ln r`, ψ ∝ r^b, fixed by an inverse-square core g/r²
  (b(b + d − 2) = g), as in the Calogero ground state.
"""

from __future__ import annotations

import math

import torch

from pinnsolve.quantum.factor import Derivatives, Factor
from pinnsolve.quantum.hamiltonian import pair_distances

__all__ = ["PadeJastrow", "PowerJastrow", "cusp_coefficients"]


def cusp_coefficients(n: int, dim: int, spins: tuple[int, int], strength: float, fermions: bool) -> torch.Tensor:
    """Kato's cusp a_ij for each pair i < j of a Coulomb interaction λ/r (order of `pair_distances`)."""
    i, j = torch.triu_indices(n, n, offset=1)
    up = torch.arange(n) < spins[0]
    same = (up[i] == up[j]) if fermions else torch.zeros(len(i), dtype=torch.bool)
    opposite = strength / (dim - 1) if dim > 1 else strength
    return torch.where(
        same, torch.tensor(strength / (dim + 1), dtype=torch.float64), torch.tensor(opposite, dtype=torch.float64)
    )


def _radial(
    positions: torch.Tensor,
    u1: torch.Tensor,
    u2: torch.Tensor,
    distances: torch.Tensor,
    i: torch.Tensor,
    j: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradient ``(chains, N, d)`` and Laplacian ``(chains,)`` of Σ_{i<j} u(r_ij) from u' and u''."""
    dim = positions.shape[2]
    unit = (positions[:, i] - positions[:, j]) / distances.unsqueeze(2)
    pull = u1.unsqueeze(2) * unit
    gradient = torch.zeros_like(positions)
    gradient.index_add_(1, i, pull)
    gradient.index_add_(1, j, -pull)
    laplacian = 2 * (u2 + (dim - 1) * u1 / distances).sum(dim=1)
    return gradient, laplacian


class PadeJastrow(Factor):
    """u(r) = a r / (1 + β r); β trainable, a fixed by the cusp (``cusp``) or trainable (``cusp=None``)."""

    name = "pade-jastrow"

    def __init__(self, cusp: torch.Tensor | None, beta: float = 0.5, n_pairs: int = 0) -> None:
        self.fixed_a = cusp
        theta = [math.log(beta)] + ([0.0] if cusp is None else [])
        super().__init__(torch.tensor(theta, dtype=torch.float64))
        self.n_pairs = n_pairs

    def _coefficients(self) -> tuple[torch.Tensor, torch.Tensor]:
        a = self.fixed_a if self.fixed_a is not None else self.theta[1]
        return a, self.theta[0].exp()

    def log(self, positions: torch.Tensor) -> torch.Tensor:
        _, _, distances = pair_distances(positions)
        a, beta = self._coefficients()
        return (a * distances / (1 + beta * distances)).sum(dim=1)

    def derivatives(self, positions: torch.Tensor) -> Derivatives:
        i, j, distances = pair_distances(positions)
        a, beta = self._coefficients()
        denominator = 1 + beta * distances
        u1 = a / denominator**2
        u2 = -2 * a * beta / denominator**3
        gradient, laplacian = _radial(positions, u1, u2, distances, i, j)
        return Derivatives((a * distances / denominator).sum(dim=1), gradient, laplacian)

    def parameter_gradient(self, positions: torch.Tensor) -> torch.Tensor:
        _, _, distances = pair_distances(positions)
        a, beta = self._coefficients()
        denominator = 1 + beta * distances
        d_log_beta = (-a * beta * distances**2 / denominator**2).sum(dim=1, keepdim=True)
        if self.fixed_a is not None:
            return d_log_beta
        return torch.cat([d_log_beta, (distances / denominator).sum(dim=1, keepdim=True)], dim=1)


class PowerJastrow(Factor):
    """u(r) = b ln r: ψ vanishes as r^b where two particles meet (no parameters)."""

    name = "power-jastrow"

    def __init__(self, exponent: float) -> None:
        super().__init__()
        self.exponent = exponent

    @staticmethod
    def exponent_for(strength: float, dim: int) -> float:
        """The b > 0 with b(b + d − 2) = g, which cancels g/r² in the local energy."""
        return (-(dim - 2) + math.sqrt((dim - 2) ** 2 + 4 * strength)) / 2

    def log(self, positions: torch.Tensor) -> torch.Tensor:
        _, _, distances = pair_distances(positions)
        return self.exponent * distances.log().sum(dim=1)

    def derivatives(self, positions: torch.Tensor) -> Derivatives:
        i, j, distances = pair_distances(positions)
        u1 = self.exponent / distances
        u2 = -self.exponent / distances**2
        gradient, laplacian = _radial(positions, u1, u2, distances, i, j)
        return Derivatives(self.exponent * distances.log().sum(dim=1), gradient, laplacian)
