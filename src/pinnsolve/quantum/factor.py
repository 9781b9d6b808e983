r"""Trial wave functions as products of factors, each giving ln ψ, its derivatives and ∂ ln ψ/∂θ.

A factor :math:`\psi_k(\mathbf R;\theta_k)` reports, for configurations ``(chains, N, d)``,

- ``log``: :math:`\ln|\psi_k|` ``(chains,)``,
- ``gradient``: :math:`\nabla \ln|\psi_k|` ``(chains, N, d)``,
- ``laplacian``: :math:`\nabla^2 \ln|\psi_k|` summed over all N·d coordinates ``(chains,)``,
- ``parameter_gradient``: :math:`O_k = \partial \ln|\psi_k| / \partial\theta_k` ``(chains, P_k)``.

For a product :math:`\psi = \prod_k \psi_k` these add up (and the parameter gradients line up),
which is all the local energy and the optimisers need.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import NamedTuple

import torch

__all__ = ["Derivatives", "Factor", "GaussianEnvelope", "Product"]


class Derivatives(NamedTuple):
    log: torch.Tensor
    gradient: torch.Tensor
    laplacian: torch.Tensor


class Factor(ABC):
    """One factor of a trial wave function, with its parameters as one flat float64 tensor ``theta``."""

    name: str = "factor"

    def __init__(self, theta: torch.Tensor | None = None) -> None:
        self.theta = torch.zeros(0, dtype=torch.float64) if theta is None else theta

    @property
    def n_parameters(self) -> int:
        return int(self.theta.numel())

    @abstractmethod
    def log(self, positions: torch.Tensor) -> torch.Tensor:
        """ln |ψ_k| ``(chains,)``."""

    @abstractmethod
    def derivatives(self, positions: torch.Tensor) -> Derivatives:
        """ln |ψ_k|, its gradient and its Laplacian."""

    def log_and_gradient(self, positions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """ln |ψ_k| and its gradient (the drift of Langevin sampling), without the Laplacian where cheaper."""
        d = self.derivatives(positions)
        return d.log, d.gradient

    def parameter_gradient(self, positions: torch.Tensor) -> torch.Tensor:
        """∂ ln |ψ_k| / ∂θ_k ``(chains, P_k)`` (none for a fixed factor)."""
        return positions.new_zeros(positions.shape[0], 0)


class Product(Factor):
    """ψ = Π_k ψ_k: logs, gradients and Laplacians add; parameters are concatenated."""

    name = "product"

    def __init__(self, factors: list[Factor]) -> None:
        super().__init__()
        self.factors = factors

    @property
    def theta(self) -> torch.Tensor:  # type: ignore[override]
        parts = [f.theta for f in self.factors]
        return torch.cat(parts) if parts else torch.zeros(0, dtype=torch.float64)

    @theta.setter
    def theta(self, value: torch.Tensor) -> None:
        offset = 0
        for f in getattr(self, "factors", []):
            f.theta = value[offset : offset + f.n_parameters].clone()
            offset += f.n_parameters

    def log(self, positions: torch.Tensor) -> torch.Tensor:
        return sum(f.log(positions) for f in self.factors)  # type: ignore[return-value]

    def derivatives(self, positions: torch.Tensor) -> Derivatives:
        parts = [f.derivatives(positions) for f in self.factors]
        return Derivatives(
            sum(p.log for p in parts),
            sum(p.gradient for p in parts),  # type: ignore[arg-type]
            sum(p.laplacian for p in parts),
        )

    def log_and_gradient(self, positions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        parts = [f.log_and_gradient(positions) for f in self.factors]
        return sum(p[0] for p in parts), sum(p[1] for p in parts)  # type: ignore[return-value]

    def parameter_gradient(self, positions: torch.Tensor) -> torch.Tensor:
        return torch.cat([f.parameter_gradient(positions) for f in self.factors], dim=1)

    def describe(self) -> str:
        return " × ".join(f"{f.name}({f.n_parameters})" if f.n_parameters else f.name for f in self.factors)


class GaussianEnvelope(Factor):
    r"""The one-body Gaussian :math:`\exp(-\alpha\omega \sum_i r_i^2 / 2)`, α trainable.

    α = 1 is the trap's ground state.
    """

    name = "gaussian"

    def __init__(self, omega: float, alpha: float = 1.0) -> None:
        super().__init__(torch.tensor([alpha], dtype=torch.float64))
        self.omega = omega

    def log(self, positions: torch.Tensor) -> torch.Tensor:
        return -0.5 * self.theta[0] * self.omega * positions.pow(2).sum(dim=(1, 2))

    def derivatives(self, positions: torch.Tensor) -> Derivatives:
        alpha_omega = self.theta[0] * self.omega
        n_coordinates = positions.shape[1] * positions.shape[2]
        return Derivatives(
            self.log(positions), -alpha_omega * positions, (-alpha_omega * n_coordinates).expand(positions.shape[0])
        )

    def parameter_gradient(self, positions: torch.Tensor) -> torch.Tensor:
        return (-0.5 * self.omega * positions.pow(2).sum(dim=(1, 2))).unsqueeze(1)
