"""One-dimensional Darcy flow with a log-normal permeability: −(a u')' = 1 on [0, 1], u(0) = u(1) = 0.

a(x) = exp(G(x)), G a Gaussian random field with squared-exponential covariance (length 0.2,
std 0.5), written through its Karhunen–Loève expansion with 6 terms (eigenpairs computed
numerically). There is no closed-form law: the reference is Monte Carlo of the
finite-difference solver.
"""

from pinnsolve import D, Dirichlet, Eq, Field, Problem, RandomField, Space, SquaredExponential, exp

x = Space("x", 0, 1)
u = Field("u", x)
G = RandomField("G", x, mean=0, kernel=SquaredExponential(0.2, 0.5), terms=6)

problem = Problem(
    "darcy1d_kl",
    equations=[Eq(-D(exp(G) * D(u, x), x), 1)],
    conditions=[Dirichlet(u, 0, on=x.boundary)],
)
