r"""A multilayer perceptron as a log-amplitude, ln ψ_θ(X) = f_θ(X), with an exact Laplacian.

The Laplacian is the trace of the Hessian of f in the N·d coordinates, taken exactly by
forward-over-reverse differentiation (``torch.func.jacfwd(torch.func.jacrev(f))``, vectorised over
the chains with ``vmap``); the parameter gradient :math:`O = \partial f/\partial\theta` comes the
same way, one per configuration. Cost grows as (N·d)² per configuration: fine for the
few-particle systems VMC treats here.
"""

from __future__ import annotations

import torch
from torch.func import functional_call, grad, jacfwd, jacrev, vmap

from pinnsolve.quantum.factor import Derivatives, Factor

__all__ = ["MLPAmplitude"]


class MLPAmplitude(Factor):
    """f_θ: R^{N·d} → R, ``depth`` tanh layers of ``width`` units, last layer initialised small."""

    name = "mlp"

    def __init__(
        self, n: int, dim: int, width: int = 16, depth: int = 2, generator: torch.Generator | None = None
    ) -> None:
        layers: list[torch.nn.Module] = []
        size = n * dim
        for _ in range(depth):
            layers += [torch.nn.Linear(size, width, dtype=torch.float64), torch.nn.Tanh()]
            size = width
        layers.append(torch.nn.Linear(size, 1, dtype=torch.float64))
        self.net = torch.nn.Sequential(*layers)
        with torch.no_grad():
            for p in self.net.parameters():
                p.copy_(torch.randn(p.shape, generator=generator, dtype=torch.float64) / max(p.shape[-1], 1) ** 0.5)
            self.net[-1].weight.mul_(0.01)
            self.net[-1].bias.zero_()
        self.shapes = [(name, p.shape) for name, p in self.net.named_parameters()]
        super().__init__(torch.cat([p.detach().reshape(-1) for p in self.net.parameters()]))

    def _params(self, theta: torch.Tensor) -> dict[str, torch.Tensor]:
        out, offset = {}, 0
        for name, shape in self.shapes:
            size = shape.numel()
            out[name] = theta[offset : offset + size].reshape(shape)
            offset += size
        return out

    def _scalar(self, theta: torch.Tensor, flat: torch.Tensor) -> torch.Tensor:
        return functional_call(self.net, self._params(theta), (flat.unsqueeze(0),)).squeeze()

    def log(self, positions: torch.Tensor) -> torch.Tensor:
        flat = positions.reshape(positions.shape[0], -1)
        return functional_call(self.net, self._params(self.theta), (flat,)).squeeze(1)

    def derivatives(self, positions: torch.Tensor) -> Derivatives:
        flat = positions.reshape(positions.shape[0], -1)
        theta = self.theta

        def f(x: torch.Tensor) -> torch.Tensor:
            return self._scalar(theta, x)

        gradient = vmap(jacrev(f))(flat)
        hessian = vmap(jacfwd(jacrev(f)))(flat)
        laplacian = hessian.diagonal(dim1=1, dim2=2).sum(dim=1)
        return Derivatives(self.log(positions), gradient.reshape(positions.shape), laplacian)

    def log_and_gradient(self, positions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        flat = positions.reshape(positions.shape[0], -1)
        gradient = vmap(jacrev(self._scalar, argnums=1), in_dims=(None, 0))(self.theta, flat)
        return self.log(positions), gradient.reshape(positions.shape)

    def parameter_gradient(self, positions: torch.Tensor) -> torch.Tensor:
        flat = positions.reshape(positions.shape[0], -1)
        return vmap(grad(self._scalar), in_dims=(None, 0))(self.theta, flat)
