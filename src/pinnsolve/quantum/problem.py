r"""The many-body Schrödinger problem: particles in a trap, with a pair interaction (ħ = m = 1).

.. math::

    H = \sum_{i=1}^{N} \Big(-\tfrac12 \nabla_i^2 + V(\mathbf r_i)\Big) + \sum_{i<j} W(r_{ij}),
    \qquad r_{ij} = |\mathbf r_i - \mathbf r_j|.

``V`` is any sympy expression of one particle's coordinates ``x, y, z`` (those beyond the
particles' dimension are set to zero), ``W`` any expression of the pair distance ``r``; both
may hold `Parameter`\ s, which ``--set`` overrides, as may the particle number and dimension
and the exact energy.

.. code-block:: python

    omega = Parameter("omega", 1.0)
    problem = Schrodinger("quantum_dot_2e", particles=Particles(2, dim=2, statistics="fermion"),
                          potential=harmonic(omega), interaction=coulomb(), exact_energy=3)
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sympy as sp

from pinnsolve.dsl.errors import ProblemError
from pinnsolve.dsl.kinds import register_problem_type
from pinnsolve.dsl.symbols import Parameter

__all__ = ["STATISTICS", "Particles", "Schrodinger", "coulomb", "describe", "harmonic", "r", "x", "y", "z"]

#: one particle's coordinates and the pair distance, the symbols of `potential` and `interaction`
x, y, z = sp.symbols("x y z", real=True)
r = sp.Symbol("r", positive=True)
COORDINATES = (x, y, z)
STATISTICS = ("boson", "fermion", "distinguishable")


def harmonic(omega: object = 1) -> sp.Expr:
    r"""The isotropic harmonic trap :math:`V = \tfrac12 \omega^2 (x^2 + y^2 + z^2)`."""
    return sp.Rational(1, 2) * sp.sympify(omega) ** 2 * (x**2 + y**2 + z**2)


def coulomb(strength: object = 1) -> sp.Expr:
    r"""The Coulomb repulsion :math:`W = \lambda / r_{ij}` (λ = 1: electrons in atomic units)."""
    return sp.sympify(strength) / r


@dataclass(frozen=True)
class Particles:
    """``n`` particles in ``dim`` dimensions; ``statistics``: boson, fermion (spin ½) or distinguishable.

    ``n`` and ``dim`` may be `Parameter`\\ s (``--set n=4``). Fermions fill the spin-up
    orbitals with the first ⌈N/2⌉ particles and spin-down with the rest (``S_z`` minimal).
    """

    n: Any
    dim: Any = 3
    statistics: str = "distinguishable"

    def __post_init__(self) -> None:
        if self.statistics not in STATISTICS:
            raise ProblemError(
                f"Particles(statistics={self.statistics!r}) is not known.", f"Give one of: {', '.join(STATISTICS)}."
            )
        for name in ("n", "dim"):
            value = getattr(self, name)
            if not isinstance(value, (int, Parameter)) or isinstance(value, bool):
                raise ProblemError(
                    f"Particles({name}={value!r}) is neither a whole number nor a Parameter.",
                    f"Give a number, e.g. Particles(2, dim=2), or Parameter('{name}', 2).",
                )


class Schrodinger:
    """A ground-state problem of the many-body Schrödinger equation (solved by ``--method vmc``).

    Parameters
    ----------
    name: a short name for run directories and reports.
    particles: the `Particles` (number, dimension, statistics).
    potential: the one-body trap V(x, y, z), a sympy expression (`harmonic`).
    interaction: the pair interaction W(r), a sympy expression of the distance ``r`` (`coulomb`).
    exact_energy: the ground-state energy when known (a number or an expression of Parameters).
    """

    kind = "schrodinger"

    def __init__(
        self,
        name: str,
        particles: Particles,
        potential: object = 0,
        interaction: object = 0,
        exact_energy: object = None,
    ) -> None:
        if not isinstance(name, str) or not name.strip():
            raise ProblemError(f"Schrodinger name {name!r} is not a name.", "Give a short name, e.g. 'quantum_dot'.")
        if not isinstance(particles, Particles):
            raise ProblemError(
                f"particles={particles!r} is not a Particles(...).",
                "Give particles=Particles(n, dim=..., statistics=...).",
            )
        self.name = name
        self.particles = particles
        self.potential = _expression(potential, "potential")
        self.interaction = _expression(interaction, "interaction")
        self.exact_energy = None if exact_energy is None else _expression(exact_energy, "exact_energy")
        self.file: str | None = None
        self.doc = ""
        self.parameters = self._collect_parameters()
        self.parameter_values = {n: p.value for n, p in self.parameters.items()}
        self._check_symbols()

    def _collect_parameters(self) -> dict[str, Parameter]:
        found: set[Parameter] = {v for v in (self.particles.n, self.particles.dim) if isinstance(v, Parameter)}
        for expr in (self.potential, self.interaction, self.exact_energy):
            if expr is not None:
                found |= {s for s in expr.free_symbols if isinstance(s, Parameter)}
        return {p.name: p for p in sorted(found, key=lambda p: p.order)}

    def _check_symbols(self) -> None:
        params = set(self.parameters.values())
        checks = [
            ("potential", self.potential, set(COORDINATES), "x, y, z"),
            ("interaction", self.interaction, {r}, "r (the pair distance)"),
            ("exact_energy", self.exact_energy, set(), "no coordinate"),
        ]
        for what, expr, allowed, names in checks:
            stray = sorted(str(s) for s in (expr.free_symbols if expr is not None else set()) - allowed - params)
            if stray:
                raise ProblemError(
                    f"the {what} uses {', '.join(stray)}, which is neither a Parameter nor one of "
                    f"its symbols ({names}).",
                    "Import x, y, z, r from pinnsolve.quantum, or declare constants with Parameter.",
                )
        self.n_particles, self.dim  # noqa: B018 - whole and positive, or an error now

    # -- values ------------------------------------------------------------------------------
    def numeric(self, expr: sp.Basic) -> sp.Basic:
        """``expr`` with every parameter replaced by its current value."""
        values = {p: sp.Float(self.parameter_values[n]) for n, p in self.parameters.items()}
        return sp.sympify(expr).xreplace(values)

    def _whole(self, value: Any, what: str) -> int:
        number = float(self.numeric(value)) if isinstance(value, sp.Basic) else float(value)
        if number != int(number) or number < 1:
            raise ProblemError(
                f"the particles' {what} is {number:g}, not a positive whole number.",
                f"Set it to 1, 2, 3, ... (--set {what}=...).",
            )
        return int(number)

    @property
    def n_particles(self) -> int:
        return self._whole(self.particles.n, "n")

    @property
    def dim(self) -> int:
        d = self._whole(self.particles.dim, "dim")
        if d > 3:
            raise ProblemError(f"the particles live in {d} dimensions; pinnsolve treats 1, 2 or 3.", "Set dim ≤ 3.")
        return d

    @property
    def statistics(self) -> str:
        return self.particles.statistics

    @property
    def spins(self) -> tuple[int, int]:
        """Particles with spin up and down (fermions); (N, 0) for bosons and distinguishable particles."""
        n = self.n_particles
        return ((n + 1) // 2, n // 2) if self.statistics == "fermion" else (n, 0)

    def one_body(self) -> sp.Expr:
        """The trap in the coordinates this problem uses (those beyond ``dim`` set to zero), numbers for parameters."""
        return sp.sympify(self.numeric(self.potential)).subs({c: 0 for c in COORDINATES[self.dim :]})

    def pair(self) -> sp.Expr:
        """The pair interaction W(r) with numbers for parameters."""
        return sp.sympify(self.numeric(self.interaction))

    def exact(self) -> float | None:
        """The exact ground-state energy at the current parameter values, when the file gives one."""
        value = None if self.exact_energy is None else float(self.numeric(self.exact_energy))
        return None if value is None or math.isnan(value) else value

    def trap_frequency(self) -> float:
        """ω with V ≈ ½ω²x² near the origin (from V''(0)); 1 where the trap is not convex there."""
        curvature = float(sp.diff(self.one_body(), x, 2).subs({x: 0, y: 0, z: 0}))
        return math.sqrt(curvature) if math.isfinite(curvature) and curvature > 0 else 1.0

    def with_parameters(self, overrides: Mapping[str, object]) -> Schrodinger:
        """A copy with parameter values replaced (the CLI's ``--set name=value``)."""
        new = copy.copy(self)
        new.parameter_values = dict(self.parameter_values)
        for name, value in overrides.items():
            if name not in self.parameters:
                raise ProblemError(
                    f"--set {name}=... names no parameter of problem '{self.name}'.",
                    f"Its parameters are: {', '.join(self.parameters) or 'none'}.",
                )
            try:
                new.parameter_values[name] = float(sp.sympify(value)) if isinstance(value, str) else float(value)
            except (TypeError, ValueError, sp.SympifyError) as exc:
                raise ProblemError(
                    f"--set {name}={value} is not a number.", f"Give a number, e.g. --set {name}=0.5."
                ) from exc
        new._check_symbols()
        return new

    def __repr__(self) -> str:
        return f"Schrodinger({self.name!r}, N={self.n_particles}, dim={self.dim}, statistics={self.statistics!r})"


def _expression(value: object, what: str) -> sp.Expr:
    try:
        return sp.sympify(value)
    except (sp.SympifyError, TypeError) as exc:
        raise ProblemError(
            f"the {what} {value!r} is not an expression.", "Give a sympy expression, e.g. harmonic(omega) or coulomb()."
        ) from exc


def describe(problem: Schrodinger) -> str:
    """The Hamiltonian as pinnsolve understood it (``pinnsolve show``)."""
    n, d = problem.n_particles, problem.dim
    coords = ", ".join(str(c) for c in COORDINATES[:d])
    lines = [
        f"problem {problem.name}" + (f"  ({problem.file})" if problem.file else ""),
        f"particles: N = {n} {problem.statistics}s in {d} dimension{'s' if d > 1 else ''} (ħ = m = 1)",
    ]
    if problem.statistics == "fermion":
        lines.append(f"  spin ½: {problem.spins[0]} up, {problem.spins[1]} down (a Slater determinant per spin)")
    if problem.parameters:
        lines.append("parameters:")
        lines += [f"  {name} = {problem.parameter_values[name]:.6g}" for name in problem.parameters]
    lines.append("Hamiltonian:")
    lines.append("  H = Σ_i [ -½ ∇_i² + V(r_i) ] + Σ_{i<j} W(r_ij)")
    lines.append(f"  V({coords}) = {sp.sstr(problem.potential.subs({c: 0 for c in COORDINATES[d:]}))}")
    lines.append(f"  W(r) = {sp.sstr(problem.interaction)}")
    exact = problem.exact()
    lines.append(
        f"exact ground-state energy: {exact:.10g}" if exact is not None else "exact ground-state energy: not known"
    )
    return "\n".join(lines)


register_problem_type(Schrodinger, Schrodinger.kind, describe)
