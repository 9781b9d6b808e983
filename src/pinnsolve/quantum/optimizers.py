r"""Parameter updates from sampled local energies and log-derivatives.

With :math:`O_k = \partial\ln\psi/\partial\theta_k` and :math:`\Delta X = X - \langle X\rangle`,
the energy gradient is :math:`g_k = 2\langle \Delta E_L\, \Delta O_k\rangle` (real ψ).

- `SGD`: :math:`\delta\theta = -\eta\, g`.
- `Adam`: Kingma & Ba (2015) on g.
- `StochasticReconfiguration`: imaginary-time evolution projected on the variational manifold
  (Sorella 1998; the natural gradient of Amari): solve
  :math:`(S + \lambda I)\,\delta\theta = -\eta\, \langle \Delta E_L\,\Delta O\rangle`, with the
  covariance :math:`S_{kl} = \langle \Delta O_k \Delta O_l\rangle` and the diagonal shift λ
  regularising the directions the samples do not resolve.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import torch

__all__ = ["OPTIMIZERS", "SGD", "Adam", "Optimizer", "StochasticReconfiguration", "energy_gradient"]


def energy_gradient(energies: torch.Tensor, derivatives: torch.Tensor) -> torch.Tensor:
    """g = 2⟨(E_L − ⟨E_L⟩)(O − ⟨O⟩)⟩ from samples ``(S,)`` and ``(S, P)``."""
    centred = energies - energies.mean()
    return 2 * (centred.unsqueeze(1) * (derivatives - derivatives.mean(dim=0))).mean(dim=0)


class Optimizer(ABC):
    """Turns one iteration's samples into a parameter change."""

    name: str

    def __init__(self, lr: float, shift: float = 1e-3) -> None:
        self.lr, self.shift = lr, shift

    @abstractmethod
    def update(self, energies: torch.Tensor, derivatives: torch.Tensor) -> torch.Tensor:
        """δθ ``(P,)`` from local energies ``(S,)`` and log-derivatives ``(S, P)``."""

    def state_dict(self) -> dict[str, object]:
        """What the optimizer carries between iterations (for checkpoints): nothing, unless it has moments."""
        return {}

    def load_state_dict(self, state: dict[str, object]) -> None:
        """Restore what `state_dict` returned."""


class SGD(Optimizer):
    name = "sgd"

    def update(self, energies: torch.Tensor, derivatives: torch.Tensor) -> torch.Tensor:
        return -self.lr * energy_gradient(energies, derivatives)


class Adam(Optimizer):
    name = "adam"

    def __init__(
        self, lr: float, shift: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8
    ) -> None:
        super().__init__(lr, shift)
        self.betas, self.eps, self.t = betas, eps, 0
        self.m: torch.Tensor | None = None
        self.v: torch.Tensor | None = None

    def update(self, energies: torch.Tensor, derivatives: torch.Tensor) -> torch.Tensor:
        g = energy_gradient(energies, derivatives)
        if self.m is None or self.v is None:
            self.m, self.v = torch.zeros_like(g), torch.zeros_like(g)
        b1, b2 = self.betas
        self.t += 1
        self.m = b1 * self.m + (1 - b1) * g
        self.v = b2 * self.v + (1 - b2) * g * g
        m_hat, v_hat = self.m / (1 - b1**self.t), self.v / (1 - b2**self.t)
        return -self.lr * m_hat / (v_hat.sqrt() + self.eps)

    def state_dict(self) -> dict[str, object]:
        return {"t": self.t, "m": self.m, "v": self.v}

    def load_state_dict(self, state: dict[str, object]) -> None:
        self.t, self.m, self.v = int(state["t"]), state["m"], state["v"]  # type: ignore[call-overload, assignment]


class StochasticReconfiguration(Optimizer):
    name = "sr"

    def update(self, energies: torch.Tensor, derivatives: torch.Tensor) -> torch.Tensor:
        centred = derivatives - derivatives.mean(dim=0)
        covariance = centred.T @ centred / derivatives.shape[0]
        force = 0.5 * energy_gradient(energies, derivatives)
        shifted = covariance + self.shift * torch.eye(covariance.shape[0], dtype=covariance.dtype)
        return -self.lr * torch.linalg.solve(shifted, force)


OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "adam": Adam, "sr": StochasticReconfiguration}
