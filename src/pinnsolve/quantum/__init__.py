"""Neural quantum states: variational Monte Carlo for the many-body Schrödinger equation.

A `Schrodinger` problem (particles in a trap with a pair interaction) is solved by
``--method vmc`` (`pinnsolve.quantum.method.VMC`): a trial wave function (Gaussian–binary
RBM, Padé–Jastrow, Slater determinants, an MLP) sampled by Metropolis, Langevin or Gibbs
chains and optimised by SGD, Adam or stochastic reconfiguration; the energy's error bar comes
from blocking. One particle on a line also has ``--method pinn-eigen`` (physics-informed networks
for the k lowest levels) and the finite-difference spectrum (`pinnsolve.quantum.eigen`), which
``pinnsolve reference`` writes. Importing this package registers the problem type and the methods.
"""

from __future__ import annotations

from pinnsolve.quantum import method as _method  # noqa: F401 - registers --method vmc
from pinnsolve.quantum import pinn_eigen_method as _pinn_eigen  # noqa: F401 - registers --method pinn-eigen
from pinnsolve.quantum.problem import (
    Particles,
    Schrodinger,
    coulomb,
    harmonic,
    r,
    x,
    y,
    z,
)

__all__ = ["Particles", "Schrodinger", "coulomb", "harmonic", "r", "x", "y", "z"]
