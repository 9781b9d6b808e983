r"""The semi-discrete system y' = F(t, y) of a problem as a differentiable torch function.

The same stencil operators, boundary eliminations and pointwise equations as the
finite-difference reference (`evolution.Evolution`), applied to a batch of states with torch
sparse products, so that a network's predicted states can be put into the discretised
equations and the result differentiated. `theta_residual` is the residual of one
Crank–Nicolson step (`theta`): zero, to round-off, on a state sequence that scheme produced.

On a fine grid that residual is stiff: a wiggle of size ε at the grid scale gives a residual
of size 4ε/h². `step_defect` measures it through the implicit part of the step,
:math:`\tilde r = \Delta t\,(I - \theta\Delta t J)^{-1} r`, which for a linear problem is exactly
the difference between the second state and the Crank–Nicolson step from the first: a state
mismatch, of the size of the mismatch itself at every wavelength, and still zero on the
scheme's own states.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch
from scipy import sparse
from scipy.sparse import linalg

from pinnsolve.reference.evolution import Evolution
from pinnsolve.residual.compile import TORCH_MODULES

__all__ = ["TorchSystem"]


def _sparse(matrix: sparse.spmatrix, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    coo = sparse.coo_matrix(matrix)
    indices = torch.as_tensor(np.vstack([coo.row, coo.col]), dtype=torch.long, device=device)
    return torch.sparse_coo_tensor(
        indices, torch.as_tensor(coo.data, dtype=dtype, device=device), coo.shape, device=device, check_invariants=False
    ).coalesce()


def _apply(operator: torch.Tensor, states: torch.Tensor) -> torch.Tensor:
    """operator (m, n) applied to every state of a batch (B, n) → (B, m)."""
    return torch.sparse.mm(operator, states.T).T


class _Solve(torch.autograd.Function):
    """x = A⁻¹ b for every row b of a batch, with a factorised sparse A (scipy); the gradient solves with Aᵀ."""

    @staticmethod
    def forward(ctx: object, rhs: torch.Tensor, factor: linalg.SuperLU) -> torch.Tensor:  # type: ignore[override]
        ctx.factor = factor  # type: ignore[attr-defined]
        x = factor.solve(np.ascontiguousarray(rhs.detach().cpu().double().numpy().T))
        return torch.as_tensor(np.asarray(x).T, dtype=rhs.dtype, device=rhs.device)

    @staticmethod
    def backward(ctx: object, grad: torch.Tensor) -> tuple[torch.Tensor, None]:  # type: ignore[override]
        g = ctx.factor.solve(np.ascontiguousarray(grad.detach().cpu().double().numpy().T), trans="T")  # type: ignore
        return torch.as_tensor(np.asarray(g).T, dtype=grad.dtype, device=grad.device), None


class TorchSystem:
    """F(t, Y) for a batch of states Y (B, size) in the layout of ``evolution`` (free nodes, blocks)."""

    def __init__(
        self, evolution: Evolution, dtype: torch.dtype = torch.float64, device: torch.device | str = "cpu"
    ) -> None:
        self.evolution = evolution
        self.size = evolution.size
        self.dtype, self.device = dtype, torch.device(device)
        system = evolution.system
        self._system = system
        as_index = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.long, device=self.device)  # noqa: E731
        self._lower = (as_index(evolution.lower_destination), as_index(evolution.lower_source))
        self._top = as_index(evolution.top_destination)
        self._affine = None
        self._factors: dict[tuple[float, float], linalg.SuperLU] = {}  # LU of I − θΔt J, affine systems only
        if evolution.affine is not None:  # autonomous and linear: F(y) = J y + F(0)
            jac, f0 = evolution.affine
            self._affine = (_sparse(jac, dtype, self.device), self._tensor(f0))
            return
        disc = system.disc
        self._fields = {
            name: (as_index(disc.boundary[name].free), as_index(disc.boundary[name].fixed))
            for name, j in system.blocks
            if j == 0
        }
        self._equations = []
        args = list(disc.form.coords)
        for (row_field, expr), eq in zip(system.equations, system.pointwise_equations):
            atoms = [term.atom for term in eq.terms]
            function = sp.lambdify(args + [a.symbol for a in atoms], expr, modules=TORCH_MODULES)
            operators = [
                None if term.rows_op is None else _sparse(term.rows_op, dtype, self.device) for term in eq.terms
            ]
            coords = [self._tensor(x) for x in eq.coords]
            self._equations.append((eq, function, operators, coords))
        self._data_cache: dict[float, dict] = {}

    def _tensor(self, array: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(np.asarray(array, dtype=float), dtype=self.dtype, device=self.device)

    def _data(self, t: float) -> dict:
        """Dirichlet values and Neumann/Robin offsets at time t (cached: the grid's times repeat)."""
        if t not in self._data_cache:
            disc = self._system.disc
            fixed = {name: self._tensor(disc.boundary[name].fixed_values(t)) for name in self._fields}
            offsets = {}
            for eq, _, _, _ in self._equations:
                for term in eq.terms:
                    if term.offset is not None:
                        offsets[(id(eq), term.atom.key)] = self._tensor(term.offset(t)[eq.rows])
            if len(self._data_cache) > 4096:
                self._data_cache.clear()
            self._data_cache[t] = {"fixed": fixed, "offsets": offsets}
        return self._data_cache[t]

    def block(self, states: torch.Tensor, name: str, order: int = 0) -> torch.Tensor:
        start = self._system.offsets[(name, order)]
        return states[:, start : start + self._system.sizes[(name, order)]]

    def full(self, states: torch.Tensor, name: str, t: float) -> torch.Tensor:
        """The whole nodal vector of field ``name`` (B, nodes): free values and Dirichlet data."""
        free, fixed = self._fields[name]
        nodes = self._system.disc.boundary[name].size
        values = self.block(states, name)
        out = values.new_zeros(values.shape[0], nodes).index_copy(1, free, values)
        if len(fixed):
            data = self._data(t)["fixed"][name]
            out = out.index_copy(1, fixed, data.expand(values.shape[0], -1))
        return out

    def rhs(self, t: float, states: torch.Tensor) -> torch.Tensor:
        """F(t, Y): the time derivative of every state of the batch (B, size)."""
        if self._affine is not None:
            jac, f0 = self._affine
            return _apply(jac, states) + f0
        data = self._data(float(t))
        fulls = {name: self.full(states, name, t) for name in self._fields}
        tops = []
        batch = states.shape[0]
        for eq, function, operators, coords in self._equations:
            values = []
            for term, operator in zip(eq.terms, operators):
                if operator is None:
                    values.append(self.block(states, term.atom.field, term.atom.time))
                    continue
                value = _apply(operator, fulls[term.atom.field] ** term.atom.power)
                offset = data["offsets"].get((id(eq), term.atom.key))
                values.append(value if offset is None else value + offset)
            time = [torch.tensor(float(t), dtype=self.dtype)] if self._system.disc.problem.time is not None else []
            out = function(*coords, *time, *values)
            tops.append(torch.as_tensor(out, dtype=self.dtype, device=self.device).expand(batch, len(eq.rows)))
        out = states.new_zeros(batch, self.size)
        out = out.index_copy(1, self._lower[0], states[:, self._lower[1]])
        return out.index_copy(1, self._top, torch.cat(tops, dim=1))

    def sequence_residual(self, states: torch.Tensor, times: np.ndarray, theta: float = 0.5) -> torch.Tensor:
        """The θ-step residual between each pair of consecutive states (T, size) at equally spaced ``times``
        → (T − 1, size). F is evaluated once per state, and once for the whole sequence when the
        system does not depend on time explicitly."""
        dt = float(times[1] - times[0])
        if self.evolution.autonomous:
            rates = self.rhs(float(times[0]), states)
        else:
            rates = torch.cat([self.rhs(float(t), states[n : n + 1]) for n, t in enumerate(times)])
        return (states[1:] - states[:-1]) / dt - theta * rates[1:] - (1 - theta) * rates[:-1]

    def _implicit_factor(self, t: float, y: np.ndarray, dt: float, theta: float) -> linalg.SuperLU:
        """LU of I − θΔt J(t, y): once for an affine system, else at the given state."""
        key = (dt, theta)
        if key in self._factors:
            return self._factors[key]
        matrix = sparse.identity(self.size, format="csc") - theta * dt * self.evolution.jacobian(t, y).tocsc()
        factor = linalg.splu(matrix.tocsc())
        if self.evolution.affine is not None:
            self._factors[key] = factor
        return factor

    def step_defect(self, states: torch.Tensor, times: np.ndarray, theta: float = 0.5) -> torch.Tensor:
        """Δt (I − θΔt J)⁻¹ × the θ-step residual of each consecutive pair of ``states`` (T, size) → (T − 1, size).

        J is taken at the second state of each pair (held fixed: the preconditioner is not
        differentiated); for an affine system it is one matrix, factorised once.
        """
        dt = float(times[1] - times[0])
        residual = self.sequence_residual(states, times, theta) * dt
        if self.evolution.affine is not None:
            return _Solve.apply(residual, self._implicit_factor(0.0, np.zeros(self.size), dt, theta))
        after = states[1:].detach().cpu().double().numpy()
        factors = [self._implicit_factor(float(times[n + 1]), after[n], dt, theta) for n in range(len(after))]
        return torch.cat([_Solve.apply(residual[n : n + 1], factor) for n, factor in enumerate(factors)])

    def theta_residual(
        self, before: torch.Tensor, after: torch.Tensor, t: float, dt: float, theta: float = 0.5
    ) -> torch.Tensor:
        """(y¹ − y⁰)/Δt − θ F(t + Δt, y¹) − (1 − θ) F(t, y⁰) for each pair of the batch (B, size)."""
        return (after - before) / dt - theta * self.rhs(t + dt, after) - (1 - theta) * self.rhs(t, before)
