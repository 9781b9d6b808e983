"""The Brusselator x' = A − (B + 1)x + x²y, y' = Bx − x²y with A = 1, from (x, y) = (1.5, 1.5), t in [0, 40]:
steady state or limit cycle?

The fixed point (A, B/A) loses stability in a (supercritical) Hopf bifurcation at B = 1 + A²
(Prigogine & Lefever 1968; Strogatz, *Nonlinear Dynamics and Chaos*, §8.3): for B < 1 + A² the
oscillation decays onto the steady state, for B > 1 + A² it grows onto a limit cycle.
"""

from pinnsolve import D, Eq, Field, Initial, Parameter, Problem, Time

t = Time("t", 0, 40)
x, y = Field("x", t), Field("y", t)
A = Parameter("A", 1.0)
B = Parameter("B", 1.5)

problem = Problem(
    "brusselator_hopf",
    equations=[Eq(D(x, t), A - (B + 1) * x + x**2 * y), Eq(D(y, t), B * x - x**2 * y)],
    conditions=[Initial(x, 1.5), Initial(y, 1.5)],
    regimes={"steady": B < 1 + A**2, "limit_cycle": B > 1 + A**2},
    classify={"vary": "B=1.5:2.5:400", "grid": {"t": 201}},
)
