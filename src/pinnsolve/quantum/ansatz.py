"""The trial wave functions of ``--ansatz``, assembled from factors for a given problem.

- ``rbm``: the Gaussian–binary RBM (ψ = F, or √F with ``--sampler gibbs``);
- ``rbm-jastrow``: RBM × Padé–Jastrow (× a Gaussian of trainable width, starting at 1);
- ``ffnn``: Gaussian envelope × MLP log-amplitude;
- ``gaussian-jastrow``: the two-parameter baseline exp(−αω Σr²/2) × Padé–Jastrow(β).

Each is multiplied by a Slater determinant per spin for fermions with more than one particle
of a spin (closed oscillator shells), and by r^b where the interaction has an inverse-square
core (without it the energy would be infinite). The RBM's visible variance is σ² = p/ω, ω the
trap's frequency at its minimum, so zero weights give the trap's exact Gaussian.
"""

from __future__ import annotations

from typing import Any

import torch

from pinnsolve.quantum.factor import Factor, GaussianEnvelope, Product
from pinnsolve.quantum.hamiltonian import short_range
from pinnsolve.quantum.jastrow import PadeJastrow, PowerJastrow, cusp_coefficients
from pinnsolve.quantum.mlp import MLPAmplitude
from pinnsolve.quantum.problem import Schrodinger
from pinnsolve.quantum.rbm import RBM
from pinnsolve.quantum.slater import Slater

__all__ = ["ANSATZE", "build_ansatz"]

ANSATZE = ("rbm", "rbm-jastrow", "ffnn", "gaussian-jastrow")


def _jastrow(problem: Schrodinger, choices: dict[str, Any]) -> Factor | None:
    kind, strength = short_range(problem.pair())
    n, dim = problem.n_particles, problem.dim
    if n < 2 or problem.pair() == 0:
        choices["jastrow"] = "none (no interaction)"
        return None
    if kind == "coulomb":
        cusp = cusp_coefficients(n, dim, problem.spins, strength, problem.statistics == "fermion")
        choices["jastrow"] = f"Padé a r/(1+βr), a fixed by the cusp of {strength:g}/r: {sorted(set(cusp.tolist()))}"
        return PadeJastrow(cusp)
    if kind == "inverse-square":
        return None  # the r^b factor is added for every ansatz
    choices["jastrow"] = "Padé a r/(1+βr), a and β trainable (no 1/r core)"
    return PadeJastrow(None)


def build_ansatz(
    problem: Schrodinger, name: str, *, hidden: int, width: int, depth: int, gibbs: bool, generator: torch.Generator
) -> tuple[Product, dict[str, Any]]:
    """The trial wave function ``name`` for ``problem`` and the choices made building it."""
    n, dim, omega = problem.n_particles, problem.dim, problem.trap_frequency()
    choices: dict[str, Any] = {"trap_frequency": omega}
    factors: list[Factor] = []
    if name in ("rbm", "rbm-jastrow"):
        power = 0.5 if gibbs else 1.0
        factors.append(RBM(n, dim, hidden, sigma2=power / omega, power=power, generator=generator))
        if name == "rbm-jastrow":  # the width of the Gaussian, free beside the RBM's (α = 0: the RBM alone)
            factors.append(GaussianEnvelope(omega, alpha=0.0))
        choices["rbm"] = {"hidden": hidden, "sigma2": power / omega, "psi": "sqrt(F)" if gibbs else "F"}
    elif name == "ffnn":
        factors += [GaussianEnvelope(omega), MLPAmplitude(n, dim, width, depth, generator=generator)]
    else:
        factors.append(GaussianEnvelope(omega))
    if name in ("rbm-jastrow", "gaussian-jastrow"):
        jastrow = _jastrow(problem, choices)
        factors += [jastrow] if jastrow is not None else []
    kind, strength = short_range(problem.pair())
    if kind == "inverse-square" and n > 1:
        exponent = PowerJastrow.exponent_for(strength, dim)
        factors.append(PowerJastrow(exponent))
        choices["pair_power"] = f"r^{exponent:g} where two particles meet (cancels {strength:g}/r²)"
    if problem.statistics == "fermion" and max(problem.spins) > 1:
        slater = Slater(problem.spins, dim, omega)
        factors.append(slater)
        choices["slater"] = {str(k): [list(o) for o in v] for k, v in slater.orbitals.items()}
    ansatz = Product(factors)
    choices["ansatz"] = ansatz.describe()
    return ansatz, choices
