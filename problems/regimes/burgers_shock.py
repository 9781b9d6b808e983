"""Burgers' equation near the inviscid limit, u_t + u u_x = ν u_xx on [-1, 1] × [0, 1], ν = 10⁻³,
u(x, 0) = -A sin πx, u(±1, t) = 0: does a shock form before T = 1?

Inviscid characteristics cross first at the breaking time t_b = −1/min u₀′ = 1/(πA), so a
shock forms before T iff πAT > 1, i.e. A > 1/π ≈ 0.318. The classifier sees the computed field.
"""

from pinnsolve import D, Dirichlet, Eq, Field, Initial, Parameter, Problem, Space, Time, pi, sin

T = 1
x = Space("x", -1, 1)
t = Time("t", 0, T)
u = Field("u", x, t)
A = Parameter("A", 0.5)
nu = Parameter("nu", 1e-3)

problem = Problem(
    "burgers_shock",
    equations=[Eq(D(u, t) + u * D(u, x), nu * D(u, x, 2))],
    conditions=[Dirichlet(u, 0, on=x.boundary), Initial(u, -A * sin(pi * x))],
    regimes={"smooth": pi * A * T < 1, "shock": pi * A * T > 1},
    classify={"vary": "A=0.2:0.45:200", "grid": {"x": 101, "t": 11}},
)
