"""A time-dependent problem as a first-order ODE system y' = F(t, y) on the grid's free nodes.

The residuals are solved for each field's highest time derivative (`symbolic`); a field of
order k in time carries the state blocks :math:`u, \\partial_t u, \\dots, \\partial_t^{k-1} u`,
so the wave equation :math:`u_{tt} = c^2 u_{xx}` becomes :math:`u' = v,\\ v' = c^2 D_2 u`.
Dirichlet nodes are not in the state: their values g(x, t) are set at every time, so the
condition holds exactly (`boundary`); Neumann and Robin nodes are unknowns like the interior.
Both the method of lines (`mol`) and the explicit scheme (`ftcs`) step this system.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from pinnsolve.dsl.conditions import Initial
from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import MethodNotApplicable, ProblemError
from pinnsolve.reference.boundary import coordinate_function, numeric_data
from pinnsolve.reference.discretise import Discretisation, PointwiseSystem
from pinnsolve.reference.symbolic import time_derivatives_solved

__all__ = ["Evolution"]


class Evolution:
    """y' = F(t, y) for a time-dependent problem on a grid, with its sparse Jacobian."""

    def __init__(self, disc: Discretisation) -> None:
        self.disc = disc
        problem, form = disc.problem, disc.form
        tops = time_derivatives_solved(form, problem)
        self.orders = {name: form.time_order(name) for name in form.fields}
        blocks = [(name, j) for name in form.fields for j in range(self.orders[name])]
        self.system: PointwiseSystem = disc.system([(name, tops[name]) for name in form.fields], blocks)
        s = self.system
        self.size = s.size
        lower = [(b, (b[0], b[1] + 1)) for b in blocks if b[1] + 1 < self.orders[b[0]]]
        self._lower_dst = _indices(s, [d for d, _ in lower])
        self._lower_src = _indices(s, [src for _, src in lower])
        self._top_dst = _indices(s, [(name, self.orders[name] - 1) for name in form.fields])
        n = self.size
        self._shift = sparse.csr_matrix(
            (np.ones(len(self._lower_dst)), (self._lower_dst, self._lower_src)), shape=(n, n)
        )
        self._place = sparse.csr_matrix(
            (np.ones(len(self._top_dst)), (self._top_dst, np.arange(len(self._top_dst)))), shape=(n, s.rows)
        )
        self._affine: tuple[sparse.csr_matrix, np.ndarray] | None = None
        if self.autonomous and s.linear and not s.parametric:
            # F(y) = J y + F(0): one sparse product per evaluation instead of the pointwise functions
            zero = np.zeros(n)
            self._affine = (self.jacobian(0.0, zero), self.rhs(0.0, zero))

    @property
    def lower_destination(self) -> np.ndarray:
        """State indices whose derivative is the next block up (u' = v for a wave's u)."""
        return self._lower_dst

    @property
    def lower_source(self) -> np.ndarray:
        return self._lower_src

    @property
    def top_destination(self) -> np.ndarray:
        """State indices of each field's highest time derivative, in equation order."""
        return self._top_dst

    @property
    def affine(self) -> tuple[sparse.csr_matrix, np.ndarray] | None:
        """(J, F(0)) when F(y) = J y + F(0) (autonomous and linear), else None."""
        return self._affine

    @property
    def autonomous(self) -> bool:
        """No explicit time dependence: neither in the equations nor in the boundary data."""
        t = self.disc.problem.time
        explicit = any(t in expr.free_symbols for _, expr in self.system.equations)
        data = any(b.time_dependent or any(f.time_dependent for f in b.flux) for b in self.disc.boundary.values())
        return not explicit and not data

    @property
    def linear(self) -> bool:
        return self.system.linear

    @property
    def max_order(self) -> int:
        return max(self.orders.values())

    def initial_state(self, problem: Problem | None = None) -> np.ndarray:
        """The initial conditions at the free nodes (those of ``problem`` when given: a variant of this one that
        differs only in its initial data, e.g. at other parameter values)."""
        problem, s = problem or self.disc.problem, self.system
        t0 = problem.time.lo
        y0 = np.empty(self.size)
        for name, j in s.blocks:
            given = [c for c in problem.conditions if isinstance(c, Initial) and c.field_name == name and c.order == j]
            if not given:  # the problem checks this; keep the message anyway
                raise MethodNotApplicable(
                    f"field '{name}' has no initial condition for its time derivative of "
                    f"order {j}; add Initial(...) for it."
                )
            expr = numeric_data(problem, given[0].g, f"the initial condition of '{name}'")
            free = self.disc.free(name)
            coords = [x[free] for x in self.disc.grid.coordinates]
            values = coordinate_function(expr, problem)(coords, t0)
            if not np.all(np.isfinite(values)):
                raise ProblemError(f"the initial condition of '{name}' is not finite on the grid.")
            start = s.offsets[(name, j)]
            y0[start : start + len(free)] = values
        return y0

    def rhs(self, t: float, y: np.ndarray, parameters: np.ndarray | None = None) -> np.ndarray:
        """F(t, y); ``y`` may be a batch of states, shape (size, k), one column per state (``parameters``: the
        kept parameters' values, one column per state, when the discretisation kept any)."""
        if self._affine is not None:
            return self._affine[0] @ y + (self._affine[1] if y.ndim == 1 else self._affine[1][:, None])
        out = np.empty(y.shape)
        out[self._lower_dst] = y[self._lower_src]
        out[self._top_dst] = self.system.evaluate(y, t, parameters)
        return out

    def jacobian(self, t: float, y: np.ndarray, parameters: np.ndarray | None = None) -> sparse.csr_matrix:
        return (self._shift + self._place @ self.system.jacobian(y, t, parameters)).tocsr()

    def batch_jacobian(self, t: float, y: np.ndarray, parameters: np.ndarray | None = None) -> sparse.csr_matrix:
        """The block-diagonal Jacobian of a batch of states (size, k), draw-major (see `PointwiseSystem`)."""
        identity = sparse.identity(y.shape[1], format="csr")
        system = self.system.batch_jacobian(y, t, parameters)
        return (sparse.kron(identity, self._shift) + sparse.kron(identity, self._place) @ system).tocsr()

    def fields(self, states: np.ndarray, times: np.ndarray) -> dict[str, np.ndarray]:
        """Full nodal vectors per field, shape (nodes, len(times)), from states (size, len(times))."""
        out = {}
        for name in self.disc.form.fields:
            block = self.system.block(states, (name, 0))
            b = self.disc.boundary[name]
            full = b.full(block, 0.0)
            if len(b.fixed) and b.time_dependent:
                for k, t in enumerate(times):
                    full[b.fixed, k] = b.fixed_values(float(t))
            out[name] = full
        return out


def _indices(system: PointwiseSystem, blocks: list) -> np.ndarray:
    parts = [system.offsets[b] + np.arange(system.sizes[b]) for b in blocks]
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)
