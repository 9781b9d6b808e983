"""Exponential decay with a random rate: u' = −k u, u(0) = 1, k ~ Normal(1, 0.2), t ∈ [0, 2].

The solution u = exp(−k t) is random through k; its law is known pointwise, with
E[u](t) = exp(−μt + σ²t²/2) and Var[u](t) = exp(−2μt + 2σ²t²) − E[u]². pinnsolve computes
the mean and std of the exact law by Gauss–Hermite quadrature over k, and `pinnsolve
generate` learns the law from finite-difference solutions for draws of k.
"""

from pinnsolve import D, Eq, Field, Initial, Normal, Problem, Random, Time, exp

t = Time("t", 0, 2)
u = Field("u", t)
k = Random("k", Normal(1, 0.2))

problem = Problem(
    "stochastic_decay",
    equations=[Eq(D(u, t), -k * u)],
    conditions=[Initial(u, 1)],
    exact={u: exp(-k * t)},
)
