r"""Statistics that compare an ensemble of fields with a reference law.

- mean and std: relative L2 errors of the pointwise mean and standard deviation
  (`relative_l2`, the one definition);
- marginals at probe points: the 1-Wasserstein distance
  :math:`W_1(\mu, \nu) = \int |F_\mu(s) - F_\nu(s)|\,ds` divided by the reference std (a
  scale-free distance: 0.05 means the laws differ by 5 % of a standard deviation), and the
  two-sample Kolmogorov–Smirnov p-value (Massey 1951), both from ``scipy.stats``;
- mode collapse: the ratio ‖std‖/‖std_ref‖; a generator that has collapsed onto a few
  fields has a ratio well below one (Arjovsky et al. 2017 call the failure by that name).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pinnsolve.results.measure import relative_l2

__all__ = ["STD_RATIO_RANGE", "compare_laws", "marginal_statistics", "probe_indices"]

#: a std ratio outside this range is reported as mode collapse (below) or over-dispersion (above)
STD_RATIO_RANGE = (0.9, 1.1)


def probe_indices(shape: tuple[int, ...], count: int = 3) -> list[tuple[int, ...]]:
    """Grid indices of ``count`` probe points: interior, at 1/4, 1/2, 3/4 of every axis together.

    Time axes include the end (where the spread of a decaying law is largest relative to the
    mean); the first node of an axis (often a fixed initial or boundary value) is never a probe.
    """
    fractions = np.linspace(0, 1, count + 2)[1:-1] if count > 1 else np.array([0.5])
    return [tuple(int(round(f * (n - 1))) for n in shape) for f in fractions]


def marginal_statistics(samples: np.ndarray, reference: np.ndarray) -> dict[str, Any]:
    """W1/std and KS at each probe column: ``samples`` (M, P) against ``reference`` draws (R, P)."""
    from scipy import stats

    w1, ks = [], []
    for p in range(samples.shape[1]):
        scale = float(np.std(reference[:, p]))
        distance = float(stats.wasserstein_distance(samples[:, p], reference[:, p]))
        w1.append(distance / scale if scale > 0 else distance)
        ks.append(float(stats.ks_2samp(samples[:, p], reference[:, p]).pvalue))
    return {
        "w1_over_std": float(np.mean(w1)),
        "ks_pvalue": float(np.min(ks)),
        "w1_over_std_per_probe": w1,
        "ks_pvalue_per_probe": ks,
    }


def compare_laws(
    mean: np.ndarray,
    std: np.ndarray,
    ref_mean: np.ndarray,
    ref_std: np.ndarray,
    samples_at_probes: np.ndarray,
    reference_at_probes: np.ndarray,
) -> dict[str, Any]:
    """All the numbers that judge an ensemble against a reference law (see the module docstring)."""
    ratio = float(np.linalg.norm(std) / np.linalg.norm(ref_std)) if np.linalg.norm(ref_std) > 0 else float("inf")
    out = {
        "mean_l2_relative_error": relative_l2(mean, ref_mean),
        "std_l2_relative_error": relative_l2(std, ref_std),
        "std_ratio": ratio,
        "mode_collapse": bool(ratio < STD_RATIO_RANGE[0]),
    }
    out.update(marginal_statistics(samples_at_probes, reference_at_probes))
    return out
