"""Lorenz system x' = σ(y - x), y' = x(ρ - z) - y, z' = xy - βz with σ = 10, ρ = 28, β = 8/3, from (1, 1, 1) on [0, 1]."""

from pinnsolve import D, Eq, Field, Initial, Parameter, Problem, Rational, Time

t = Time("t", 0, 1)
x, y, z = Field("x", t), Field("y", t), Field("z", t)
sigma = Parameter("sigma", 10.0)
rho = Parameter("rho", 28.0)
beta = Parameter("beta", Rational(8, 3))

problem = Problem(
    "lorenz",
    equations=[
        Eq(D(x, t), sigma * (y - x)),  # σ(y - x): some course copies have (x - y), which blows up
        Eq(D(y, t), x * (rho - z) - y),
        Eq(D(z, t), x * y - beta * z),
    ],
    conditions=[Initial(x, 1), Initial(y, 1), Initial(z, 1)],
)
