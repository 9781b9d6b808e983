"""Logistic growth g' = αg(A - g), α = 2, A = 1, g(0) = 1.2 on [0, 1] (the lecture notes' parameters)."""

from pinnsolve import D, Eq, Field, Initial, Parameter, Problem, Time, exp

t = Time("t", 0, 1)
g = Field("g", t)
alpha = Parameter("alpha", 2.0)
A = Parameter("A", 1.0)
g0 = 1.2

problem = Problem(
    "logistic",
    equations=[Eq(D(g, t), alpha * g * (A - g))],
    conditions=[Initial(g, g0)],
    exact={g: A * g0 / (g0 + (A - g0) * exp(-alpha * A * t))},
)
