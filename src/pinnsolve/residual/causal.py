"""Causal weighting of the equation residual in time (Wang, Sankaran & Perdikaris, CMAME 421, 2024).

A PINN of an evolution problem minimises the residual at every time at once, and can settle on
a function that satisfies the equation late in the range but not the initial condition's
consequences early on (a fixed point of the Lorenz or Lotka–Volterra system: a near-zero
residual, L2 ≈ 1). Causal training splits the time range into bins and weighs bin b by

.. math:: w_b = \\exp\\Big(-\\varepsilon \\sum_{k<b} L_k\\Big),

with :math:`L_k` the mean squared residual of bin k (held fixed within a step): the residual at
later times counts only once earlier times are fitted, as a time-stepping solver would.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

__all__ = ["CausalWeights"]


@dataclass
class CausalWeights:
    """ε and the time bins of the causal weights; ``active`` switches them off (line-search stages)."""

    eps: float
    time_column: int
    lo: float
    hi: float
    bins: int = 32
    active: bool = True

    def bin_index(self, points: np.ndarray) -> np.ndarray:
        """The time bin of each point (0 … bins − 1)."""
        s = (points[:, self.time_column] - self.lo) / (self.hi - self.lo)
        return np.clip((s * self.bins).astype(int), 0, self.bins - 1)

    def per_bin(self, r2: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        """The mean of ``r2`` over the points of each bin (0 for an empty bin)."""
        total = r2.new_zeros(self.bins).index_add_(0, index, r2)
        count = r2.new_zeros(self.bins).index_add_(0, index, torch.ones_like(r2))
        return total / count.clamp(min=1)

    def weights(self, losses: torch.Tensor) -> torch.Tensor:
        """w_b from the per-bin losses summed over the equations (no gradient flows through them)."""
        earlier = torch.cumsum(losses.detach(), 0) - losses.detach()
        return torch.exp(-self.eps * earlier)
