"""Dense BFGS and self-scaled Broyden (SSBroyden) with a strong-Wolfe line search.

Both keep an approximation H of the inverse Hessian, step along d = −H∇L with a step length that
satisfies the strong Wolfe conditions, and update H from s = θ₊ − θ and y = ∇L₊ − ∇L so that
H₊ y = s (the secant equation). The self-scaled Broyden family (Al-Baali 1998; for PINNs: Urbán,
Stefanou & Pons, J. Comput. Phys. 2025, "Unveiling the optimization process of physics informed
neural networks", eqs. 13–23) writes, with ρ = 1/yᵀs, h = ρ yᵀHy, b = ρ sᵀH⁻¹s, a = bh − 1,

.. math::
    H_+ = \\frac{1}{τ}\\Big[H - \\frac{Hy\\,(Hy)^\\top}{y^\\top H y} + φ\\,(y^\\top H y)\\, v v^\\top\\Big]
          + ρ\\, s s^\\top, \\qquad v = ρ s - \\frac{Hy}{y^\\top H y},

with φ = (1 − θ)/(1 + aθ) and the scaling τ chosen from θ (the "SSBroyden2" choices of the paper);
τ = φ = 1 is BFGS. The scaling keeps H's eigenvalues from drifting away from the Hessian's when
the loss spans many orders of magnitude, which is what lets PINNs reach 1e-7 – 1e-9 errors.
P × P matrices: small networks only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch.optim.lbfgs import (
    _strong_wolfe,  # the line search torch's L-BFGS uses (cubic interpolation)
)

from pinnsolve.train.optimizers.base import Stage, StepResult
from pinnsolve.train.optimizers.flat import assign, flatten, refuse_large, size

FunctionAndGradient = Callable[[torch.Tensor], tuple[float, torch.Tensor]]


def bfgs_update(H: torch.Tensor, s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """H₊ = (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ, expanded to avoid the P³ products."""
    rho = 1.0 / float(y @ s)
    Hy = H @ y
    return H - rho * (torch.outer(Hy, s) + torch.outer(s, Hy)) + rho * (1 + rho * float(y @ Hy)) * torch.outer(s, s)


def ssbroyden_update(
    H: torch.Tensor, s: torch.Tensor, y: torch.Tensor, g: torch.Tensor, alpha: float, first: bool
) -> torch.Tensor:
    """The self-scaled Broyden update (Urbán et al. 2025, SSBroyden2); ``g`` the gradient where the step began.

    b = sᵀH⁻¹s/yᵀs is known without H⁻¹: s = −αHg, so H⁻¹s = −αg.
    """
    n = len(s)
    rho = 1.0 / float(y @ s)
    Hy = H @ y
    yHy = float(y @ Hy)
    h = yHy * rho
    b = -alpha * rho * float(s @ g)
    a = max(h * b - 1.0, 0.0)  # ≥ 0 by Cauchy–Schwarz; clipped against round-off
    rho_minus = min(1.0, h * (1.0 - math.sqrt(a / (1.0 + a))))
    theta_minus = (rho_minus - 1.0) / a if a > 0 else 0.0
    theta = max(theta_minus, min(1.0 / rho_minus, (1.0 - b) / b))
    if first:  # H is still the identity: scale it to the curvature seen along s
        tau = h / (1.0 + a * theta)
    else:
        sigma = 1.0 + theta * a
        sigma_root = abs(sigma) ** (1.0 / (1 - n)) if n > 1 else 1.0
        rho_k = min(1.0, 1.0 / b)
        tau = min(rho_k * sigma_root, sigma) if theta <= 0 else rho_k * min(sigma_root, 1.0 / theta)
    phi = (1.0 - theta) / (1.0 + a * theta)
    v = rho * s - Hy / yHy
    return (H - torch.outer(Hy, Hy) / yHy + phi * yHy * torch.outer(v, v)) / tau + rho * torch.outer(s, s)


class NonFinite(Exception):
    """The loss or its gradient was not finite at a trial point of the line search."""


@dataclass
class DenseQuasiNewton:
    """The iteration on a flat vector: ``iterate(θ, fg)`` takes one line-searched step.

    ``rule`` is "bfgs" or "ssbroyden"; ``c1``, ``c2`` the Wolfe constants (c₂ → 0 makes the line
    search exact). State (H, the gradient and loss at θ) carries over between calls.
    """

    rule: str = "bfgs"
    c1: float = 1e-4
    c2: float = 0.9
    max_ls: int = 25
    H: torch.Tensor | None = None
    f: float | None = None
    g: torch.Tensor | None = None
    updates: int = 0

    def iterate(self, theta: torch.Tensor, fg: FunctionAndGradient) -> tuple[torch.Tensor, float]:
        """One step from θ; returns (θ₊, the step length t). t = 0: no point along d lowered the loss."""
        if self.g is None:
            self.f, self.g = fg(theta)
        if self.H is None:
            self.H = torch.eye(len(theta), dtype=theta.dtype, device=theta.device)
        d = -(self.H @ self.g)
        gtd = float(self.g @ d)
        if not gtd < 0:  # H lost positive definiteness to round-off: restart from steepest descent
            self.H = torch.eye(len(theta), dtype=theta.dtype, device=theta.device)
            self.updates = 0
            d, gtd = -self.g, -float(self.g @ self.g)
        t0 = 1.0 if self.updates else min(1.0, 1.0 / float(self.g.abs().sum()))

        def along(x: torch.Tensor, t: float, direction: torch.Tensor) -> tuple[float, torch.Tensor]:
            return fg(x + t * direction)

        f_new, g_new, t, _ = _strong_wolfe(
            along, theta, t0, d, self.f, self.g, gtd, c1=self.c1, c2=self.c2, tolerance_change=1e-14, max_ls=self.max_ls
        )
        if not f_new < self.f and t != 0:  # the bracket collapsed without a decrease
            t = 0.0
        if t == 0:
            return theta, 0.0
        s = t * d
        y = g_new - self.g
        if float(y @ s) > 1e-12 * float(s @ s) ** 0.5 * float(y @ y) ** 0.5:  # curvature condition
            if self.rule == "bfgs":
                if not self.updates:  # scale H₀ = (yᵀs/yᵀy) I to the curvature along s (Nocedal & Wright 6.20)
                    self.H = self.H * (float(y @ s) / float(y @ y))
                self.H = bfgs_update(self.H, s, y)
            else:
                self.H = ssbroyden_update(self.H, s, y, self.g, t, first=not self.updates)
            self.updates += 1
        self.f, self.g = float(f_new), g_new
        return theta + s, float(t)


class _DenseStage(Stage, share="second"):
    stalls = True
    compares = True
    rule = "bfgs"

    def __init__(self, task: Any) -> None:
        super().__init__(task)
        self.params = task.parameters
        self.method = DenseQuasiNewton(rule=self.rule)
        self._terms: dict[float, dict[str, torch.Tensor]] = {}

    @classmethod
    def check(cls, task: Any) -> None:
        refuse_large(cls.name, size(task.parameters))

    def _fg(self, theta: torch.Tensor) -> tuple[float, torch.Tensor]:
        assign(self.params, theta)
        loss, terms = self.task.evaluate()
        if not torch.isfinite(loss):
            raise NonFinite
        grads = torch.autograd.grad(loss, self.params, allow_unused=True)
        g = torch.cat(
            [(gi if gi is not None else torch.zeros_like(p)).reshape(-1) for gi, p in zip(grads, self.params)]
        )
        if not torch.isfinite(g).all():
            raise NonFinite
        value = float(loss.detach())
        self._terms[value] = {k: v.detach() for k, v in terms.items()}
        return value, g

    def step(self, k: int) -> StepResult | None:
        self._terms = {}
        try:
            theta, t = self.method.iterate(flatten(self.params), self._fg)
        except NonFinite:
            return None
        assign(self.params, theta)
        f = self.method.f
        terms = self._terms.get(f) or {k: v.detach() for k, v in self.task.evaluate()[1].items()}
        stop = ""
        if t == 0 and self.method.updates:  # restart from steepest descent before giving up
            self.method.H, self.method.updates = None, 0
        elif t == 0:
            stop = f"{self.name} stopped: the line search found no lower loss along the steepest descent direction"
        return StepResult(torch.tensor(f, dtype=torch.float64), terms, t, stop)

    def state_dict(self) -> dict[str, Any]:
        m = self.method
        return {"H": m.H, "f": m.f, "g": m.g, "updates": m.updates}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        m = self.method
        m.H, m.f, m.g, m.updates = state["H"], state["f"], state["g"], int(state["updates"])


class BFGS(_DenseStage, name="bfgs"):
    """Dense BFGS with a strong-Wolfe line search (Nocedal & Wright, Algorithm 6.1)."""

    summary = "dense BFGS, strong Wolfe line search (small networks)"
    rule = "bfgs"


class SSBroyden(_DenseStage, name="ssbroyden"):
    """Self-scaled Broyden (Urbán, Stefanou & Pons 2025) with a strong-Wolfe line search."""

    summary = "self-scaled Broyden, strong Wolfe line search (small networks)"
    rule = "ssbroyden"
