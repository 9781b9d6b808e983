"""SIR epidemic S' = −βSI, I' = βSI − γI, R' = γI (fractions of the population) on t ∈ [0, 100] days.

β = 0.3 and γ = 0.1 per day (R₀ = 3), one infected in a thousand at t = 0: the epidemic peaks
near day 30 with I ≈ 0.30 and leaves S∞ ≈ 0.06; S + I + R = 1 is conserved.
"""

from pinnsolve import D, Eq, Field, Initial, Parameter, Problem, Time

t = Time("t", 0, 100)
S, I, R = Field("S", t), Field("I", t), Field("R", t)
beta = Parameter("beta", 0.3)
gamma = Parameter("gamma", 0.1)

problem = Problem(
    "sir",
    equations=[
        Eq(D(S, t), -beta * S * I),
        Eq(D(I, t), beta * S * I - gamma * I),
        Eq(D(R, t), gamma * I),
    ],
    conditions=[Initial(S, 0.999), Initial(I, 0.001), Initial(R, 0)],
)
