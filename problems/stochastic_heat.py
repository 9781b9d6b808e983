"""Heat equation with a random amplitude and a random diffusivity.

u_t = κ u_xx on [0, 1], u = 0 at both ends, u(x, 0) = A sin(πx), with A ~ Normal(1, 0.1)
and κ ~ Uniform(0.05, 0.15). The solution u = A sin(πx) exp(−κπ²t) is known for every draw,
so the law of u is exact pointwise (mean and std by Gauss–Hermite × Gauss–Legendre quadrature).
"""

from pinnsolve import D, Dirichlet, Eq, Field, Initial, Normal, Problem, Random, Space, Time, Uniform, exp, pi, sin

x = Space("x", 0, 1)
t = Time("t", 0, 1)
u = Field("u", x, t)
A = Random("A", Normal(1, 0.1))
kappa = Random("kappa", Uniform(0.05, 0.15))

problem = Problem(
    "stochastic_heat",
    equations=[Eq(D(u, t), kappa * D(u, x, 2))],
    conditions=[Dirichlet(u, 0, on=x.boundary), Initial(u, A * sin(pi * x))],
    exact={u: A * sin(pi * x) * exp(-kappa * pi**2 * t)},
)
