"""One particle in a harmonic trap on a line: −½ψ'' + ½ω²x²ψ = Eψ, levels E_n = ω(n + ½) exactly."""

from pinnsolve import Parameter
from pinnsolve.quantum import Particles, Schrodinger, harmonic

omega = Parameter("omega", 1.0)

problem = Schrodinger("harmonic1d", particles=Particles(1, dim=1),
                      potential=harmonic(omega), exact_energy=omega / 2)
