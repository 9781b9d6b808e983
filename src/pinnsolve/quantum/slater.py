r"""Slater determinants of harmonic-oscillator orbitals, one per spin (closed shells).

The orbitals are the polynomial parts of the d-dimensional oscillator states,
:math:`\phi_{\mathbf n}(\mathbf r) = \prod_k H_{n_k}(\sqrt{\omega}\, x_k)` (physicists'
Hermite polynomials), filled shell by shell (|n| = 0, 1, ...); the Gaussian they share is
carried by the RBM or the Gaussian envelope. For one spin block with matrix
:math:`D_{ij} = \phi_j(\mathbf r_i)`:

.. math::

    \nabla_i \ln|D| = \sum_j \nabla\phi_j(\mathbf r_i)\,(D^{-1})_{ji}, \qquad
    \nabla_i^2 \ln|D| = \sum_j \nabla^2\phi_j(\mathbf r_i)\,(D^{-1})_{ji} - |\nabla_i \ln|D||^2.
"""

from __future__ import annotations

import itertools
import math

import torch

from pinnsolve.errors import MethodNotApplicable
from pinnsolve.quantum.factor import Derivatives, Factor

__all__ = ["Slater", "closed_shell_orbitals", "hermite"]


def hermite(order: int, t: torch.Tensor) -> torch.Tensor:
    """The physicists' Hermite polynomial H_n(t) by the three-term recursion (zero for n < 0)."""
    if order < 0:
        return torch.zeros_like(t)
    previous, current = torch.zeros_like(t), torch.ones_like(t)
    for k in range(order):
        previous, current = current, 2 * t * current - 2 * k * previous
    return current


def closed_shell_orbitals(count: int, dim: int) -> list[tuple[int, ...]]:
    """The quantum numbers of the lowest ``count`` orbitals, if they fill whole shells; else an error."""
    orbitals: list[tuple[int, ...]] = []
    shell = 0
    while len(orbitals) < count:
        orbitals += sorted(
            (n for n in itertools.product(range(shell + 1), repeat=dim) if sum(n) == shell), reverse=True
        )
        shell += 1
    if len(orbitals) != count:
        sizes = [math.comb(s + dim - 1, dim - 1) for s in range(6)]
        fills = list(itertools.accumulate(sizes))
        raise MethodNotApplicable(
            f"{count} fermions of one spin do not fill whole oscillator shells in {dim} "
            f"dimensions. Use N = 2·k with k one of {', '.join(map(str, fills))} "
            "(closed shells: N = 2, 6, 12, 20 in 2-D)."
        )
    return orbitals


class Slater(Factor):
    r"""|det D↑| · |det D↓| of oscillator orbitals; spin up: the first ``spins[0]`` particles.

    The orbitals' length scale is variational: :math:`H_n(s\,x)` with :math:`s = \sqrt{\omega}\,e^{\theta}`
    (θ = 0: the trap's own orbitals). Since every orbital depends on x only through s·x,
    :math:`\partial \ln|D| / \partial\theta = \sum_i \mathbf r_i\cdot\nabla_i \ln|D|`.
    """

    name = "slater"

    def __init__(self, spins: tuple[int, int], dim: int, omega: float) -> None:
        super().__init__(torch.zeros(1, dtype=torch.float64))
        self.spins, self.dim, self.omega = spins, dim, omega
        self.orbitals = {count: closed_shell_orbitals(count, dim) for count in set(spins) if count}

    @property
    def scale(self) -> torch.Tensor:
        return math.sqrt(self.omega) * self.theta[0].exp()

    def parameter_gradient(self, positions: torch.Tensor) -> torch.Tensor:
        return (positions * self.derivatives(positions).gradient).sum(dim=(1, 2)).unsqueeze(1)

    def _matrices(self, block: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """D ``(chains, n, n)``, ∇φ_j(r_i) ``(chains, n, n, d)`` and ∇²φ_j(r_i) ``(chains, n, n)``."""
        scale = self.scale
        t = scale * block  # (chains, n, d)
        orders = self.orbitals[block.shape[1]]
        top = max(max(n) for n in orders)
        h = [hermite(k, t) for k in range(top + 1)]
        values, gradients, laplacians = [], [], []
        for n in orders:
            factors = [h[n[k]][..., k] for k in range(self.dim)]
            first = [
                scale * 2 * n[k] * h[n[k] - 1][..., k] if n[k] else torch.zeros_like(t[..., 0]) for k in range(self.dim)
            ]
            second = [
                scale**2 * 4 * n[k] * (n[k] - 1) * h[n[k] - 2][..., k] if n[k] > 1 else torch.zeros_like(t[..., 0])
                for k in range(self.dim)
            ]
            others = [
                math.prod(factors[m] for m in range(self.dim) if m != k) if self.dim > 1 else 1.0
                for k in range(self.dim)
            ]
            values.append(math.prod(factors))
            gradients.append(torch.stack([first[k] * others[k] for k in range(self.dim)], dim=-1))
            laplacians.append(sum(second[k] * others[k] for k in range(self.dim)))
        return torch.stack(values, -1), torch.stack(gradients, -2), torch.stack(laplacians, -1)

    def _blocks(self, positions: torch.Tensor) -> list[torch.Tensor]:
        up = self.spins[0]
        return [b for b in (positions[:, :up], positions[:, up:]) if b.shape[1] > 0]

    def log(self, positions: torch.Tensor) -> torch.Tensor:
        return sum(torch.linalg.slogdet(self._matrices(b)[0])[1] for b in self._blocks(positions))  # type: ignore

    def derivatives(self, positions: torch.Tensor) -> Derivatives:
        logs, gradients, laplacians = [], [], []
        for block in self._blocks(positions):
            d, grad_phi, lap_phi = self._matrices(block)
            inverse = torch.linalg.inv(d)  # (chains, n, n): inverse[c, j, i]
            logs.append(torch.linalg.slogdet(d)[1])
            g = torch.einsum("cijk,cji->cik", grad_phi, inverse)
            gradients.append(g)
            laplacians.append(torch.einsum("cij,cji->c", lap_phi, inverse) - g.pow(2).sum(dim=(1, 2)))
        return Derivatives(sum(logs), torch.cat(gradients, dim=1), sum(laplacians))  # type: ignore[arg-type]
