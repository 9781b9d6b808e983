"""Training settings: the optimizer chain (by default Adam with a decaying step size, then L-BFGS)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from pinnsolve.train.chain import StageSpec, chain_text, parse_chain, resolve_chain

#: default (Adam steps, L-BFGS iterations) by number of coordinates (1, or 2 and more)
DEFAULT_BUDGET = {1: (1000, 500), 2: (2000, 1000)}


@dataclass
class TrainConfig:
    """The optimizer chain ``optimizer`` (``"adam:2000,lbfgs:1000"``; None: Adam for ``steps`` steps
    from ``lr`` down to ``lr * lr_decay``, then up to ``lbfgs_steps`` L-BFGS iterations with a
    strong-Wolfe line search). A stage without a count takes ``steps`` (first-order and
    derivative-free optimizers) or ``lbfgs_steps`` (second-order ones); see `pinnsolve.train.chain`.
    Line-search methods stop early once the loss stalls.

    Step counts left as None are chosen from the problem by `resolved`. ``compile`` evaluates the
    loss through ``torch.compile`` (PINN with the Taylor-mode engine only): about 2× the steps per second on
    a CPU, after half a minute of compilation, so it pays off on long runs. ``gn_damping`` is
    Gauss–Newton's initial Levenberg–Marquardt damping (relative to the mean eigenvalue of JᵀJ),
    ``cmaes_sigma`` CMA-ES's initial step size.
    """

    steps: int | None = None
    lbfgs_steps: int | None = None
    optimizer: str | None = None
    lr: float = 2e-3
    lr_decay: float = 0.1
    lbfgs_history: int = 50
    max_retries: int = 5
    snapshot_every: int = 25
    eval_every: int = 100
    compile: bool = False
    gn_damping: float = 1e-3
    cmaes_sigma: float = 0.1

    def __post_init__(self) -> None:
        if self.optimizer is not None:
            parse_chain(self.optimizer)  # refuse a bad --optimizer where it is given

    @property
    def stages(self) -> list[StageSpec]:
        """The chain with every count filled in (needs `resolved` first when a count comes from the budget)."""
        stages = resolve_chain(self.optimizer, self.steps, self.lbfgs_steps)
        assert all(s.steps is not None for s in stages), "resolve the step counts first"
        return stages

    @property
    def total_steps(self) -> int:
        return sum(s.steps for s in self.stages)

    def resolved(self, n_coords: int, budget: tuple[int, int] | None = None) -> TrainConfig:
        """Concrete step counts: the method's own ``budget`` if it has one, else (1000, 500) for
        problems of one coordinate and (2000, 1000) otherwise; ``optimizer`` written out in full
        (config.json records the chain that ran).

        ODEs and 1D steady problems reach round-off-limited accuracy well within the smaller budget.
        """
        adam, lbfgs = budget or DEFAULT_BUDGET[min(n_coords, 2)]
        out = replace(
            self,
            steps=adam if self.steps is None else self.steps,
            lbfgs_steps=lbfgs if self.lbfgs_steps is None else self.lbfgs_steps,
        )
        return replace(out, optimizer=chain_text(out.stages))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
