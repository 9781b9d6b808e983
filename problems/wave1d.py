"""Wave equation u_tt = u_xx on [0, 1], u(x,0) = sin πx, u_t(x,0) = -π sin πx, exact sin πx (cos πt - sin πt)."""

from pinnsolve import D, Dirichlet, Eq, Field, Initial, Parameter, Problem, Space, Time, cos, pi, sin

x = Space("x", 0, 1)
t = Time("t", 0, 1)
u = Field("u", x, t)
c = Parameter("c", 1.0)  # wave speed

problem = Problem(
    "wave1d",
    equations=[Eq(D(u, t, 2), c**2 * D(u, x, 2))],
    conditions=[
        Dirichlet(u, 0, on=x.boundary),
        Initial(u, sin(pi * x)),
        Initial(D(u, t), -pi * sin(pi * x)),
    ],
    exact={u: sin(pi * x) * (cos(pi * c * t) - sin(pi * c * t))},
)
