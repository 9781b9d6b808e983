"""Heat equation u_t = u_xx on [0, 1] with u(x, 0) = sin(πx) and fixed zero ends."""

from pinnsolve import D, Dirichlet, Eq, Field, Initial, Problem, Space, Time, exp, pi, sin

x = Space("x", 0, 1)
t = Time("t", 0, 1)
u = Field("u", x, t)

problem = Problem(
    "heat1d",
    equations=[Eq(D(u, t), D(u, x, 2))],
    conditions=[Dirichlet(u, 0, on=x.boundary), Initial(u, sin(pi * x))],
    exact={u: sin(pi * x) * exp(-pi**2 * t)},
)
