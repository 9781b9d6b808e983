"""Driven damped oscillator x'' + 2γx' + x = F cos Ωt, γ = 0.2, Ω = 0.5, F = 1, x(0) = 1, x'(0) = 0, t in [0, 10]."""

from pinnsolve import D, Eq, Field, Initial, Parameter, Problem, Time, cos, exp, sin, sqrt

t = Time("t", 0, 10)
x = Field("x", t)
gamma = Parameter("gamma", 0.2)
Omega = Parameter("Omega", 0.5)
F = Parameter("F", 1.0)

# exact solution: steady response C cos Ωt + S sin Ωt plus the damped transient fitted to x(0), x'(0)
den = (1 - Omega**2) ** 2 + (2 * gamma * Omega) ** 2
C = F * (1 - Omega**2) / den
S = F * 2 * gamma * Omega / den
w = sqrt(1 - gamma**2)
a = 1 - C
b = (gamma * a - Omega * S) / w

problem = Problem(
    "oscillator",
    equations=[Eq(D(x, t, 2) + 2 * gamma * D(x, t) + x, F * cos(Omega * t))],
    conditions=[Initial(x, 1), Initial(D(x, t), 0)],
    exact={x: C * cos(Omega * t) + S * sin(Omega * t) + exp(-gamma * t) * (a * cos(w * t) + b * sin(w * t))},
)
