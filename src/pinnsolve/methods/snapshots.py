"""Reference trajectories for the data-driven surrogates (``rnn``, ``autoencoder``).

A trajectory is the finite-difference reference of one parameter set as a sequence of
states on the grid: ``states[n]`` is the state vector of the semi-discrete system
y' = F(t, y) at time ``times[n]`` (the free nodes of every field, and for a field of second
order in time its rate too; the state of an ODE system is its fields, and their rates).
Dirichlet nodes are not in the state: they are put back from the condition when a state
is turned into fields, so surrogates satisfy them exactly.

``--vary nu=0.005:0.05:8`` asks for one trajectory per parameter value (8 values from 0.005
to 0.05), all on one grid: the finest any of them needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from pinnsolve.dsl.errors import PinnsolveError
from pinnsolve.dsl.problem import Problem
from pinnsolve.methods.base import MethodNotApplicable
from pinnsolve.reference.discretise import Discretisation
from pinnsolve.reference.evolution import Evolution
from pinnsolve.reference.grid import Grid, make_grid, resolve_sizes, time_axis
from pinnsolve.reference.mol import mol_states
from pinnsolve.reference.solve import grid_solution, resolve_fronts
from pinnsolve.reference.theta import theta_states
from pinnsolve.reference.torch_system import TorchSystem
from pinnsolve.solution import Solution

__all__ = ["Trajectory", "horizon_index", "parse_vary", "reference_sizes", "trajectories"]


@dataclass
class Trajectory:
    """The reference states of ``problem`` (with ``parameters`` set) on ``grid`` at ``times``."""

    problem: Problem
    parameters: dict[str, float]
    grid: Grid
    evolution: Evolution
    times: np.ndarray
    states: np.ndarray  # (len(times), evolution.size)
    stats: dict = field(default_factory=dict)

    @property
    def dt(self) -> float:
        return float(self.times[1] - self.times[0])

    @cached_property
    def system(self) -> TorchSystem:
        """F(t, y) of this trajectory's problem in torch (float64; cast its results as needed)."""
        return TorchSystem(self.evolution)

    def fields(self, states: np.ndarray) -> dict[str, np.ndarray]:
        """Full nodal arrays per field, shape (nodes, len(times)), Dirichlet nodes from the conditions."""
        return self.evolution.fields(np.asarray(states, dtype=float).T, self.times)

    def solution(self, states: np.ndarray, method: str) -> Solution:
        """States (len(times), size) as a Solution on the grid, with the exact solution where known."""
        return replace(grid_solution(self.problem, self.grid, self.times, self.fields(states)), method=method)

    def field_values(self, states: np.ndarray) -> np.ndarray:
        """The spatial fields stacked per time: (len(times), n_fields · nodes) — what a snapshot is."""
        fields = self.fields(states)
        return np.concatenate([fields[name].T for name in self.problem.field_names], axis=1)


def parse_vary(text: str | None, problem: Problem) -> tuple[str, np.ndarray] | None:
    """``"nu=0.005:0.05:8"`` → ("nu", 8 values from 0.005 to 0.05); ``"nu=0.01"`` → one value."""
    if not text:
        return None
    name, sep, spec = text.partition("=")
    name = name.strip()
    example = f"--vary {name or 'nu'}=0.005:0.05:8 (from 0.005 to 0.05 in 8 values)"
    if not sep or not name:
        raise PinnsolveError(f"--vary {text}: give a parameter and a range, e.g. {example}.")
    if name not in problem.parameters:
        known = ", ".join(problem.parameters) or "none"
        raise PinnsolveError(f"--vary {text}: '{name}' is not a parameter of problem '{problem.name}' "
                             f"(its parameters: {known}).")
    parts = spec.split(":")
    try:
        if len(parts) == 1:
            return name, np.array([float(parts[0])])
        if len(parts) == 3:
            lo, hi, n = float(parts[0]), float(parts[1]), int(parts[2])
            if n >= 1:
                return name, np.linspace(lo, hi, n)
    except ValueError:
        pass
    raise PinnsolveError(f"--vary {text}: the range must be lo:hi:n with n ≥ 1 whole, e.g. {example}.")


def horizon_index(times: np.ndarray, horizon: float) -> int:
    """The index of the last time within the first ``horizon`` fraction of the time range."""
    if not 0 < horizon <= 1:
        raise MethodNotApplicable(f"--horizon {horizon} must lie in (0, 1]: the fraction of the time range "
                                  "whose reference data trains the model, e.g. --horizon 0.5.")
    end = times[0] + horizon * (times[-1] - times[0])
    return max(1, int(np.searchsorted(times, end + 1e-12 * abs(times[-1] - times[0]), side="right")) - 1)


def _require_evolution(problem: Problem, method: str) -> None:
    if problem.time is None:
        raise MethodNotApplicable(
            f"--method {method} learns how a state evolves in time, and '{problem.name}' is steady (no Time "
            "coordinate). Use --method ffnn (a surrogate fitted to the reference), pinn or trial.")
    domain = problem.domain
    if domain is not None and not domain.is_box:
        raise MethodNotApplicable(
            f"--method {method} works on the finite-difference grid, and the domain of '{problem.name}' is a "
            f"{type(domain).__name__}, not a box. Use --method pinn.")


def reference_sizes(problem: Problem, grid: Mapping[str, int] | None) -> dict[str, int]:
    """Grid sizes as the reference would choose them (refined where advection dominates)."""
    sizes = resolve_sizes(problem, grid)
    if problem.is_ode:
        return sizes
    evolution = Evolution(Discretisation(problem, make_grid(problem, sizes)))
    return resolve_fronts(evolution, sizes, grid or {})[0]


def trajectories(problem: Problem, grid: Mapping[str, int] | None, method: str, vary: str | None = None,
                 scheme: str = "auto") -> list[Trajectory]:
    """One reference trajectory per parameter value of ``vary`` (or of the problem as given).

    ``scheme`` is ``"cn"`` (Crank–Nicolson, one step per output time: the discrete physics of
    the rnn method) or ``"auto"`` (the method of lines, or solve_ivp for ODEs, at tight
    tolerances).
    """
    _require_evolution(problem, method)
    varied = parse_vary(vary, problem)
    variants = [problem] if varied is None else [problem.with_parameters({varied[0]: v}) for v in varied[1]]
    sizes: dict[str, int] = {}
    for variant in variants:
        for name, n in reference_sizes(variant, grid).items():
            sizes[name] = max(n, sizes.get(name, 0))
    out = []
    for variant in variants:
        space = make_grid(variant, sizes)
        evolution = Evolution(Discretisation(variant, space))
        times = time_axis(variant, sizes)
        if scheme == "cn":
            states, stats = theta_states(evolution, times)
        else:
            states, stats = mol_states(evolution, times)
        parameters = {varied[0]: float(variant.parameter_values[varied[0]])} if varied else {}
        out.append(Trajectory(variant, parameters, space, evolution, times, states.T.copy(), stats))
    return out
