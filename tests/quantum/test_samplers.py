"""Each sampler draws |ψ|² of a known 1-D Gaussian (Kolmogorov–Smirnov test over independent chains)."""

from __future__ import annotations

import math

import pytest
import torch
from scipy.stats import kstest, norm

from pinnsolve.errors import MethodNotApplicable
from pinnsolve.quantum.factor import GaussianEnvelope, Product
from pinnsolve.quantum.rbm import RBM
from pinnsolve.quantum.samplers import make_sampler


def _final_states(name, ansatz, chains=2000, sweeps=100, seed=0):
    g = torch.Generator().manual_seed(seed)
    start = 2.0 * torch.randn(chains, 1, 1, generator=g, dtype=torch.float64)  # far from equilibrium
    sampler = make_sampler(name, ansatz, start, None, g)
    sampler.burn_in(sweeps)
    positions, acceptance = sampler.run(1, 20)
    return positions[0, :, 0, 0].numpy(), acceptance, sampler


@pytest.mark.parametrize("name", ["metropolis", "langevin"])
def test_metropolis_and_langevin_draw_the_gaussian(name):
    alpha = 0.8  # |ψ|² = exp(−α x²): a normal law of variance 1/(2α)
    samples, acceptance, sampler = _final_states(name, Product([GaussianEnvelope(1.0, alpha)]))
    assert kstest(samples, norm(scale=math.sqrt(1 / (2 * alpha))).cdf).pvalue > 0.01
    assert abs(acceptance - sampler.target) < 0.1
    # and it is not merely any Gaussian: a 25 % wider law is rejected
    assert kstest(samples, norm(scale=1.25 * math.sqrt(1 / (2 * alpha))).cdf).pvalue < 1e-3


def test_gibbs_draws_the_rbm_marginal():
    rbm = RBM(1, 1, 3, sigma2=0.5, power=0.5, scale=0.0)
    rbm.theta = torch.tensor([0.3, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], dtype=torch.float64)  # a = 0.3, W = 0
    samples, acceptance, _ = _final_states("gibbs", Product([rbm]))
    assert acceptance == 1.0
    assert kstest(samples, norm(loc=0.3, scale=math.sqrt(0.5)).cdf).pvalue > 0.01


def test_gibbs_refuses_other_wave_functions():
    with pytest.raises(MethodNotApplicable, match="--ansatz rbm"):
        make_sampler(
            "gibbs",
            Product([GaussianEnvelope(1.0)]),
            torch.zeros(4, 1, 1, dtype=torch.float64),
            None,
            torch.Generator(),
        )
