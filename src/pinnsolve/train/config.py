"""Training settings: Adam with an exponentially decaying step size, then L-BFGS."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

#: default (Adam steps, L-BFGS iterations) by number of coordinates (1, or 2 and more)
DEFAULT_BUDGET = {1: (1000, 500), 2: (2000, 1000)}


@dataclass
class TrainConfig:
    """``steps`` Adam steps from ``lr`` down to ``lr * lr_decay``, then up to ``lbfgs_steps``
    L-BFGS iterations with a strong-Wolfe line search (stopped early once the loss stalls).

    Step counts left as None are chosen from the problem by `resolved`. ``compile`` evaluates the
    loss through ``torch.compile`` (PINN with the Taylor-mode engine only): about 2× the steps per second on
    a CPU, after half a minute of compilation, so it pays off on long runs.
    """

    steps: int | None = None
    lbfgs_steps: int | None = None
    lr: float = 2e-3
    lr_decay: float = 0.1
    lbfgs_history: int = 50
    max_retries: int = 5
    snapshot_every: int = 25
    eval_every: int = 100
    compile: bool = False

    @property
    def total_steps(self) -> int:
        return self.steps + self.lbfgs_steps

    def resolved(self, n_coords: int, budget: tuple[int, int] | None = None) -> TrainConfig:
        """Concrete step counts: the method's own ``budget`` if it has one, else (1000, 500) for
        problems of one coordinate and (2000, 1000) otherwise.

        ODEs and 1D steady problems reach round-off-limited accuracy well within the smaller budget.
        """
        adam, lbfgs = budget or DEFAULT_BUDGET[min(n_coords, 2)]
        return replace(
            self,
            steps=adam if self.steps is None else self.steps,
            lbfgs_steps=lbfgs if self.lbfgs_steps is None else self.lbfgs_steps,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
