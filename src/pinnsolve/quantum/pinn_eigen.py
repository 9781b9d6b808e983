r"""A physics-informed network for the lowest eigenstates of one particle on a line.

On the box [−L, L] of the finite-difference reference (`pinnsolve.quantum.eigen`, the same L,
so both solve the same truncated problem) state n is

.. math::

    \psi_n(x) = \tfrac12\big[N_n(x) + p_n N_n(-x)\big]\,g(x)\,\big(1 - x^2/L^2\big),

an MLP N_n made even or odd (p_n = ±1: in 1-D the n-th bound state of an even potential has
parity (−1)^n) times an envelope g (the trap's Gaussian e^{−ωx²/2} when V grows without bound,
1 otherwise) and a factor that makes ψ vanish on the walls exactly. The states found before are
projected out of ψ_n on the grid (Gram–Schmidt), so ψ_n is orthogonal to them by construction.

Each state is trained in two stages (Jin, Mattheakis & Protopapas 2022, "Physics-informed
neural networks for quantum eigenvalue problems", for the second):

1. *variational*: Adam minimises the Rayleigh quotient
   :math:`R[\psi] = \int(\tfrac12\psi'^2 + V\psi^2)\,dx / \int\psi^2\,dx`. Over functions
   orthogonal to ψ_0 … ψ_{n−1} its minimum is E_n, so this stage picks the *n-th* level — the
   residual alone vanishes at every eigenstate and may settle on a higher one;
2. *residual*: the eigenvalue E_n becomes a trainable unknown, started at R, and Adam then
   L-BFGS minimise

.. math::

    \frac{\langle (-\tfrac12\psi'' + V\psi - E\psi)^2\rangle}{\langle\psi^2\rangle}
    + \Big(\int\psi^2\,dx - 1\Big)^2 + w\sum_{m<n}\Big(\int\psi\,\psi_m\,dx\Big)^2,

the eigenvalue equation's residual, the normalisation and orthogonality to the lower states
(w = ``orthogonality``). Integrals are trapezoidal sums on the collocation grid. The first term
is the variance of the local energy Hψ/ψ under |ψ|² when E = ⟨H⟩, zero at an eigenstate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp
import torch

from pinnsolve.errors import MethodNotApplicable
from pinnsolve.quantum.eigen import EigenStates, box_half_width
from pinnsolve.quantum.problem import Schrodinger, x
from pinnsolve.residual.compile import numpy_function, torch_function

__all__ = ["PINNEigenSettings", "PINNEigenStates", "pinn_spectrum"]


@dataclass
class PINNEigenSettings:
    """The numbers of the PINN eigen-solver (the method's flags are made from `PINNEigenMethod`'s settings)."""

    states: int = 2
    points: int = 400
    width: int = 32
    depth: int = 3
    warmup_steps: int = 1500
    steps: int = 1000
    lbfgs_steps: int = 500
    lr: float = 3e-3
    orthogonality: float = 10.0
    parity: bool = True
    seed: int = 0


@dataclass
class PINNEigenStates(EigenStates):
    """`EigenStates` with what judges them: per state the Rayleigh quotient, the residual variance, the final loss."""

    rayleigh: np.ndarray | None = None
    variance: np.ndarray | None = None
    losses: np.ndarray | None = None


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


@dataclass
class _Box:
    """The collocation grid on [−L, L], V on it, the envelope's ω (None: no envelope), the lower states."""

    grid: torch.Tensor
    h: float
    potential: torch.Tensor
    length: float
    omega: float | None
    lower: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]

    def shape(self, points: torch.Tensor) -> torch.Tensor:
        """The envelope times the wall factor 1 − x²/L², as a function of the points (it is differentiated)."""
        walls = 1 - (points / self.length) ** 2
        return walls if self.omega is None else walls * torch.exp(-0.5 * self.omega * points**2)


def _state_function(
    net: torch.nn.Module, box: _Box, parity: int
) -> Callable[[bool], tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    """ψ, ψ' and ψ'' on the grid (ψ'' only when asked), the lower states projected out."""

    def evaluate(second_too: bool) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        points = box.grid.clone().requires_grad_(True)
        column = points.unsqueeze(1)
        raw = net(column).squeeze(1)
        if parity:
            raw = 0.5 * (raw + parity * net(-column).squeeze(1))
        psi = raw * box.shape(points)
        first = torch.autograd.grad(psi.sum(), points, create_graph=True)[0]
        second = torch.autograd.grad(first.sum(), points, create_graph=True)[0] if second_too else first
        for other, other_first, other_second in box.lower:
            overlap = _trapezoid(psi * other, box.h)
            psi, first, second = psi - overlap * other, first - overlap * other_first, second - overlap * other_second
        return psi, first, second

    return evaluate


def _rayleigh(psi: torch.Tensor, first: torch.Tensor, box: _Box) -> torch.Tensor:
    """R[ψ] = ∫(½ψ'² + Vψ²) / ∫ψ² (ψ vanishes on the walls, so no boundary term)."""
    return _trapezoid(0.5 * first**2 + box.potential * psi**2, box.h) / _trapezoid(psi**2, box.h)


def _lbfgs(parameters: list[torch.Tensor], steps: int, loss_function: Callable[[], torch.Tensor]) -> None:
    if steps <= 0:
        return
    lbfgs = torch.optim.LBFGS(
        parameters,
        lr=1.0,
        max_iter=steps,
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


def _train_state(
    box: _Box, parity: int, s: PINNEigenSettings, generator: torch.Generator
) -> tuple[float, tuple[torch.Tensor, torch.Tensor, torch.Tensor], dict[str, float]]:
    """Train one state orthogonal to ``box.lower``: its E, normalised (ψ, ψ', ψ''), and its diagnostics."""
    net = _network(s.width, s.depth, generator)
    state = _state_function(net, box, parity)
    adam = torch.optim.Adam(net.parameters(), lr=s.lr)
    for _ in range(s.warmup_steps):  # stage 1: the lowest level orthogonal to the lower states
        adam.zero_grad()
        psi, first, _ = state(False)
        _rayleigh(psi, first, box).backward()
        adam.step()
    psi, first, _ = state(False)
    energy = torch.nn.Parameter(_rayleigh(psi, first, box).detach().clone())
    parameters = [*net.parameters(), energy]

    def residual_loss() -> torch.Tensor:
        psi, _, second = state(True)
        residual = (-0.5 * second + (box.potential - energy) * psi).pow(2).mean() / psi.pow(2).mean()
        loss = residual + (_trapezoid(psi**2, box.h) - 1) ** 2
        return loss + s.orthogonality * sum(_trapezoid(psi * other[0], box.h) ** 2 for other in box.lower)

    adam = torch.optim.Adam(parameters, lr=s.lr)
    for _ in range(s.steps):  # stage 2: the eigenvalue equation, E trainable
        adam.zero_grad()
        residual_loss().backward()
        adam.step()
    _lbfgs(parameters, s.lbfgs_steps, residual_loss)
    psi, first, second = state(True)
    norm = _trapezoid(psi**2, box.h).sqrt()
    psi, first, second = psi / norm, first / norm, second / norm
    e = float(energy.detach())
    diagnostics = {
        "rayleigh": float(_rayleigh(psi, first, box).detach()),
        "variance": float(((-0.5 * second + (box.potential - e) * psi).pow(2).mean() / psi.pow(2).mean()).detach()),
        "loss": float(residual_loss().detach()),
    }
    return e, (psi.detach(), first.detach(), second.detach()), diagnostics


def _is_even(expr: sp.Expr) -> bool:
    return sp.simplify(expr - expr.subs(x, -x)) == 0


def pinn_spectrum(problem: Schrodinger, settings: PINNEigenSettings | None = None) -> PINNEigenStates:
    """The ``settings.states`` lowest eigenpairs of a one-particle 1-D problem, one network per state."""
    s = settings or PINNEigenSettings()
    if problem.n_particles != 1 or problem.dim != 1:
        raise MethodNotApplicable(
            f"the PINN eigen-solver treats one particle on a line; '{problem.name}' has "
            f"N = {problem.n_particles} in {problem.dim}-D. Use --method vmc for it."
        )
    expr = sp.sympify(problem.one_body())
    omega = problem.trap_frequency()
    length, confining = box_half_width(numpy_function(expr, (x,)), omega, s.states)
    grid = torch.linspace(-length, length, s.points, dtype=torch.float64)
    box = _Box(
        grid=grid,
        h=float(grid[1] - grid[0]),
        potential=torch_function(expr, (x,))(grid.unsqueeze(1)).reshape(-1) * torch.ones_like(grid),
        length=length,
        omega=omega if confining else None,
        lower=[],
    )
    even = s.parity and _is_even(expr)
    generator = torch.Generator().manual_seed(s.seed)
    energies, found, diagnostics = [], [], []
    for n in range(s.states):
        energy, functions, numbers = _train_state(box, (-1) ** n if even else 0, s, generator)
        energies.append(energy)
        box.lower.append(functions)
        psi = functions[0].numpy()
        found.append(psi * np.sign(psi[np.argmax(np.abs(psi))]))
        diagnostics.append(numbers)
    return PINNEigenStates(
        np.array(energies),
        grid.numpy(),
        np.array(found),
        rayleigh=np.array([d["rayleigh"] for d in diagnostics]),
        variance=np.array([d["variance"] for d in diagnostics]),
        losses=np.array([d["loss"] for d in diagnostics]),
    )
