"""L-BFGS (Liu & Nocedal 1989) from torch.optim, with a strong-Wolfe line search."""

from __future__ import annotations

from typing import Any

import torch

from pinnsolve.train.optimizers.base import Stage, StepResult


class LBFGS(Stage, name="lbfgs", share="second"):
    """Limited-memory BFGS over the last ``lbfgs_history`` (s, y) pairs, one iteration per step."""

    summary = "limited-memory BFGS, strong Wolfe line search"
    stalls = True
    compares = True

    def __init__(self, task: Any) -> None:
        super().__init__(task)
        # one iteration per step() so each is logged like an Adam step; max_eval must be given
        # explicitly, else torch derives 1 from max_iter and the line search gets no evaluations
        self.optimizer = torch.optim.LBFGS(
            task.parameters,
            lr=1.0,
            max_iter=1,
            max_eval=25,
            history_size=task.config.lbfgs_history,
            tolerance_grad=0.0,
            tolerance_change=0.0,
            line_search_fn="strong_wolfe",
        )

    def step(self, k: int) -> StepResult | None:
        last: dict[str, Any] = {}

        def closure() -> torch.Tensor:
            self.optimizer.zero_grad(set_to_none=True)
            loss, terms = self.task.evaluate()
            if torch.isfinite(loss):
                self.task.backward(loss)
            last["loss"], last["terms"] = loss, terms
            return loss

        self.optimizer.step(closure)
        if not torch.isfinite(last["loss"]) or not all(torch.isfinite(p).all() for p in self.task.parameters):
            return None
        return StepResult(last["loss"], last["terms"], self.optimizer.param_groups[0]["lr"])

    def state_dict(self) -> dict[str, Any]:
        return {"optimizer": self.optimizer.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.optimizer.load_state_dict(state["optimizer"])
