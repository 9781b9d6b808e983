r"""Many finite-difference solves at once: one discretisation for a batch of parameter values.

A Monte Carlo study solves the same problem for thousands of draws ξ⁽ⁱ⁾ of its random inputs.
Solved one by one, most of the time goes into building the discretisation (sympy → numpy
compilation of the residuals and their partial derivatives), not into the solve. Here the
problem is discretised once with the drawn parameters kept as symbols (`Discretisation(...,
keep=names)`), and a batch of k draws is solved as one stacked system:

* steady problems: the block-diagonal system diag(J(ξ⁽¹⁾), …, J(ξ⁽ᵏ⁾)) Y = −F(0; ξ) by one sparse
  LU (Newton on the stacked system when the equations are nonlinear);
* ODEs and the method of lines: Y' = (F(t, y⁽¹⁾; ξ⁽¹⁾), …, F(t, y⁽ᵏ⁾; ξ⁽ᵏ⁾)), every right-hand side
  evaluated in one vectorised call over a state matrix (size, k), integrated by the integrator the
  single solve would use (DOP853 for ODEs, BDF / Radau with the block-diagonal sparse Jacobian for
  PDEs). The integrator's error norm is an RMS over the whole batch, so the single solve's
  tolerances are divided by √k: each draw is held to at least the accuracy of its own solve.

The draws may enter the equations (a rate, a diffusivity, a Karhunen–Loève random field) and the
initial data, not the boundary data or the domain (`batch_obstacle` says why a problem is left to
the one-by-one path).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp
from scipy import sparse
from scipy.sparse import linalg as spla

from pinnsolve.dsl.conditions import Initial
from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import RunFailed
from pinnsolve.reference.discretise import Discretisation
from pinnsolve.reference.evolution import Evolution
from pinnsolve.reference.grid import make_grid, resolve_sizes, time_axis
from pinnsolve.reference.mol import TOLERANCES, integrate_states
from pinnsolve.reference.steady import NEWTON_MAX_ITERATIONS, damped_newton_step

__all__ = ["BATCH_SIZE", "BatchedReference", "batch_obstacle"]

#: draws per stacked solve: an ODE's state is tiny, a PDE's Jacobian LU grows with the batch
BATCH_SIZE = {"ode": 1000, "mol": 50, "steady": 250}


def _expressions(value: object) -> list[sp.Basic]:
    """Every sympy expression held in ``value`` (itself, or inside lists, tuples and dicts)."""
    if isinstance(value, sp.Basic):
        return [value]
    if isinstance(value, (list, tuple)):
        return [e for v in value for e in _expressions(v)]
    if isinstance(value, dict):
        return [e for v in value.values() for e in _expressions(v)]
    return []


def batch_obstacle(problem: Problem, names: Sequence[str]) -> str | None:
    """Why ``problem`` cannot be solved as one batch over the parameters ``names`` (None when it can)."""
    if problem.domain is not None and not problem.domain.is_box:
        return "the domain is not a box"
    symbols = {problem.parameters[n] for n in names}
    for condition in problem.conditions:
        if isinstance(condition, Initial):
            continue
        if any(expr.free_symbols & symbols for expr in _expressions(vars(condition))):
            return f"a random input enters the {condition.kind} condition on '{condition.field_name}'"
    for coord in problem.coords:
        if any(getattr(sp.sympify(b), "free_symbols", set()) & symbols for b in (coord.lo, coord.hi)):
            return f"a random input enters the range of {coord.name}"
    return None


class BatchedReference:
    """``problem`` discretised once on its reference grid, with the parameters ``names`` left free.

    `solve` takes a batch of values (k, len(names)) and returns every field on the output grid,
    (k, *grid) with space before time, as `solve_reference` would give them one draw at a time.
    """

    def __init__(self, problem: Problem, names: Sequence[str], grid: Mapping[str, int] | None = None) -> None:
        from pinnsolve.reference.solve import require_box, resolve_fronts

        require_box(problem)
        self.problem, self.names = problem, list(names)
        self.kind = "steady" if problem.time is None else "ode" if problem.is_ode else "mol"
        sizes = resolve_sizes(problem, grid)
        self.space = make_grid(problem, sizes)
        if self.kind == "mol":  # refined as solve_reference refines it at the inputs' means
            sizes, chosen, _ = resolve_fronts(Evolution(Discretisation(problem, self.space)), sizes, grid or {})
            if chosen:
                self.space = make_grid(problem, sizes)
        self.sizes = dict(sizes)
        self.disc = Discretisation(problem, self.space, keep=self.names)
        self.times = time_axis(problem, sizes) if problem.time is not None else None
        if self.kind == "steady":
            form = self.disc.form
            self.system = self.disc.system(list(zip(form.fields, form.residuals)), [(f, 0) for f in form.fields])
            if self.system.rows != self.system.size:
                raise RunFailed(
                    f"the discrete equations of '{problem.name}' are not square; `pinnsolve reference` on the "
                    "problem says why."
                )
        else:
            self.evolution = Evolution(self.disc)
            dims = len(self.space.axes)
            self.method = (
                "DOP853"
                if self.kind == "ode"
                else "RK45"
                if dims >= 3
                else "BDF"
                if self.evolution.max_order == 1
                else "Radau"
            )

    @property
    def batch_size(self) -> int:
        return BATCH_SIZE[self.kind]

    def describe(self) -> dict[str, Any]:
        """What was solved, for the record (scheme, solver, grid)."""
        if self.kind == "steady":
            solver = "sparse LU" if self.system.linear else "newton (sparse LU)"
        else:
            solver = self.method
        return {
            "scheme": self.kind,
            "solver": solver,
            "grid": self.sizes,
            "batched": f"one discretisation, up to {self.batch_size} draws per stacked solve",
        }

    def solve(self, values: np.ndarray) -> dict[str, np.ndarray]:
        """Every field for each row of ``values`` (k, len(names)): arrays (k, *output grid)."""
        values = np.atleast_2d(np.asarray(values, dtype=float))
        parameters = values.T  # (p, k): one column per draw
        if self.kind == "steady":
            nodal = self._steady(parameters)  # name -> (nodes, k)
            return {name: np.moveaxis(self.space.to_output(v), -1, 0) for name, v in nodal.items()}
        return self._evolve(parameters)

    # -- steady -------------------------------------------------------------------------------

    def _block_jacobian(self, y: np.ndarray, parameters: np.ndarray) -> sparse.csc_matrix:
        return self.system.batch_jacobian(y, 0.0, parameters).tocsc()

    def _steady(self, parameters: np.ndarray) -> dict[str, np.ndarray]:
        system, k = self.system, parameters.shape[1]
        y = np.zeros((system.size, k))
        residual = system.evaluate(y, 0.0, parameters)
        for _ in range(1 if system.linear else NEWTON_MAX_ITERATIONS):
            step = self._linear_solve(self._block_jacobian(y, parameters), -residual)
            if system.linear:
                y = y + step
                break
            stacked = lambda v: system.evaluate(v, 0.0, parameters)  # noqa: E731 - the batch's residual
            y, residual, converged = damped_newton_step(stacked, y, residual, step)
            if converged:  # the whole batch: the damping and the test act on the stacked residual
                break
        else:
            raise RunFailed(
                f"Newton's method did not converge for a batch of draws of '{self.problem.name}'; solve one draw "
                "(pinnsolve reference with --set) to see which values fail."
            )
        if not np.all(np.isfinite(y)):
            raise RunFailed(f"a finite-difference solution of '{self.problem.name}' is not finite for some draw.")
        return system.full_fields(y)

    def _linear_solve(self, jacobian: sparse.csc_matrix, rhs: np.ndarray) -> np.ndarray:
        k = rhs.shape[1]
        try:
            x = spla.splu(jacobian).solve(rhs.T.ravel())
        except RuntimeError:
            raise RunFailed(
                f"the discrete equations of '{self.problem.name}' are singular for some draw of its random inputs."
            ) from None
        return x.reshape(k, -1).T

    # -- evolution ----------------------------------------------------------------------------

    def initial_states(self, parameters: np.ndarray) -> np.ndarray:
        """The initial conditions at the free nodes, one column per draw: (size, k)."""
        problem, system = self.problem, self.evolution.system
        kept = [problem.parameters[n] for n in self.names]
        args = [*problem.space, *([problem.time] if problem.time is not None else []), *kept]
        t0 = problem.time.lo
        k = parameters.shape[1]
        y0 = np.empty((system.size, k))
        for name, j in system.blocks:
            condition = next(
                c for c in problem.conditions if isinstance(c, Initial) and c.field_name == name and c.order == j
            )
            function = sp.lambdify(args, problem.numeric(condition.g, keep=self.names), modules="numpy")
            free = self.disc.free(name)
            coords = [x[free].reshape(-1, 1) for x in self.disc.grid.coordinates]
            values = function(*coords, float(t0), *(row.reshape(1, -1) for row in parameters))
            start = system.offsets[(name, j)]
            y0[start : start + len(free)] = np.broadcast_to(np.asarray(values, dtype=float), (len(free), k))
        if not np.all(np.isfinite(y0)):
            raise RunFailed(f"the initial condition of '{problem.name}' is not finite for some draw.")
        return y0

    def _evolve(self, parameters: np.ndarray) -> dict[str, np.ndarray]:
        evolution, k, m = self.evolution, parameters.shape[1], self.evolution.size
        y0 = self.initial_states(parameters).T.ravel()  # draw-major: draw i holds y0[i*m:(i+1)*m]

        def rhs(t: float, y: np.ndarray) -> np.ndarray:
            return evolution.rhs(t, y.reshape(k, m).T, parameters).T.ravel()

        def jacobian(t: float, y: np.ndarray) -> sparse.csc_matrix:
            return evolution.batch_jacobian(t, y.reshape(k, m).T, parameters).tocsc()

        rtol, atol = TOLERANCES[self.kind if self.kind == "ode" else "pde"]
        shrink = np.sqrt(k)
        states, _ = integrate_states(
            rhs,
            y0,
            self.times,
            self.method,
            max(rtol / shrink, 1e-13),
            atol / shrink,
            jacobian if self.method in ("BDF", "Radau") else None,
            name=self.problem.name,
        )
        states = states.reshape(k, m, len(self.times))
        out: dict[str, list[np.ndarray]] = {name: [] for name in self.problem.field_names}
        for i in range(k):
            nodal = evolution.fields(states[i], self.times)
            for name in out:
                out[name].append(self.space.to_output(nodal[name]))
        return {name: np.stack(arrays) for name, arrays in out.items()}
