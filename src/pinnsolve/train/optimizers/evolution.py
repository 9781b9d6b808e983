"""CMA-ES (Hansen & Ostermeier 2001): a derivative-free baseline for tiny networks.

Each step is one generation: λ parameter vectors are drawn from N(m, σ²C), the loss is evaluated
at each, and the mean m, the step size σ and the covariance C move towards the better half
(the ``cmaes`` package's implementation). The model holds the best vector seen so far. Full
covariance: P × P, with an eigendecomposition every few generations, so tiny networks only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from pinnsolve.train.optimizers.base import Stage, StepResult
from pinnsolve.train.optimizers.flat import assign, flatten, refuse_large, size

#: the most parameters CMA-ES is run on: beyond, its P² covariance learns too slowly to be useful
CMAES_LIMIT = 1000


def _cma(mean: np.ndarray, sigma: float, seed: int) -> Any:
    try:
        from cmaes import CMA
    except ImportError:  # pragma: no cover - a dependency, but say what to install if it is missing
        from pinnsolve.errors import SettingsError

        raise SettingsError("--optimizer cmaes needs the cmaes package: pip install cmaes") from None
    return CMA(mean=mean, sigma=sigma, seed=seed)


class CMAES(Stage, name="cmaes", share="first"):
    """CMA-ES over the flat parameter vector, started at the current parameters with σ = ``cmaes_sigma``."""

    summary = "CMA-ES evolution strategy, derivative-free (tiny networks; a baseline)"
    compares = True

    def __init__(self, task: Any) -> None:
        super().__init__(task)
        self.params = task.parameters
        seed = int(torch.randint(0, 2**31 - 1, (1,)))  # from the run's seeded generator
        self.cma = _cma(flatten(self.params).cpu().numpy().astype(np.float64), task.config.cmaes_sigma, seed)
        self.best = float("inf")

    @classmethod
    def check(cls, task: Any) -> None:
        refuse_large(cls.name, size(task.parameters), CMAES_LIMIT)

    def _loss(self, x: np.ndarray) -> tuple[float, dict[str, torch.Tensor]]:
        ref = self.params[0]
        assign(self.params, torch.as_tensor(x, dtype=ref.dtype, device=ref.device))
        loss, terms = self.task.evaluate()
        value = float(loss.detach())
        return (value if np.isfinite(value) else float("inf")), {k: v.detach() for k, v in terms.items()}

    def step(self, k: int) -> StepResult | None:
        best_x = flatten(self.params)
        best_terms: dict[str, torch.Tensor] | None = None
        told = []
        for _ in range(self.cma.population_size):
            x = self.cma.ask()
            value, terms = self._loss(x)
            told.append((x, value))
            if value < self.best:
                self.best, best_x, best_terms = value, torch.as_tensor(x, dtype=best_x.dtype), terms
        self.cma.tell(told)
        assign(self.params, best_x)
        if best_terms is None:  # no candidate beat the best point of earlier generations
            loss, terms = self.task.evaluate()
        else:
            loss, terms = torch.tensor(self.best, dtype=torch.float64), best_terms
        if not torch.isfinite(torch.as_tensor(float(loss))):
            return None
        return StepResult(loss.detach(), terms, float(self.cma._sigma))

    # the CMA object as tensors and plain values (checkpoints load with weights_only=True)
    def state_dict(self) -> dict[str, Any]:
        state: dict[str, Any] = {"best": self.best}
        for key, value in vars(self.cma).items():
            if key == "_rng":
                kind, keys, pos, has_gauss, cached = value.get_state()
                state["_rng"] = [kind, torch.from_numpy(keys.astype(np.int64)), pos, has_gauss, cached]
            elif isinstance(value, np.ndarray):
                state[key] = torch.from_numpy(value.copy())
            elif value is None or isinstance(value, (bool, int, float, np.floating, np.integer)):
                state[key] = value.item() if isinstance(value, (np.floating, np.integer)) else value
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best = float(state["best"])
        for key, value in state.items():
            if key == "_rng":
                kind, keys, pos, has_gauss, cached = value
                self.cma._rng.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
            elif key != "best":
                setattr(self.cma, key, value.numpy() if isinstance(value, torch.Tensor) else value)
