"""The Lorenz system x' = σ(y − x), y' = x(ρ − z) − y, z' = xy − βz, σ = 10, β = 8/3, from (1, 1, 1) on
[0, 10]: decay onto a fixed point, or sustained chaos?

The fixed points C± = (±√(β(ρ−1)), ±√(β(ρ−1)), ρ−1) lose stability in a subcritical Hopf
bifurcation at ρ_H = σ(σ + β + 3)/(σ − β − 1) = 470/19 ≈ 24.74 (Lorenz 1963; Strogatz §9.2).
Between ρ ≈ 24.06 and ρ_H the chaotic attractor and the stable fixed points coexist, so the
regime is the fixed points' stability, the analytic statement.
"""

from pinnsolve import D, Eq, Field, Initial, Parameter, Problem, Rational, Time

t = Time("t", 0, 10)
x, y, z = Field("x", t), Field("y", t), Field("z", t)
sigma = Parameter("sigma", 10.0)
rho = Parameter("rho", 28.0)
beta = Parameter("beta", Rational(8, 3))
rho_hopf = sigma * (sigma + beta + 3) / (sigma - beta - 1)

problem = Problem(
    "lorenz_chaos",
    equations=[Eq(D(x, t), sigma * (y - x)), Eq(D(y, t), x * (rho - z) - y), Eq(D(z, t), x * y - beta * z)],
    conditions=[Initial(x, 1), Initial(y, 1), Initial(z, 1)],
    regimes={"fixed_point": rho < rho_hopf, "chaos": rho > rho_hopf},
    classify={"vary": "rho=20:30:400", "grid": {"t": 201}},
)
