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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import MethodNotApplicable, SettingsError
from pinnsolve.reference.discretise import Discretisation
from pinnsolve.reference.evolution import Evolution
from pinnsolve.reference.grid import Grid, make_grid, resolve_sizes, time_axis
from pinnsolve.reference.mol import mol_states
from pinnsolve.reference.solve import grid_solution, resolve_fronts
from pinnsolve.reference.theta import theta_states
from pinnsolve.solution import Solution

__all__ = [
    "Trajectory",
    "TrajectorySets",
    "horizon_index",
    "parse_vary",
    "reference_sizes",
    "trajectories",
    "trajectory_sets",
]


@dataclass
class Trajectory:
    """The reference states of ``problem`` (with ``parameters`` set) on ``grid`` at ``times``."""

    problem: Problem
    parameters: dict[str, float]
    grid: Grid
    evolution: Evolution
    times: np.ndarray
    states: np.ndarray  # (len(times), evolution.size)

    @property
    def dt(self) -> float:
        return float(self.times[1] - self.times[0])

    @property
    def parameter_values(self) -> np.ndarray:
        """The varied parameters' values (empty when nothing is varied): what a surrogate reads."""
        return np.array(list(self.parameters.values()), dtype=float)

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
        raise SettingsError(f"--vary {text}: give a parameter and a range, e.g. {example}.")
    if name not in problem.parameters:
        known = ", ".join(problem.parameters) or "none"
        raise SettingsError(
            f"--vary {text}: '{name}' is not a parameter of problem '{problem.name}' (its parameters: {known})."
        )
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
    raise SettingsError(f"--vary {text}: the range must be lo:hi:n with n ≥ 1 whole, e.g. {example}.")


def horizon_index(times: np.ndarray, horizon: float) -> int:
    """The index of the last time within the first ``horizon`` fraction (in (0, 1]) of the time range."""
    end = times[0] + horizon * (times[-1] - times[0])
    return max(1, int(np.searchsorted(times, end + 1e-12 * abs(times[-1] - times[0]), side="right")) - 1)


def _require_evolution(problem: Problem, method: str) -> None:
    if problem.time is None:
        raise MethodNotApplicable(
            f"--method {method} learns how a state evolves in time, and '{problem.name}' is steady (no Time "
            "coordinate). Use --method ffnn (a surrogate fitted to the reference), pinn or trial."
        )
    domain = problem.domain
    if domain is not None and not domain.is_box:
        raise MethodNotApplicable(
            f"--method {method} works on the finite-difference grid, and the domain of '{problem.name}' is a "
            f"{type(domain).__name__}, not a box. Use --method pinn."
        )


def reference_sizes(problem: Problem, grid: Mapping[str, int] | None) -> dict[str, int]:
    """Grid sizes as the reference would choose them (refined where advection dominates)."""
    sizes = resolve_sizes(problem, grid)
    if problem.is_ode:
        return sizes
    evolution = Evolution(Discretisation(problem, make_grid(problem, sizes)))
    return resolve_fronts(evolution, sizes, grid or {})[0]


def trajectories(
    problem: Problem,
    grid: Mapping[str, int] | None,
    method: str,
    parameter: str | None = None,
    values: Sequence[float] = (),
    scheme: str = "auto",
) -> list[Trajectory]:
    """One reference trajectory per value of ``parameter`` (the problem as given when None), all on
    the finest grid any of them needs.

    ``scheme`` is ``"cn"`` (Crank–Nicolson, one step per output time: the discrete physics of
    the rnn method) or ``"auto"`` (the method of lines, or solve_ivp for ODEs, at tight
    tolerances).
    """
    _require_evolution(problem, method)
    variants = [problem] if parameter is None else [problem.with_parameters({parameter: v}) for v in values]
    sizes: dict[str, int] = {}
    for variant in variants:
        for name, n in reference_sizes(variant, grid).items():
            sizes[name] = max(n, sizes.get(name, 0))
    out = []
    for variant in variants:
        space = make_grid(variant, sizes)
        evolution = Evolution(Discretisation(variant, space))
        times = time_axis(variant, sizes)
        states, _ = theta_states(evolution, times) if scheme == "cn" else mol_states(evolution, times)
        parameters = {parameter: float(variant.parameter_values[parameter])} if parameter else {}
        out.append(Trajectory(variant, parameters, space, evolution, times, states.T.copy()))
    return out


@dataclass
class TrajectorySets:
    """Trajectories that train, unseen ones (held out) and the problem's own one, on one grid.

    ``own_role`` says what the problem's own parameter values are: "trained", "unseen" or
    "extra" (neither: solved only to give the method's Solution).
    """

    train: list[Trajectory]
    unseen: list[Trajectory]
    own: Trajectory
    parameter: str | None
    own_role: str


def trajectory_sets(
    problem: Problem,
    grid: Mapping[str, int] | None,
    method: str,
    vary: str | None,
    scheme: str = "auto",
    hold_out_midpoints: bool = False,
) -> TrajectorySets:
    """The training trajectories of ``--vary`` (with ``hold_out_midpoints``, also the midpoints between
    neighbouring values, never trained on) and the problem's own, each solved once, on one grid."""
    varied = parse_vary(vary, problem)
    if varied is None:
        own = trajectories(problem, grid, method, scheme=scheme)[0]
        return TrajectorySets([own], [], own, None, "trained")
    name, values = varied[0], np.unique(varied[1])
    midpoints = 0.5 * (values[:-1] + values[1:]) if hold_out_midpoints else np.zeros(0)
    own_value = float(problem.parameter_values[name])
    role = "trained" if _among(own_value, values) else "unseen" if _among(own_value, midpoints) else "extra"
    extra = [own_value] if role == "extra" else []
    solved = trajectories(problem, grid, method, name, [*values, *midpoints, *extra], scheme)
    train, unseen = solved[: len(values)], solved[len(values) : len(values) + len(midpoints)]
    listed = np.r_[values, midpoints]
    own = solved[-1] if extra else solved[int(np.flatnonzero(np.isclose(listed, own_value, rtol=1e-12, atol=0))[0])]
    return TrajectorySets(train, unseen, own, name, role)


def _among(value: float, values: np.ndarray) -> bool:
    return bool(np.any(np.isclose(values, value, rtol=1e-12, atol=0.0)))
