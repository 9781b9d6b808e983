"""Residual-based adaptive collocation: RAR-D (Wu, Zhu, Tan, Kartha & Lu, CMAME 403, 115671, 2023).

A PINN with a fixed, uniform set of collocation points spends them evenly, while its error sits
where the solution is steep (the shock of Burgers' equation): a few points there and the
equation is never enforced where it matters. RAR-D periodically draws a large pool S of
uniform candidate points, evaluates the equation residual r on it, and adds m of them, drawn
without replacement with probability

.. math:: p(x) \\propto \\frac{|r(x)|^k}{\\mathbb{E}_S\\,|r|^k} + c ,

to the interior points. k = 1, c = 1 (the paper's robust default): half of the probability
mass follows the residual, half stays uniform, so no region is ever emptied of new points.
The points are only added while a first-order optimizer (Adam) runs; line-search stages
(L-BFGS, Gauss–Newton) need one fixed loss function and train on the final set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["DEFAULT_C", "DEFAULT_K", "AdaptiveRefinement", "draw_points", "rar_density"]

#: the exponent k and the uniform share c of the sampling density (Wu et al.'s default for RAD / RAR-D)
DEFAULT_K = 1.0
DEFAULT_C = 1.0


def rar_density(residual: np.ndarray, k: float = DEFAULT_K, c: float = DEFAULT_C) -> np.ndarray:
    """p_i = (|r_i|^k / mean|r|^k + c) / Σ_j (…): the probability of drawing pool point i.

    A non-finite residual counts as the largest finite one; a residual that vanishes everywhere
    gives the uniform density.
    """
    e = np.abs(np.asarray(residual, dtype=float))
    finite = np.isfinite(e)
    e = np.where(finite, e, e[finite].max() if finite.any() else 1.0) ** k
    mean = e.mean() if e.size else 0.0
    p = (e / mean if mean > 0 else np.zeros_like(e)) + c
    if p.sum() <= 0:
        p = np.ones_like(e)
    return p / p.sum()


def draw_points(
    pool: np.ndarray,
    residual: np.ndarray,
    m: int,
    rng: np.random.Generator,
    k: float = DEFAULT_K,
    c: float = DEFAULT_C,
) -> np.ndarray:
    """``m`` distinct points of ``pool`` (n, d) drawn with the RAR-D density of their residuals (at most as
    many as the pool has points of non-zero probability)."""
    p = rar_density(residual, k, c)
    m = min(int(m), int(np.count_nonzero(p)))
    index = rng.choice(len(pool), size=m, replace=False, p=p)
    return np.asarray(pool)[np.sort(index)]


@dataclass
class AdaptiveRefinement:
    """A trainer callback: every ``every`` steps of a first-order stage, ``points`` interior points drawn
    by RAR-D from ``pool`` uniform candidates are added to ``objective`` (its ``add_points``).

    ``candidates(n, rng)`` draws n uniform points of the domain × time range. Each round draws
    from a generator seeded by (``seed``, step), so a run resumed from a checkpoint adds the same
    points as the uninterrupted one (the points already added travel in the checkpoint).
    """

    objective: Any
    candidates: Callable[[int, np.random.Generator], np.ndarray]
    every: int
    points: int
    pool: int
    seed: int
    k: float = DEFAULT_K
    c: float = DEFAULT_C

    def refine(self, model: Any, step: int) -> np.ndarray:
        """One round: draw the pool, measure |r| on it, add the chosen points; returns them."""
        rng = np.random.default_rng([int(self.seed), int(step)])
        pool = self.candidates(self.pool, rng)
        residual = self.objective.equation_residual(model, pool)
        new = draw_points(pool, residual, self.points, rng, self.k, self.c)
        self.objective.add_points(new)
        return new

    def on_start(self, trainer: Any) -> None:
        pass

    def on_step(self, trainer: Any, record: Any) -> None:
        if trainer.step % self.every or getattr(trainer.optimizer, "compares", True):
            return
        self.refine(trainer.model, trainer.step)

    def on_end(self, trainer: Any) -> None:
        pass
