"""Inverse heat problem: identify the diffusivity κ of u_t = κ u_xx from noisy measurements.

u(x, 0) = sin(πx), u = 0 at both ends; the truth is κ = 0.1, u = sin(πx) exp(−κπ²t). The
measurements are that exact solution at 15 × 20 points (x = 0.1 … 0.9, t = 0.05 … 1), with
Gaussian noise of standard deviation ``noise`` × the RMS of the clean values (1 % by
default; ``--set noise=0.05`` for 5 %), drawn from the seed ``noise_seed`` (``--set noise_seed=3``).

    pinnsolve solve problems/inverse_diffusivity.py --ensemble 5        # κ's mean and 95 % interval
"""

import numpy as np

from pinnsolve import D, Data, Dirichlet, Eq, Field, Initial, Parameter, Problem, Space, Time, Unknown, exp, pi, sin

KAPPA = 0.1  # the diffusivity the measurements are made with

x = Space("x", 0, 1)
t = Time("t", 0, 1)
u = Field("u", x, t)
kappa = Unknown("kappa", 0.5, exact=KAPPA)
noise = Parameter("noise", 0.01)
noise_seed = Parameter("noise_seed", 0)

xs, ts = np.meshgrid(np.linspace(0.1, 0.9, 15), np.linspace(0.05, 1.0, 20), indexing="ij")
points = np.column_stack([xs.ravel(), ts.ravel()])
clean = np.sin(np.pi * points[:, 0]) * np.exp(-KAPPA * np.pi**2 * points[:, 1])
scatter = noise.value * np.sqrt(np.mean(clean**2))
measured = clean + scatter * np.random.default_rng(int(noise_seed.value)).standard_normal(len(clean))

problem = Problem(
    "inverse_diffusivity",
    equations=[Eq(D(u, t), kappa * D(u, x, 2))],
    conditions=[Dirichlet(u, 0, on=x.boundary), Initial(u, sin(pi * x)), Data(u, points, measured)],
    exact={u: sin(pi * x) * exp(-KAPPA * pi**2 * t)},
    parameters=[noise, noise_seed],
)
