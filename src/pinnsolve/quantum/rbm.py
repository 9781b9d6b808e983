r"""The Gaussian–binary restricted Boltzmann machine as a trial wave function (Carleo & Troyer 2017).

Visible units are the M = N·d coordinates :math:`X`, hidden units :math:`h_j \in \{0, 1\}`:

.. math::

    F(X) = \sum_h e^{-E(X, h)}
         = e^{-\sum_i (X_i - a_i)^2 / 2\sigma^2} \prod_j \Big(1 + e^{\,b_j + \sum_i X_i W_{ij}/\sigma^2}\Big),

and :math:`\psi = F^{\,p}` with p = 1 (Metropolis sampling) or p = ½ (Gibbs sampling, where
:math:`|\psi|^2 = F` is the marginal of the joint distribution; Hjorth-Jensen's lectures on
Boltzmann machines for quantum dots). With :math:`v_j = b_j + \sum_i X_i W_{ij}/\sigma^2` and
the logistic σ(·):

.. math::

    \partial_{X_k} \ln\psi = p\Big(-\frac{X_k - a_k}{\sigma^2} + \sum_j \frac{W_{kj}}{\sigma^2}\sigma(v_j)\Big),\qquad
    \nabla^2 \ln\psi = p\Big(-\frac{M}{\sigma^2}
        + \sum_{k,j} \frac{W_{kj}^2}{\sigma^4}\sigma(v_j)\big(1 - \sigma(v_j)\big)\Big).
"""

from __future__ import annotations

import torch

from pinnsolve.quantum.factor import Derivatives, Factor

__all__ = ["RBM"]


class RBM(Factor):
    """Gaussian–binary RBM over N·d visible units and ``hidden`` binary hidden units.

    ``sigma2`` is the visible units' variance; with ``sigma2 = p/ω`` and zero weights the
    machine is exactly the trap's Gaussian ground state. Parameters: a (M), b (H), W (M×H).
    """

    name = "rbm"

    def __init__(
        self,
        n: int,
        dim: int,
        hidden: int,
        sigma2: float,
        power: float = 1.0,
        scale: float = 0.01,
        generator: torch.Generator | None = None,
    ) -> None:
        self.visible, self.hidden = n * dim, hidden
        theta = torch.zeros(self.visible + hidden + self.visible * hidden, dtype=torch.float64)
        theta[self.visible + hidden :] = scale * torch.randn(
            self.visible * hidden, generator=generator, dtype=torch.float64
        )
        theta[: self.visible] = scale * torch.randn(self.visible, generator=generator, dtype=torch.float64)
        super().__init__(theta)
        self.sigma2, self.power = sigma2, power
        self.name = "rbm" if power == 1 else "sqrt-rbm"

    def unpack(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The visible biases a, hidden biases b, and weights W of the flat parameter vector."""
        m, h = self.visible, self.hidden
        return self.theta[:m], self.theta[m : m + h], self.theta[m + h :].reshape(m, h)

    def _activation(self, flat: torch.Tensor) -> torch.Tensor:
        _, b, w = self.unpack()
        return b + flat @ w / self.sigma2

    def log(self, positions: torch.Tensor) -> torch.Tensor:
        flat = positions.reshape(positions.shape[0], -1)
        a, _, _ = self.unpack()
        gaussian = -(flat - a).pow(2).sum(dim=1) / (2 * self.sigma2)
        return self.power * (gaussian + torch.nn.functional.softplus(self._activation(flat)).sum(dim=1))

    def derivatives(self, positions: torch.Tensor) -> Derivatives:
        flat = positions.reshape(positions.shape[0], -1)
        a, _, w = self.unpack()
        v = self._activation(flat)
        s = torch.sigmoid(v)
        log = self.power * (
            -(flat - a).pow(2).sum(dim=1) / (2 * self.sigma2) + torch.nn.functional.softplus(v).sum(dim=1)
        )
        gradient = self.power * (-(flat - a) + s @ w.T) / self.sigma2
        curvature = (s * (1 - s)) @ w.pow(2).sum(dim=0)
        laplacian = self.power * (-self.visible / self.sigma2 + curvature / self.sigma2**2)
        return Derivatives(log, gradient.reshape(positions.shape), laplacian)

    def parameter_gradient(self, positions: torch.Tensor) -> torch.Tensor:
        flat = positions.reshape(positions.shape[0], -1)
        a, _, _ = self.unpack()
        s = torch.sigmoid(self._activation(flat))
        d_w = (flat.unsqueeze(2) * s.unsqueeze(1)).reshape(flat.shape[0], -1) / self.sigma2
        return self.power * torch.cat([(flat - a) / self.sigma2, s, d_w], dim=1)

    # -- Gibbs sampling of the joint distribution (power ½) -------------------------------------
    def sample_hidden(self, flat: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """h ~ P(h | X): independent Bernoulli units with P(h_j = 1 | X) = σ(v_j)."""
        p = torch.sigmoid(self._activation(flat))
        return (torch.rand(p.shape, generator=generator, dtype=p.dtype) < p).to(p.dtype)

    def sample_visible(self, hidden: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """X ~ P(X | h) = N(a + W h, σ²)."""
        a, _, w = self.unpack()
        mean = a + hidden @ w.T
        return mean + self.sigma2**0.5 * torch.randn(mean.shape, generator=generator, dtype=mean.dtype)
