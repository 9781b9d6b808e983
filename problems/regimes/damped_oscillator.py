"""Free damped oscillator x'' + 2γx' + ω₀²x = 0, x(0) = 1, x'(0) = 0 on [0, 10]: under-damped for
γ < ω₀ (ζ = γ/ω₀ < 1, it rings), over-damped for γ > ω₀ (it creeps back), critically damped at ζ = 1.

`pinnsolve classify problems/regimes/damped_oscillator.py` learns the regime from trajectories
with 1 % measurement noise and measures how well the learned boundary sits on ζ = 1.
"""

from pinnsolve import D, Eq, Field, Initial, Parameter, Problem, Time

t = Time("t", 0, 10)
x = Field("x", t)
gamma = Parameter("gamma", 0.5)
omega0 = Parameter("omega0", 1.0)

problem = Problem(
    "damped_oscillator",
    equations=[Eq(D(x, t, 2) + 2 * gamma * D(x, t) + omega0**2 * x, 0)],
    conditions=[Initial(x, 1), Initial(D(x, t), 0)],
    # critically damped (ζ = 1 exactly) is the boundary itself: a set of measure zero, scored by
    # boundary_error; the two regimes either side are what a classifier can learn
    regimes={"underdamped": gamma < omega0, "overdamped": gamma > omega0},
    classify={"vary": "gamma=0.5:1.5:2000", "noise": 0.01, "grid": {"t": 101}},
)
