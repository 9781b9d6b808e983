"""Stability of the explicit FTCS scheme for the heat equation u_t = α u_xx on [0, 1] × [0, 0.5],
u = 0 at both ends, u(x, 0) = sin πx + 0.01 sin 39πx, on a fixed grid Δx = 1/40, Δt = 1/3200.

Von Neumann: forward Euler with central differences is stable iff r = αΔt/Δx² ≤ ½ (here
r = α/2, so iff α ≤ 1). The classifier sees only the computed solution, an unstable run
included (the small high-frequency mode is what grows), and has to find the theorem. On this
grid the highest mode's exact limit is r ≤ 1/(2 sin²(39π/80)) = 0.50077: 0.15 % above ½.
"""

from pinnsolve import D, Dirichlet, Eq, Field, Initial, Parameter, Problem, Space, Time, pi, sin

DX = 1 / 40
DT = 1 / 3200
x = Space("x", 0, 1)
t = Time("t", 0, 0.5)
u = Field("u", x, t)
alpha = Parameter("alpha", 0.5)

problem = Problem(
    "heat_ftcs_stability",
    equations=[Eq(D(u, t), alpha * D(u, x, 2))],
    conditions=[Dirichlet(u, 0, on=x.boundary), Initial(u, sin(pi * x) + 0.01 * sin(39 * pi * x))],
    regimes={"stable": alpha * DT / DX**2 <= 0.5, "unstable": alpha * DT / DX**2 > 0.5},
    classify={"vary": "alpha=0.5:1.5:256", "grid": {"x": 41, "t": 11}, "scheme": "ftcs", "dt": DT,
              "transform": "asinh", "folds": 10},
)
