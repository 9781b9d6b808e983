r"""Markov chains that draw configurations from |ψ(R)|², many chains at once.

- `Metropolis`: a Gaussian random walk of all coordinates, R' = R + δ ξ, accepted with
  probability min(1, |ψ(R')|²/|ψ(R)|²).
- `Langevin`: Metropolis–Hastings with importance sampling. The proposal follows the
  Langevin equation whose Fokker–Planck stationary density is |ψ|²: with diffusion D = ½ and
  the quantum force F = 2∇ln ψ, :math:`R' = R + D F(R)\Delta t + \sqrt{2D\Delta t}\,\xi`,
  accepted with :math:`\min\big(1, \frac{G(R\leftarrow R')|\psi(R')|^2}{G(R'\leftarrow R)|\psi(R)|^2}\big)`,
  :math:`G(R'\leftarrow R) \propto \exp\big(-(R' - R - D\Delta t F(R))^2 / 4D\Delta t\big)`.
- `Gibbs`: for the RBM with ψ = √F, alternate h ~ P(h|X) and X ~ P(X|h) of the joint
  Boltzmann distribution; the marginal of X is F = |ψ|² and every move is accepted.

The step (δ or Δt) is tuned between blocks towards a target acceptance, and kept fixed while a
block of samples is recorded, so each block is drawn by one reversible chain.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

import torch

from pinnsolve.errors import MethodNotApplicable
from pinnsolve.quantum.factor import Factor, Product
from pinnsolve.quantum.rbm import RBM

__all__ = ["SAMPLERS", "Gibbs", "Langevin", "Metropolis", "Sampler", "make_sampler"]


class Sampler(ABC):
    """Chains ``positions (chains, N, d)`` moved by `sweep`; `run` records every ``thin``-th state."""

    name: str
    target: float = 0.5

    def __init__(self, ansatz: Factor, positions: torch.Tensor, step: float, generator: torch.Generator) -> None:
        self.ansatz, self.positions, self.step, self.generator = ansatz, positions, step, generator

    @abstractmethod
    def sweep(self) -> torch.Tensor:
        """Move every chain once; return the acceptance of each ``(chains,)``."""

    def refresh(self) -> None:
        """Recompute cached quantities after the wave function's parameters changed."""

    def run(self, records: int, thin: int) -> tuple[torch.Tensor, float]:
        """``records`` states per chain, ``(records, chains, N, d)``, and the mean acceptance."""
        self.refresh()
        out = torch.empty((records, *self.positions.shape), dtype=self.positions.dtype)
        accepted = torch.zeros((), dtype=torch.float64)
        for k in range(records):
            for _ in range(thin):
                accepted += self.sweep().mean()
            out[k] = self.positions
        return out, float(accepted) / (records * thin)

    def burn_in(self, sweeps: int, block: int = 20) -> float:
        """Equilibrate, tuning the step every ``block`` sweeps; return the last acceptance."""
        self.refresh()
        acceptance = self.target
        for _ in range(max(1, sweeps // block)):
            acceptance = float(sum(self.sweep().mean() for _ in range(block))) / block
            self.tune(acceptance)
        return acceptance

    def tune(self, acceptance: float) -> None:
        """Scale the step towards the target acceptance (between recorded blocks only)."""
        self.step *= math.exp(min(max(2.0 * (acceptance - self.target), -1.0), 1.0))

    def _normal(self) -> torch.Tensor:
        return torch.randn(self.positions.shape, generator=self.generator, dtype=self.positions.dtype)

    def _uniform(self) -> torch.Tensor:
        return torch.rand(self.positions.shape[0], generator=self.generator, dtype=self.positions.dtype)


class Metropolis(Sampler):
    """Random-walk Metropolis of all coordinates, step δ tuned to 50 % acceptance."""

    name = "metropolis"
    target = 0.5

    def refresh(self) -> None:
        self.log = self.ansatz.log(self.positions)

    def sweep(self) -> torch.Tensor:
        proposal = self.positions + self.step * self._normal()
        log = self.ansatz.log(proposal)
        accept = self._uniform().log() < 2 * (log - self.log)
        self.positions = torch.where(accept[:, None, None], proposal, self.positions)
        self.log = torch.where(accept, log, self.log)
        return accept.to(torch.float64)


class Langevin(Sampler):
    """Metropolis–Hastings with the Langevin (Fokker–Planck) drift, time step Δt tuned to 80 % acceptance."""

    name = "langevin"
    target = 0.8

    def refresh(self) -> None:
        self.log, self.gradient = self.ansatz.log_and_gradient(self.positions)

    def drift(self, gradient: torch.Tensor) -> torch.Tensor:
        r"""D F Δt = Δt ∇ln ψ, limited per particle where it is large (Umrigar, Nightingale & Runge 1993).

        Near a node or a pair singularity ∇ln ψ diverges; the raw drift would throw the chain far
        away and the reverse move would never be accepted, so a chain could stick there. The
        limited drift :math:`\bar v = v\,(\sqrt{1 + 2 v^2\Delta t} - 1)/(v^2\Delta t)` equals v
        where v² Δt ≪ 1 and has length at most √(2Δt) · … : the Metropolis–Hastings test uses
        the same limited drift both ways, so |ψ|² stays the stationary density.
        """
        dt = self.step
        v2 = gradient.pow(2).sum(dim=2, keepdim=True)
        factor = torch.where(v2 * dt > 1e-8, (torch.sqrt(1 + 2 * v2 * dt) - 1) / (v2 * dt).clamp_min(1e-300), 1.0)
        return dt * factor * gradient

    def sweep(self) -> torch.Tensor:
        dt = self.step
        current = self.drift(self.gradient)
        proposal = self.positions + current + math.sqrt(dt) * self._normal()
        log, gradient = self.ansatz.log_and_gradient(proposal)
        forward = (proposal - self.positions - current).pow(2).sum(dim=(1, 2))
        backward = (self.positions - proposal - self.drift(gradient)).pow(2).sum(dim=(1, 2))
        log_ratio = 2 * (log - self.log) + (forward - backward) / (2 * dt)
        accept = self._uniform().log() < log_ratio
        self.positions = torch.where(accept[:, None, None], proposal, self.positions)
        self.log = torch.where(accept, log, self.log)
        self.gradient = torch.where(accept[:, None, None], gradient, self.gradient)
        return accept.to(torch.float64)

    def tune(self, acceptance: float) -> None:
        self.step *= math.exp(min(max(4.0 * (acceptance - self.target), -1.0), 1.0))


class Gibbs(Sampler):
    """Block Gibbs sampling of the RBM's joint distribution (ψ = √F); every move accepted."""

    name = "gibbs"
    target = 1.0

    def __init__(self, ansatz: Factor, positions: torch.Tensor, step: float, generator: torch.Generator) -> None:
        super().__init__(ansatz, positions, step, generator)
        rbm = ansatz.factors[0] if isinstance(ansatz, Product) and len(ansatz.factors) == 1 else ansatz
        if not (isinstance(rbm, RBM) and rbm.power == 0.5):
            raise MethodNotApplicable(
                "--sampler gibbs samples the RBM's joint distribution, so it needs the plain "
                "RBM with ψ = √F. Use --ansatz rbm with --sampler gibbs, or --sampler langevin "
                "for the other ansätze."
            )
        self.rbm = rbm

    def sweep(self) -> torch.Tensor:
        flat = self.positions.reshape(self.positions.shape[0], -1)
        hidden = self.rbm.sample_hidden(flat, self.generator)
        self.positions = self.rbm.sample_visible(hidden, self.generator).reshape(self.positions.shape)
        return torch.ones(self.positions.shape[0], dtype=torch.float64)

    def tune(self, acceptance: float) -> None:
        pass


SAMPLERS: dict[str, type[Sampler]] = {"metropolis": Metropolis, "langevin": Langevin, "gibbs": Gibbs}


def make_sampler(
    name: str, ansatz: Factor, positions: torch.Tensor, step: float | None, generator: torch.Generator
) -> Sampler:
    """The sampler registered under ``name``; Δt = 0.05 or δ = 1 when ``step`` is not given."""
    cls = SAMPLERS[name]
    default = 0.05 if cls is Langevin else 1.0
    return cls(ansatz, positions, default if step is None else step, generator)
