"""Two electrons in a 2-D harmonic quantum dot with Coulomb repulsion (Taut: E = 3 at ω = 1, 2/3 at ω = 1/6)."""

from sympy import Abs, Piecewise, Rational, nan

from pinnsolve import Parameter
from pinnsolve.quantum import Particles, Schrodinger, coulomb, harmonic

omega = Parameter("omega", 1.0)

# Taut's closed-form energies (M. Taut, J. Phys. A 27, 1045, 1994) at the frequencies where they are known;
# at any other --set omega the exact energy is unknown (nan)
exact = Piecewise((3, Abs(omega - 1) < 1e-9), (Rational(2, 3), Abs(omega - Rational(1, 6)) < 1e-9), (nan, True))

problem = Schrodinger("quantum_dot_2e", particles=Particles(2, dim=2, statistics="fermion"),
                      potential=harmonic(omega), interaction=coulomb(), exact_energy=exact)
