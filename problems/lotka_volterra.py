"""Lotka–Volterra predator–prey system x' = αx − βxy, y' = δxy − γy from (2, 1) over three periods (t ∈ [0, 20]).

With α = β = γ = δ = 1 the orbits are closed curves around the coexistence point (1, 1), of
period ≈ 6.7 for this amplitude; V = δx − γ ln x + βy − α ln y is conserved along them.
"""

from pinnsolve import D, Eq, Field, Initial, Parameter, Problem, Time

t = Time("t", 0, 20)
x, y = Field("x", t), Field("y", t)
alpha = Parameter("alpha", 1.0)
beta = Parameter("beta", 1.0)
gamma = Parameter("gamma", 1.0)
delta = Parameter("delta", 1.0)

problem = Problem(
    "lotka_volterra",
    equations=[
        Eq(D(x, t), alpha * x - beta * x * y),
        Eq(D(y, t), delta * x * y - gamma * y),
    ],
    conditions=[Initial(x, 2), Initial(y, 1)],
)
