"""Honest outcomes: did a trained model solve the problem, or only run?

A run whose imposed conditions are violated, whose solution is not finite, or whose training
stalled far from zero says so (``status`` and ``stop_reason`` in metrics.json, a warning line).
The condition residual of each soft-constraint loss term (boundary, initial, periodic, data) is
measured on its own points and compared with the scale of the imposed values,

.. math:: \\rho_k = \\lVert r_k(u_\\theta) \\rVert_{\\mathrm{RMS}} / s_k,

where :math:`s_k = \\lVert r_k(0)\\rVert_{\\mathrm{RMS}}`, the residual of the zero function (the imposed
values themselves), or the solution's scale :math:`\\max|u_\\theta|` where the imposed values are
homogeneous (below 1 % of it). A run fails when some
:math:`\\rho_k` exceeds `VIOLATED` after a real budget (at least `JUDGED_STEPS` steps; a shorter
smoke run only gets the warning), or when its solution holds NaN or infinite values.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import torch

__all__ = ["JUDGED_STEPS", "STALLED", "VIOLATED", "condition_residuals", "verdict"]

#: relative condition residual above which the conditions count as violated (u(0) = 0.70 against 1: 0.30)
VIOLATED = 0.2
#: a run this long is meant to solve the problem: a violation then fails it (exit 1)
JUDGED_STEPS = 1000
#: training "stalled" when the final loss is above this fraction of the first
STALLED = 0.5


def _rms(objective: Any, model: torch.nn.Module) -> dict[str, float]:
    terms = {t.name: t for t in objective.terms if t.kind != "pde" and t.weight > 0}
    values = objective(model)
    return {n: math.sqrt(max(float(values[n].detach()), 0.0) / terms[n].weight) for n in terms if n in values}


def condition_residuals(objective: Any, model: torch.nn.Module, scale: float) -> dict[str, float]:
    """ρ_k per condition term of ``objective`` (see the module docstring); {} when it has none."""
    terms = getattr(objective, "terms", None)
    if not terms or not all(hasattr(t, "kind") and hasattr(t, "weight") for t in terms):
        return {}
    residual = _rms(objective, model)
    if not residual:
        return {}
    zero = copy.deepcopy(model)
    with torch.no_grad():
        for p in zero.parameters():
            p.zero_()
    try:
        imposed = _rms(objective, zero)
    except Exception:  # a model that cannot be evaluated at zero parameters: the solution's scale only
        imposed = {}
    out = {}
    for name, r in residual.items():
        g = imposed.get(name, 0.0)
        g = g if math.isfinite(g) else 0.0
        # the imposed values set the scale; homogeneous ones (g ≈ 0) are measured against the solution's
        size = max(g if g > 0.01 * scale else scale, 1e-12)
        out[name] = r / size
    return out


def verdict(
    result: Any, history: list[Any], residuals: dict[str, float], steps: int, growing: bool = False
) -> tuple[str, str, bool]:
    """(status, reason, failed): ``ok``, ``not_finite``, ``conditions_violated`` or ``stalled``.

    ``growing``: the loss's weights grew during training (causal weights open the time range step
    by step), so the first loss covers only the earliest times: training stalled when the final
    loss is above `STALLED` of the largest one instead.
    """
    fields = getattr(result, "fields", {}) or {}
    if any(not np.all(np.isfinite(np.asarray(v, dtype=float))) for v in fields.values()):
        return "not_finite", "the solution holds NaN or infinite values", True
    worst = max(residuals.items(), key=lambda kv: kv[1], default=None)
    if worst is not None and not math.isfinite(worst[1]):
        return "not_finite", f"the {worst[0]} residual is not finite", True
    if worst is not None and worst[1] > VIOLATED:
        return (
            "conditions_violated",
            f"the imposed condition '{worst[0]}' is violated: its residual is "
            f"{100 * worst[1]:.0f} % of the imposed values' scale (threshold {100 * VIOLATED:.0f} %)",
            steps >= JUDGED_STEPS,
        )
    if len(history) >= 100:
        first, last = history[0].loss, history[-1].loss
        if growing:
            first = max((r.loss for r in history if math.isfinite(r.loss)), default=first)
        if math.isfinite(first) and last > STALLED * first and last > 1e-8:
            which = " (its largest, as the causal weights opened the time range)" if growing else ""
            return (
                "stalled",
                f"training stalled far from zero: the loss went from {first:.3g}{which} only to {last:.3g}",
                False,
            )
    return "ok", "", False
