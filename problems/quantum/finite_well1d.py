"""One particle in a finite square well of depth V₀ and width a, its walls smoothed over a length s.

V(x) = −V₀/2 · [tanh((x + a/2)/s) − tanh((x − a/2)/s)]: −V₀ inside, 0 outside. Smoothed walls
keep V differentiable, so the finite-difference reference converges at second order and a
network can fit the residual; s → 0 is the textbook square well. No closed form: the levels
come from `pinnsolve reference` (finite differences): at the defaults three bound levels,
E₀ = −7.18129, E₁ = −4.83845, E₂ = −1.45968.
"""

from pinnsolve import Parameter
from pinnsolve.quantum import Particles, Schrodinger, x
from sympy import tanh

depth = Parameter("depth", 8.0)
width = Parameter("width", 2.0)
edge = Parameter("edge", 0.1)

problem = Schrodinger("finite_well1d", particles=Particles(1, dim=1),
                      potential=-depth / 2 * (tanh((x + width / 2) / edge) - tanh((x - width / 2) / edge)))
