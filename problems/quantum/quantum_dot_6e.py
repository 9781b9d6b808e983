"""Six electrons in a 2-D harmonic quantum dot (closed shell), DMC reference E = 20.1593 at ω = 1."""

from sympy import Abs, Piecewise, nan

from pinnsolve import Parameter
from pinnsolve.quantum import Particles, Schrodinger, coulomb, harmonic

omega = Parameter("omega", 1.0)

# diffusion Monte Carlo (Pedersen Lohne et al., Phys. Rev. B 84, 115302, 2011): not exact, but the best known
exact = Piecewise((20.1593, Abs(omega - 1) < 1e-9), (nan, True))

problem = Schrodinger("quantum_dot_6e", particles=Particles(6, dim=2, statistics="fermion"),
                      potential=harmonic(omega), interaction=coulomb(), exact_energy=exact)
