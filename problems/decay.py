"""Exponential decay g' = -γg, γ = 2, g(0) = 10 on [0, 1] (the lecture notes' first ODE)."""

from pinnsolve import D, Eq, Field, Initial, Parameter, Problem, Time, exp

x = Time("x", 0, 1)
g = Field("g", x)
gamma = Parameter("gamma", 2.0)

problem = Problem(
    "decay",
    equations=[Eq(D(g, x), -gamma * g)],
    conditions=[Initial(g, 10)],
    exact={g: 10 * exp(-gamma * x)},
)
