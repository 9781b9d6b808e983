"""``--method pinn-eigen``: the k lowest levels of one particle on a line by physics-informed networks.

The numerics are `pinnsolve.quantum.pinn_eigen` (a network per state, the eigenvalue a trainable
unknown, normalisation and orthogonality to the lower states in the loss); this module is the
plugin: its settings (each one a flag), the check, and the `Spectrum` it returns (``energy`` the
ground level, ``levels`` all k, the wave functions on the grid in ``spectrum.npz``). Its
``energy_error`` is |E − R[ψ]|, the trained eigenvalue against the Rayleigh quotient of the trained
state (a consistency check, not a statistical error), and ``variance`` the ground state's
⟨(Hψ − Eψ)²⟩/⟨ψ²⟩, the variance of the local energy Hψ/ψ (zero at an eigenstate).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

from pinnsolve.dsl.kinds import problem_kind
from pinnsolve.errors import MethodNotApplicable, SettingsError
from pinnsolve.methods.contract import Context, Method, Outcome, setting
from pinnsolve.quantum.pinn_eigen import PINNEigenSettings, pinn_spectrum
from pinnsolve.quantum.problem import Schrodinger
from pinnsolve.results.spectrum import Spectrum

__all__ = ["PINNEigen", "PINNEigenMethodSettings"]


@dataclass
class PINNEigenMethodSettings:
    """The settings of ``--method pinn-eigen`` (``--states``, ``--warmup-steps``, ...)."""

    states: int = setting(2, "how many of the lowest levels to find, one network each")
    points: int = setting(400, "collocation points (a uniform grid over the finite-difference box)")
    width: int = setting(32, "hidden units per layer")
    depth: int = setting(3, "hidden layers")
    warmup_steps: int = setting(
        1500, "Adam steps minimising the Rayleigh quotient (picks the n-th level) before the residual"
    )
    steps: int = setting(1000, "Adam steps on the eigenvalue equation's residual, E trainable")
    lbfgs_steps: int = setting(500, "L-BFGS iterations after Adam, at most")
    lr: float = setting(3e-3, "Adam learning rate")
    orthogonality: float = setting(10.0, "weight of the overlaps with the lower states in the loss")
    parity: str = setting(
        "auto",
        "auto makes state n of an even potential even or odd ((−1)^n, as in 1-D it is); off does not",
        choices=["auto", "off"],
    )


def _check(s: PINNEigenMethodSettings) -> None:
    for name in ("states", "points", "width", "depth"):
        if getattr(s, name) < 1:
            raise SettingsError(f"--{name} {getattr(s, name)} is out of range; give a positive whole number.")
    if s.points < 20:
        raise SettingsError(f"--points {s.points}: too few to resolve a wave function; give 100 or more.")
    for name in ("warmup_steps", "steps", "lbfgs_steps"):
        if getattr(s, name) < 0:
            raise SettingsError(f"--{name.replace('_', '-')} {getattr(s, name)} is negative; give 0 or more.")
    if s.parity not in ("auto", "off"):
        raise SettingsError(f"--parity {s.parity}: give auto or off.")
    if not s.lr > 0 or not s.orthogonality >= 0:
        raise SettingsError("--lr must be positive and --orthogonality non-negative (e.g. --lr 3e-3).")


def _spacing(problem: Schrodinger, settings: PINNEigenMethodSettings) -> float:
    """The collocation grid's spacing 2L / (points − 1) on the finite-difference box [−L, L]."""
    import sympy as sp

    from pinnsolve.quantum.eigen import box_half_width
    from pinnsolve.quantum.problem import x
    from pinnsolve.residual.compile import numpy_function

    potential = numpy_function(sp.sympify(problem.one_body()), (x,))
    length, _ = box_half_width(potential, problem.trap_frequency(), settings.states)
    return 2 * length / (settings.points - 1)


class PINNEigen(Method, name="pinn-eigen"):
    """Physics-informed networks for the lowest eigenstates of a 1-D single-particle Schrödinger problem."""

    settings_type = PINNEigenMethodSettings
    result_type = Spectrum
    summary = "PINN eigen-solver: the k lowest levels of one particle on a line (E trainable, orthogonality)"
    problem_kinds = ("schrodinger",)

    def check(self, problem: Any, settings: PINNEigenMethodSettings) -> None:
        if problem_kind(problem) != "schrodinger" or not isinstance(problem, Schrodinger):
            raise MethodNotApplicable(
                f"--method pinn-eigen solves Schrödinger problems of one particle on a line; "
                f"'{getattr(problem, 'name', problem)}' is a PDE problem. Use --method pinn for it."
            )
        if problem.n_particles != 1 or problem.dim != 1:
            raise MethodNotApplicable(
                f"--method pinn-eigen treats one particle on a line; '{problem.name}' has "
                f"N = {problem.n_particles} in {problem.dim}-D. Use --method vmc for it."
            )
        _check(settings)

    def run(self, problem: Schrodinger, settings: PINNEigenMethodSettings, context: Context) -> Outcome:
        self.check(problem, settings)
        numbers = {k: getattr(settings, k) for k in PINNEigenMethodSettings.__dataclass_fields__}
        numbers["parity"] = settings.parity == "auto"
        choices: dict[str, Any] = {"parity": settings.parity, "seed": int(context.seed)}
        spacing = _spacing(problem, settings)
        choices["collocation_spacing"] = spacing
        if spacing > 0.1:  # the trapezoidal Rayleigh quotient can be fooled between points (E0 < the true E0)
            choices["warning"] = (
                f"collocation spacing h = {spacing:.3g} over the box: above ~0.1 a level can come out wrong; "
                f"raise --points (to {math.ceil(spacing * (settings.points - 1) / 0.1) + 1} or more)."
            )
            if context.stream is not None:
                print(f"warning: {choices['warning']}", file=context.stream)
        clock = time.perf_counter()
        found = pinn_spectrum(problem, PINNEigenSettings(**numbers, seed=int(context.seed)))
        wall = time.perf_counter() - clock
        history = [
            {
                "state": n,
                "energy": float(found.energies[n]),
                "rayleigh": float(found.rayleigh[n]),
                "variance": float(found.variance[n]),
                "loss": float(found.losses[n]),
            }
            for n in range(len(found.energies))
        ]
        if context.stream is not None:
            for row in history:
                print(
                    f"state {row['state']}: E = {row['energy']:.8f} (Rayleigh quotient {row['rayleigh']:.8f}), "
                    f"residual variance {row['variance']:.1e}",
                    file=context.stream,
                )
        spectrum = Spectrum(
            problem=problem.name,
            energy=float(found.energies[0]),
            energy_error=abs(float(found.energies[0] - found.rayleigh[0])),
            variance=float(found.variance[0]),
            acceptance=float("nan"),
            autocorrelation_time=float("nan"),
            rhat=float("nan"),
            samples=settings.points,
            exact_energy=problem.exact(),
            n_particles=1,
            dim=1,
            arrays={
                "grid": found.grid,
                "states": found.states,
                "rayleigh": found.rayleigh,
                "level_variance": found.variance,
            },
            levels=[float(e) for e in found.energies],
        )
        return Outcome(
            result=spectrum,
            history=history,
            metrics={
                "wall_time_s": wall,
                "states": settings.states,
                "rayleigh_levels": [float(e) for e in found.rayleigh],
                "level_variances": [float(v) for v in found.variance],
            },
            choices=choices,
        )
