"""Heat equation u_t = κ u_xx on [0, 1] with insulated ends (∂u/∂n = 0) and u(x, 0) = cos πx."""

from pinnsolve import D, Eq, Field, Initial, Neumann, Parameter, Problem, Space, Time, cos, exp, pi

x = Space("x", 0, 1)
t = Time("t", 0, 0.5)
u = Field("u", x, t)
kappa = Parameter("kappa", 0.5)

problem = Problem(
    "heat_neumann",
    equations=[Eq(D(u, t), kappa * D(u, x, 2))],
    conditions=[Neumann(u, 0, on=x.boundary), Initial(u, cos(pi * x))],
    exact={u: cos(pi * x) * exp(-kappa * pi**2 * t)},
)
