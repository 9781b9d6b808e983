"""Heat equation u_t = κ (u_xx + u_yy) on the unit square with insulated walls (∂u/∂n = 0).

u(x, y, 0) = cos πx cos πy; the exact solution decays as one mode, cos πx cos πy exp(−2κπ²t).
"""

from pinnsolve import D, Eq, Field, Initial, Neumann, Parameter, Problem, Space, Time, cos, exp, laplacian, pi

x = Space("x", 0, 1)
y = Space("y", 0, 1)
t = Time("t", 0, 1)
u = Field("u", x, y, t)
kappa = Parameter("kappa", 0.1)

problem = Problem(
    "heat2d_neumann",
    equations=[Eq(D(u, t), kappa * laplacian(u))],
    conditions=[Neumann(u, 0, on="boundary"), Initial(u, cos(pi * x) * cos(pi * y))],
    exact={u: cos(pi * x) * cos(pi * y) * exp(-2 * kappa * pi**2 * t)},
)
