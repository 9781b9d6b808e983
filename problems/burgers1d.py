"""Viscous Burgers u_t + u u_x = ν u_xx on [-1, 1] × [0, 1], ν = 0.01/π, u(x, 0) = -sin πx, u(±1, t) = 0."""

from pinnsolve import D, Dirichlet, Eq, Field, Initial, Parameter, Problem, Space, Time, pi, sin

x = Space("x", -1, 1)
t = Time("t", 0, 1)
u = Field("u", x, t)
nu = Parameter("nu", 0.01 / pi)

problem = Problem(
    "burgers1d",
    equations=[Eq(D(u, t) + u * D(u, x), nu * D(u, x, 2))],
    conditions=[Dirichlet(u, 0, on=x.boundary), Initial(u, -sin(pi * x))],
)
