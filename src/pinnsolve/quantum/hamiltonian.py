r"""The Hamiltonian as torch functions, and the local energy of a trial wave function.

.. math::

    E_L(\mathbf R) = \frac{H\psi}{\psi}
      = -\frac12 \sum_i \big(\nabla_i^2 \ln\psi + |\nabla_i \ln\psi|^2\big)
        + \sum_i V(\mathbf r_i) + \sum_{i<j} W(r_{ij}).

Configurations are tensors ``(chains, N, d)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp
import torch

from pinnsolve.quantum.problem import COORDINATES, Schrodinger, r
from pinnsolve.residual.compile import torch_function

__all__ = ["Hamiltonian", "pair_distances", "short_range"]


def pair_distances(positions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Indices ``(i, j)`` of the pairs i < j and their distances ``(chains, pairs)``."""
    n = positions.shape[1]
    i, j = torch.triu_indices(n, n, offset=1, device=positions.device)
    return i, j, (positions[:, i] - positions[:, j]).norm(dim=-1)


def short_range(interaction: sp.Expr) -> tuple[str, float]:
    r"""How W(r) behaves as r → 0: ``("coulomb", λ)`` for λ/r, ``("inverse-square", g)`` for g/r², else ``("soft", 0)``.

    The trial wave functions take their short-distance form from it (Kato's cusp for λ/r,
    ψ ∝ r^b with b(b + d − 2) = g for g/r²), so the local energy stays finite where two
    particles meet.
    """
    if interaction == 0:
        return "soft", 0.0
    for power, kind in ((1, "coulomb"), (2, "inverse-square")):
        try:
            value = sp.limit(interaction * r**power, r, 0, "+")
        except (NotImplementedError, ValueError):  # pragma: no cover - sympy gives up
            continue
        if value.is_number and value.is_finite and value != 0:
            return kind, float(value)
    return "soft", 0.0


@dataclass
class Hamiltonian:
    """The trap and the pair interaction of a `Schrodinger` problem at its parameter values."""

    n: int
    dim: int
    trap: Callable[[torch.Tensor], torch.Tensor]
    interaction: Callable[[torch.Tensor], torch.Tensor] | None

    @classmethod
    def of(cls, problem: Schrodinger) -> Hamiltonian:
        trap = torch_function(problem.one_body(), COORDINATES[: problem.dim])
        pair = problem.pair()
        interaction = None if pair == 0 or problem.n_particles < 2 else torch_function(pair, (r,))
        return cls(problem.n_particles, problem.dim, trap, interaction)

    def potential(self, positions: torch.Tensor) -> torch.Tensor:
        """Σ_i V(r_i) + Σ_{i<j} W(r_ij) for each configuration ``(chains,)``."""
        chains = positions.shape[0]
        energy = self.trap(positions.reshape(-1, self.dim)).reshape(chains, self.n).sum(dim=1)
        if self.interaction is not None:
            _, _, distances = pair_distances(positions)
            energy = energy + self.interaction(distances.reshape(-1, 1)).reshape(chains, -1).sum(dim=1)
        return energy

    def local_energy(self, gradient: torch.Tensor, laplacian: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
        """E_L from ∇ ln ψ ``(chains, N, d)`` and ∇² ln ψ ``(chains,)``."""
        kinetic = -0.5 * (laplacian + gradient.pow(2).sum(dim=(1, 2)))
        return kinetic + self.potential(positions)
