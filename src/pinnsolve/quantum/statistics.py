r"""Error bars of correlated Monte Carlo averages: blocking, autocorrelation time, R̂.

- `blocking`: the automated blocking method of Jonsson (Phys. Rev. E 98, 043304, 2018). The
  series (length cut to 2^d) is halved d times by averaging neighbours; at each level k the
  statistic :math:`M_k = \sum_{j \ge k} n_j \hat\gamma_j(1)^2 / \hat\sigma_j^4` is compared with
  the 99 % quantile of χ² with d − k degrees of freedom, and the first level where the blocks
  look uncorrelated gives the variance of the mean, :math:`\hat\sigma_k^2 / n_k`.
- `autocorrelation_time`: the integrated time
  :math:`\tau = 1 + 2\sum_{t\ge1}\rho(t)` with Sokal's automatic window (the sum stops at the
  first W ≥ c·τ(W), c = 5), the autocorrelation averaged over chains.
- `rhat`: the Gelman–Rubin potential scale reduction across chains (1 when they agree).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import chi2

__all__ = ["autocorrelation_time", "blocking", "rhat"]


def blocking(series: np.ndarray) -> tuple[float, float]:
    """The mean of ``series`` and the standard error of that mean from automated blocking.

    The series is cut to its first 2^d values (d ≥ 2 needed); a series whose blocks never look
    uncorrelated returns the error of the last level (a lower bound: run longer).
    """
    x = np.asarray(series, dtype=np.float64).ravel()
    d = math.floor(math.log2(len(x))) if len(x) else 0
    if d < 2:
        raise ValueError(f"blocking needs at least 4 values, got {len(x)}")
    x = x[: 2**d]
    mean = float(x.mean())
    variances, gammas = np.zeros(d), np.zeros(d)
    for k in range(d):
        n = len(x)
        centred = x - x.mean()
        variances[k] = centred.var()
        gammas[k] = (centred[:-1] * centred[1:]).sum() / n
        x = 0.5 * (x[0::2] + x[1::2])
    if not np.any(variances > 0):
        return mean, 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(variances > 0, (gammas / variances) ** 2, 0.0) * 2.0 ** np.arange(d, 0, -1)
    statistic = np.cumsum(terms[::-1])[::-1]
    quantiles = chi2.ppf(0.99, np.arange(d, 0, -1))
    level = next((k for k in range(d) if statistic[k] < quantiles[k]), d - 1)
    return mean, float(math.sqrt(variances[level] / 2 ** (d - level)))


def _autocorrelation(chains: np.ndarray) -> np.ndarray:
    """ρ(t) of each chain's series (rows: time, columns: chains), averaged over chains, by FFT."""
    n = chains.shape[0]
    centred = chains - chains.mean(axis=0)
    spectrum = np.fft.rfft(centred, n=2 * n, axis=0)
    covariance = np.fft.irfft(spectrum * np.conj(spectrum), axis=0)[:n].mean(axis=1) / n
    return covariance / covariance[0] if covariance[0] > 0 else np.zeros(n)


def autocorrelation_time(series: np.ndarray, window: float = 5.0) -> float:
    """Integrated autocorrelation time τ (in steps) of a series ``(steps,)`` or ``(steps, chains)``."""
    x = np.asarray(series, dtype=np.float64)
    x = x[:, None] if x.ndim == 1 else x
    rho = _autocorrelation(x)
    if not np.any(rho):
        return 1.0
    tau = 1 + 2 * np.cumsum(rho[1:])
    for w in range(1, len(tau)):
        if w >= window * tau[w - 1]:
            return float(max(tau[w - 1], 1e-12))
    return float(tau[-1])


def rhat(series: np.ndarray) -> float:
    """Gelman–Rubin R̂ of a series ``(steps, chains)``: √(pooled variance / within-chain variance)."""
    x = np.asarray(series, dtype=np.float64)
    n = x.shape[0]
    within = x.var(axis=0, ddof=1).mean()
    between = n * x.mean(axis=0).var(ddof=1)
    if within <= 0:
        return 1.0
    return float(math.sqrt(((n - 1) / n * within + between / n) / within))
