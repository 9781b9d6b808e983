"""N non-interacting bosons in a d-dimensional harmonic trap: E = N·d·ω/2 exactly."""

from pinnsolve import Parameter
from pinnsolve.quantum import Particles, Schrodinger, harmonic

n = Parameter("n", 2)
dim = Parameter("dim", 2)
omega = Parameter("omega", 1.0)

problem = Schrodinger("ho_bosons", particles=Particles(n, dim=dim, statistics="boson"),
                      potential=harmonic(omega), exact_energy=n * dim * omega / 2)
