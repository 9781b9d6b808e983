r"""A physics-informed network for the lowest eigenstates of one particle on a line.

State n is :math:`\psi_n(x) = N_\theta(x)\,e^{-\omega x^2/2}` (an MLP times the trap's Gaussian,
so it decays) with its energy :math:`E_n` a trainable unknown, started at the Rayleigh
quotient of the untrained network. On collocation points of [−L, L] the loss is

.. math::

    \frac{\langle (-\tfrac12\psi'' + V\psi - E\psi)^2\rangle}{\langle\psi^2\rangle}
    + \Big(\int\psi^2\,dx - 1\Big)^2 + \sum_{m<n}\Big(\int\psi\,\psi_m\,dx\Big)^2,

the residual of the eigenvalue equation, the normalisation, and orthogonality to the states
already found (weighted by 10; the lower states are also projected out of ψ_n exactly, Gram–Schmidt
on the grid, so the loss cannot settle on a mixture with them) (Jin, Mattheakis & Protopapas 2022,
"Physics-informed neural networks for quantum eigenvalue problems"). Known limit: the residual
vanishes at every eigenstate, so an excited state may converge to a higher level than the one
wanted (seen for the quartic well's first excited state); the ground state and the oscillator's
levels come out right. Integrals are trapezoidal sums on the points; Adam, then L-BFGS, minimise it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp
import torch

from pinnsolve.errors import MethodNotApplicable
from pinnsolve.quantum.eigen import EigenStates, _half_width
from pinnsolve.quantum.problem import Schrodinger, x
from pinnsolve.residual.compile import numpy_function, torch_function

__all__ = ["PINNEigenSettings", "pinn_spectrum"]


@dataclass
class PINNEigenSettings:
    states: int = 2
    points: int = 400
    width: int = 32
    depth: int = 3
    steps: int = 1000
    lbfgs_steps: int = 500
    lr: float = 3e-3
    orthogonality: float = 10.0
    seed: int = 0


def _network(width: int, depth: int, generator: torch.Generator) -> torch.nn.Sequential:
    layers: list[torch.nn.Module] = []
    size = 1
    for _ in range(depth):
        layers += [torch.nn.Linear(size, width, dtype=torch.float64), torch.nn.Tanh()]
        size = width
    layers.append(torch.nn.Linear(size, 1, dtype=torch.float64))
    with torch.no_grad():
        for p in (q for layer in layers for q in layer.parameters()):
            p.copy_(torch.randn(p.shape, generator=generator, dtype=torch.float64) / max(p.shape[-1], 1) ** 0.5)
    return torch.nn.Sequential(*layers)


def _trapezoid(values: torch.Tensor, h: float) -> torch.Tensor:
    return h * (values.sum() - 0.5 * (values[0] + values[-1]))


def _train_state(
    grid: torch.Tensor,
    h: float,
    potential: torch.Tensor,
    envelope: torch.Tensor,
    lower: list[tuple[torch.Tensor, torch.Tensor]],
    s: PINNEigenSettings,
    generator: torch.Generator,
) -> tuple[float, torch.Tensor, torch.Tensor]:
    """Train one state orthogonal to ``lower`` (pairs of ψ_m and ψ_m'' on the grid); its E, ψ and ψ''."""
    net = _network(s.width, s.depth, generator)

    def psi_and_second() -> tuple[torch.Tensor, torch.Tensor]:
        points = grid.clone().requires_grad_(True)
        psi = net(points.unsqueeze(1)).squeeze(1) * envelope
        first = torch.autograd.grad(psi.sum(), points, create_graph=True)[0]
        second = torch.autograd.grad(first.sum(), points, create_graph=True)[0]
        for other, other_second in lower:  # Gram–Schmidt: the lower states projected out exactly
            overlap = _trapezoid(psi * other, h)
            psi, second = psi - overlap * other, second - overlap * other_second
        return psi, second

    psi, second = psi_and_second()
    rayleigh = _trapezoid(psi * (-0.5 * second + potential * psi), h) / _trapezoid(psi**2, h)
    energy = torch.nn.Parameter(rayleigh.detach().clone())
    parameters = [*net.parameters(), energy]

    def loss_function() -> torch.Tensor:
        psi, second = psi_and_second()
        residual = (-0.5 * second + (potential - energy) * psi).pow(2).mean() / psi.pow(2).mean()
        loss = residual + (_trapezoid(psi**2, h) - 1) ** 2
        return loss + s.orthogonality * sum(_trapezoid(psi * other, h) ** 2 for other, _ in lower)

    adam = torch.optim.Adam(parameters, lr=s.lr)
    for _ in range(s.steps):
        adam.zero_grad()
        loss_function().backward()
        adam.step()
    lbfgs = torch.optim.LBFGS(
        parameters,
        lr=1.0,
        max_iter=s.lbfgs_steps,
        history_size=50,
        tolerance_grad=1e-12,
        tolerance_change=1e-15,
        line_search_fn="strong_wolfe",
    )

    def closure() -> torch.Tensor:
        lbfgs.zero_grad()
        loss = loss_function()
        loss.backward()
        return loss

    lbfgs.step(closure)
    psi, second = psi_and_second()
    norm = _trapezoid(psi**2, h).sqrt()
    return float(energy.detach()), (psi / norm).detach(), (second / norm).detach()


def pinn_spectrum(problem: Schrodinger, settings: PINNEigenSettings | None = None) -> EigenStates:
    """The ``settings.states`` lowest eigenpairs of a one-particle 1-D problem, one network per state."""
    s = settings or PINNEigenSettings()
    if problem.n_particles != 1 or problem.dim != 1:
        raise MethodNotApplicable(
            f"the PINN eigen-solver treats one particle on a line; '{problem.name}' has "
            f"N = {problem.n_particles} in {problem.dim}-D. Use --method vmc for it."
        )
    expr = sp.sympify(problem.one_body())
    omega = problem.trap_frequency()
    length = _half_width(numpy_function(expr, (x,)), omega, s.states) * 0.8
    grid = torch.linspace(-length, length, s.points, dtype=torch.float64)
    h = float(grid[1] - grid[0])
    potential = torch_function(expr, (x,))(grid.unsqueeze(1))
    envelope = torch.exp(-0.5 * omega * grid**2)
    generator = torch.Generator().manual_seed(s.seed)
    energies: list[float] = []
    states: list[tuple[torch.Tensor, torch.Tensor]] = []
    for _ in range(s.states):
        energy, psi, second = _train_state(grid, h, potential, envelope, states, s, generator)
        energies.append(energy)
        states.append((psi, second))
    return EigenStates(np.array(energies), grid.numpy(), np.array([p.numpy() for p, _ in states]))
