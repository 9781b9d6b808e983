r"""Adaptive loss weights λ_i: the loss becomes :math:`L(θ) = Σ_i λ_i L_i(θ)`, λ_i changed while training.

A PINN's loss is a sum of terms whose gradients can differ by orders of magnitude: the equation
residual's (it carries second derivatives) dwarfs the boundary and initial terms', and gradient
descent then fits the equation with the wrong boundary values. Two remedies, each updating the
multipliers λ_i on top of the fixed weights w_i of the terms (``L_i = w_i · mean(r_i²)``):

* **learning-rate annealing** (Wang, Teng & Perdikaris, SIAM J. Sci. Comput. 43, A3055, 2021):
  every ``every`` steps, for each condition term i (the equation terms keep λ = 1),

  .. math:: \hat λ_i = \frac{\max_θ |∇_θ L_r|}{\overline{|∇_θ L_i|}}, \qquad
            λ_i \leftarrow (1 − α)\, λ_i + α\, \hat λ_i, \quad α = 0.9,

  with :math:`L_r` the sum of the equation terms: each condition's mean gradient is brought to the
  largest gradient of the residual. The authors' code (GradientPathologiesPINNs) differs: it takes
  the mean gradient of the weighted term, :math:`\overline{|∇_θ (λ_i L_i)|}`, and gives the new value
  the weight 0.1 (``scaled``, α = 0.1); λ_i then settles at the square root of the ratio above
  instead of following it (``annealing-scaled``);
* **ReLoBRaLo**, relative loss balancing with random lookback (Bischof & Kraus, arXiv:2110.09813,
  2021): every step, from the terms' values alone (no extra gradients), with m terms,

  .. math:: λ^{bal}_i(t, t') = m\,\mathrm{softmax}_i\Big(\frac{L_i(t)}{T\,L_i(t')}\Big), \qquad
            λ_i(t) = α\big[ρ\,λ_i(t−1) + (1 − ρ)\,λ^{bal}_i(t, 0)\big] + (1 − α)\,λ^{bal}_i(t, t−1),

  ρ a Bernoulli draw of mean ``lookback`` (drawn from the run's seed and the step, so a resumed run
  draws what the uninterrupted one drew), α = 0.999, T = 0.1.

The weights change only while a first-order optimizer runs: a line search or a population
(L-BFGS, BFGS, Gauss–Newton, CMA-ES) compares loss values and needs one fixed function, so there
they are frozen at their last values (``active`` False).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import torch

__all__ = ["KINDS", "Annealing", "LossWeights", "ReLoBRaLo", "make_loss_weights"]


class LossWeights(ABC):
    """The multipliers λ_i of the loss terms ``names`` (all 1 at first) and their update rule.

    ``needs_gradients``: `update` is given the terms with their graph (annealing) rather than
    their values alone (ReLoBRaLo). ``every``: the update runs at steps that are multiples of it.
    """

    kind: ClassVar[str]
    needs_gradients: ClassVar[bool] = False

    def __init__(self, names: Sequence[str], kinds: Sequence[str], every: int = 1) -> None:
        self.names = list(names)
        self.kinds = list(kinds)
        self.every = max(1, int(every))
        self.values = {n: 1.0 for n in self.names}
        self.active = True

    def due(self, step: int) -> bool:
        """Whether the weights are updated after training step ``step`` (1-based)."""
        return self.active and step % self.every == 0

    @abstractmethod
    def update(self, losses: dict[str, torch.Tensor], parameters: list[torch.Tensor], step: int) -> None:
        """New λ from the terms L_i (unmultiplied by λ) at the current parameters."""

    def state_dict(self) -> dict[str, Any]:
        """λ and what the rule remembers (plain values: checkpoints load with weights_only)."""
        return {"kind": self.kind, "values": dict(self.values), "active": self.active}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.values = {n: float(state["values"][n]) for n in self.names}
        self.active = bool(state.get("active", self.active))

    def describe(self) -> dict[str, Any]:
        """The rule and its constants, for config.json."""
        return {"rule": self.kind, "every": self.every}


class Annealing(LossWeights):
    """Learning-rate annealing (Wang, Teng & Perdikaris 2021): condition terms brought to the residual's gradient."""

    kind = "annealing"
    needs_gradients = True

    def __init__(
        self, names: Sequence[str], kinds: Sequence[str], every: int = 100, alpha: float = 0.9, scaled: bool = False
    ) -> None:
        super().__init__(names, kinds, every)
        self.alpha = float(alpha)
        self.scaled = bool(scaled)

    def update(self, losses: dict[str, torch.Tensor], parameters: list[torch.Tensor], step: int) -> None:
        pde = [n for n, k in zip(self.names, self.kinds) if k == "pde"]
        others = [n for n, k in zip(self.names, self.kinds) if k != "pde"]
        if not pde or not others:
            return
        g_r = _flat_grad(sum(losses[n] for n in pde), parameters)
        top = float(g_r.abs().max())
        for name in others:
            mean = float(_flat_grad(losses[name], parameters).abs().mean())
            mean *= self.values[name] if self.scaled else 1.0
            if not (math.isfinite(top) and math.isfinite(mean)) or mean <= 0.0 or top <= 0.0:
                continue  # a term already at zero (or the residual's gradient): nothing to balance
            self.values[name] = (1.0 - self.alpha) * self.values[name] + self.alpha * top / mean

    def describe(self) -> dict[str, Any]:
        gradient = "of lambda_i L_i (the authors' code)" if self.scaled else "of L_i (the paper's equations)"
        rule = "annealing-scaled" if self.scaled else "annealing"
        return {**super().describe(), "rule": rule, "alpha": self.alpha, "mean_gradient": gradient}


class ReLoBRaLo(LossWeights):
    """Relative loss balancing with random lookback (Bischof & Kraus 2021), from the terms' values."""

    kind = "relobralo"

    def __init__(
        self,
        names: Sequence[str],
        kinds: Sequence[str],
        seed: int = 0,
        alpha: float = 0.999,
        temperature: float = 0.1,
        lookback: float = 0.999,
    ) -> None:
        super().__init__(names, kinds, every=1)
        self.seed = int(seed)
        self.alpha, self.temperature, self.lookback = float(alpha), float(temperature), float(lookback)
        self.first: dict[str, float] | None = None  # L_i(0)
        self.last: dict[str, float] | None = None  # L_i(t − 1)

    def balanced(self, now: np.ndarray, then: np.ndarray) -> np.ndarray:
        """λ^bal(t, t') = m softmax(L(t) / (T L(t')))."""
        z = now / (self.temperature * np.maximum(then, 1e-300))
        e = np.exp(z - z.max())
        return len(now) * e / e.sum()

    def rho(self, step: int) -> float:
        """The Bernoulli lookback draw of ``step``: a function of the seed and the step alone."""
        return float(np.random.default_rng([self.seed, step]).random() < self.lookback)

    def update(self, losses: dict[str, torch.Tensor], parameters: list[torch.Tensor], step: int) -> None:
        now = np.array([float(losses[n].detach()) for n in self.names])
        if not np.all(np.isfinite(now)):
            return
        if self.first is None or self.last is None:
            self.first = self.last = dict(zip(self.names, now.tolist()))
            return
        first = np.array([self.first[n] for n in self.names])
        last = np.array([self.last[n] for n in self.names])
        old = np.array([self.values[n] for n in self.names])
        rho = self.rho(step)
        history = rho * old + (1.0 - rho) * self.balanced(now, first)
        new = self.alpha * history + (1.0 - self.alpha) * self.balanced(now, last)
        self.values = dict(zip(self.names, new.tolist()))
        self.last = dict(zip(self.names, now.tolist()))

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "first": self.first, "last": self.last}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self.first = None if state.get("first") is None else {n: float(v) for n, v in state["first"].items()}
        self.last = None if state.get("last") is None else {n: float(v) for n, v in state["last"].items()}

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "alpha": self.alpha, "temperature": self.temperature, "lookback": self.lookback}


#: the rules by their --loss-weights name
KINDS = ("annealing", "annealing-scaled", "relobralo")


def make_loss_weights(kind: str, names: Sequence[str], kinds: Sequence[str], seed: int = 0) -> LossWeights | None:
    """The rule ``kind`` ('fixed': None; one of `KINDS`) over the terms ``names`` of kinds ``kinds``."""
    if kind == "fixed":
        return None
    if kind == "relobralo":
        return ReLoBRaLo(names, kinds, seed=seed)
    if kind == "annealing-scaled":
        return Annealing(names, kinds, alpha=0.1, scaled=True)
    assert kind == "annealing", kind
    return Annealing(names, kinds)


def _flat_grad(loss: torch.Tensor, parameters: list[torch.Tensor]) -> torch.Tensor:
    """∇_θ loss as one vector (zeros where a parameter does not enter)."""
    grads = torch.autograd.grad(loss, parameters, retain_graph=True, allow_unused=True)
    return torch.cat([(torch.zeros_like(p) if g is None else g).reshape(-1) for p, g in zip(parameters, grads)])
