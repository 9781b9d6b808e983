"""The Calogero model: N bosons on a line in a harmonic trap with g/x_ij² repulsion; E = ω(N/2 + β N(N−1)/2)."""

from pinnsolve import Parameter
from pinnsolve.quantum import Particles, Schrodinger, harmonic, r

# Calogero (J. Math. Phys. 10, 2191, 1969): with g = β(β − 1), the ground state is
# ψ = Π_{i<j} |x_i − x_j|^β exp(−ω Σ x_i² / 2) and its energy is ω (N/2 + β N(N − 1)/2)
n = Parameter("n", 3)
omega = Parameter("omega", 1.0)
beta = Parameter("beta", 2.0)

problem = Schrodinger("calogero", particles=Particles(n, dim=1, statistics="boson"),
                      potential=harmonic(omega), interaction=beta * (beta - 1) / r**2,
                      exact_energy=omega * (n / 2 + beta * n * (n - 1) / 2))
