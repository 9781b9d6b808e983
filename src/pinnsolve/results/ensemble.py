r"""The numbers of an ensemble of K solutions of one problem (``pinnsolve solve --ensemble K``).

Members differ in their seed (initial weights, collocation points) and, when the problem has
measurements, in the bootstrap resample of them each one fits (Efron & Tibshirani 1993; the
*deep ensembles* of Lakshminarayanan, Pritzel & Blundell 2017 for the seeds). The ensemble's
answer is the pointwise mean; its spread is the pointwise standard deviation.

An identified constant θ (an `Unknown`) gets the interval for the truth

.. math:: \bar\theta \pm t_{0.975,\,K-1}\; s \sqrt{1 + 1/K},

with :math:`\bar\theta` and :math:`s` the members' mean and standard deviation: if each member is
the estimate θ̂ of the full data plus an independent bootstrap deviation of the estimator's
spread σ, then :math:`\bar\theta - \theta` has variance σ²(1 + 1/K), and s² estimates σ² with
K − 1 degrees of freedom (Student's t, since K is small: 2.78 for K = 5, not 1.96).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from pinnsolve.results.marginals import probe_indices
from pinnsolve.results.measure import relative_l2
from pinnsolve.results.samples import Samples

__all__ = ["ensemble_samples", "interval_factor", "mean_solution", "spread_metrics", "unknown_statistics"]


def interval_factor(members: int, level: float = 0.95) -> float:
    """t_{(1+level)/2, K-1} √(1 + 1/K): the half-width of the interval in members' standard deviations."""
    from scipy import stats

    return float(stats.t.ppf(0.5 + level / 2, members - 1) * np.sqrt(1 + 1 / members))


def unknown_statistics(values: Sequence[float], exact: float | None = None) -> dict[str, Any]:
    """Mean, standard deviation (ddof 1) and 95 % interval of an unknown over the members;
    with the true value, the mean's relative error and whether the interval covers the truth."""
    v = np.asarray(values, dtype=float)
    mean = float(v.mean())
    std = float(v.std(ddof=1)) if len(v) > 1 else 0.0
    half = interval_factor(len(v)) * std if len(v) > 1 else 0.0
    out: dict[str, Any] = {"mean": mean, "std": std, "ci95": [mean - half, mean + half], "members": v.tolist()}
    if exact is not None:
        out["exact"] = float(exact)
        out["relative_error"] = abs(mean - exact) / abs(exact) if exact != 0 else abs(mean - exact)
        out["covered"] = bool(mean - half <= exact <= mean + half)
    return out


def mean_solution(solutions: Sequence[Any]) -> Any:
    """The members' pointwise mean, as a `Solution` like theirs (its errors against the exact solution
    are the ensemble's)."""
    first = solutions[0]
    fields = {n: np.mean([s.fields[n] for s in solutions], axis=0) for n in first.fields}
    return dataclasses.replace(first, fields=fields, diagnostics={})


def spread_metrics(solutions: Sequence[Any], mean: Any) -> dict[str, Any]:
    """The members' errors and the ensemble's spread: ``spread_relative`` = ‖std‖ / ‖mean‖ (each field
    pooled), ``max_std`` its largest pointwise value, and the members' L2 relative errors."""
    std = {n: np.std([s.fields[n] for s in solutions], axis=0, ddof=1) for n in mean.fields}
    norm = np.sqrt(sum(float(np.sum(np.asarray(m) ** 2)) for m in mean.fields.values()))
    spread = np.sqrt(sum(float(np.sum(s**2)) for s in std.values()))
    out: dict[str, Any] = {
        "spread_relative": spread / norm if norm > 0 else float("nan"),
        "max_std": max(float(np.max(s)) for s in std.values()),
    }
    if mean.exact:
        errors = [
            relative_l2(
                np.concatenate([np.ravel(s.fields[n]) for n in mean.exact]),
                np.concatenate([np.ravel(mean.broadcast(n, "exact")) for n in mean.exact]),
            )
            for s in solutions
        ]
        out["member_l2_relative_errors"] = errors
        out["mean_member_l2_relative_error"] = float(np.mean(errors))
    return out


def ensemble_samples(solutions: Sequence[Any], method: str, info: Mapping[str, Any] | None = None) -> Samples | None:
    """The members' values of every field as `Samples` (samples.npz: ``u`` (K, ...), ``mean_u``, ``std_u``,
    then ``v``, ``mean_v``, ``std_v``, ... for a system: the first field's `Samples` holds the others), with
    the exact solution as the reference mean (std 0) where there is one.

    None for solutions on scattered points (a `Samples` lives on a grid; a constant field is left out)."""
    first = solutions[0]
    if not first.is_grid:
        return None
    fields = [_field_samples(solutions, n, method, info) for n in first.fields if first.field_coords[n]]
    if not fields:
        return None
    fields[0].others = fields[1:]
    return fields[0]


def _field_samples(solutions: Sequence[Any], name: str, method: str, info: Mapping[str, Any] | None) -> Samples:
    """The members' values of field ``name`` on its own axes, as `Samples`."""
    first = solutions[0]
    axes = {c: first.axes[c] for c in first.field_coords[name]}
    stack = np.stack([np.asarray(s.fields[name], dtype=float) for s in solutions])
    exact = first.exact.get(name)
    reference = np.asarray(exact, dtype=float) if exact is not None else stack.mean(axis=0)
    probes = probe_indices(stack.shape[1:])
    return Samples(
        problem=first.problem,
        method=f"{method} ensemble",
        field=name,
        axes=axes,
        samples=stack,
        reference_mean=reference,
        reference_std=np.zeros_like(reference),
        probe_index=np.array(probes),
        probe_reference=np.array([[reference[idx] for idx in probes]]),
        reference="exact solution" if exact is not None else "none (the ensemble's own mean)",
        info=dict(info or {}),
    )
