"""The training loop: Adam, then L-BFGS, with rollback on a non-finite loss.

Progress, history and checkpoints are callbacks: the loop itself does no I/O.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Sequence
from typing import Protocol

import torch

from pinnsolve.errors import TrainingDiverged
from pinnsolve.train.config import TrainConfig
from pinnsolve.train.records import StepRecord

__all__ = ["Callback", "LossFunction", "Trainer", "TrainingDiverged"]

LossFunction = Callable[[torch.nn.Module], dict[str, torch.Tensor]]


class Callback(Protocol):
    def on_start(self, trainer: Trainer) -> None: ...
    def on_step(self, trainer: Trainer, record: StepRecord) -> None: ...
    def on_end(self, trainer: Trainer) -> None: ...


class Trainer:
    """Minimises ``objective(model)`` (a dict of weighted loss terms, summed).

    ``error`` (optional) maps the model to its L2 relative error against the exact
    solution; it is evaluated every ``config.eval_every`` steps and at the end.
    """

    def __init__(
        self,
        model: torch.nn.Module,
        objective: LossFunction,
        config: TrainConfig,
        callbacks: Sequence[Callback] = (),
        error: Callable[[torch.nn.Module], float | None] | None = None,
    ) -> None:
        assert config.steps is not None and config.lbfgs_steps is not None, "resolve the step counts first"
        self.model = model
        self.objective = objective
        # torch.compile fuses the elementwise chain of the Taylor-mode layers; the compiled
        # function takes the model as an argument, so rollback and resume (in-place loads of
        # the parameters) and L-BFGS's repeated closures all use the one compiled graph
        self._loss = torch.compile(lambda m: objective(m)) if config.compile else objective
        self.config = config
        self.callbacks = list(callbacks)
        self.error = error
        self.step = 0
        self.phase = "adam"
        self.lr = config.lr
        self.failures = 0
        self.history: list[StepRecord] = []
        self.elapsed = 0.0
        self.stop_reason = ""
        self.optimizer: torch.optim.Optimizer = self._adam()
        self._good = self._snapshot()

    # -- optimizers --------------------------------------------------------------------
    def _adam(self) -> torch.optim.Adam:
        return torch.optim.Adam(self.model.parameters(), lr=self.lr, foreach=True)

    def _lbfgs(self) -> torch.optim.LBFGS:
        # one iteration per step() so each is logged like an Adam step; max_eval must be given
        # explicitly, else torch derives 1 from max_iter and the line search gets no evaluations
        return torch.optim.LBFGS(
            self.model.parameters(),
            lr=1.0,
            max_iter=1,
            max_eval=25,
            history_size=self.config.lbfgs_history,
            tolerance_grad=0.0,
            tolerance_change=0.0,
            line_search_fn="strong_wolfe",
        )

    def adam_lr(self, step: int) -> float:
        """Exponential decay from lr to lr·lr_decay over the Adam phase (scaled by rollbacks)."""
        frac = min(step / max(self.config.steps, 1), 1.0)
        return self.lr * self.config.lr_decay**frac

    # -- state -------------------------------------------------------------------------
    def _snapshot(self) -> dict:
        return {"model": copy.deepcopy(self.model.state_dict()), "step": self.step}

    def state_dict(self) -> dict:
        """Everything --resume needs (tensors and plain values only: loads with weights_only)."""
        return {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "phase": self.phase,
            "step": self.step,
            "lr": self.lr,
            "failures": self.failures,
            "elapsed": self.elapsed,
            "torch_rng": torch.get_rng_state(),
        }

    def load_state_dict(self, state: dict) -> None:
        self.model.load_state_dict(state["model"])
        self.phase, self.step, self.lr = state["phase"], int(state["step"]), float(state["lr"])
        self.failures, self.elapsed = int(state["failures"]), float(state["elapsed"])
        self.optimizer = self._adam() if self.phase == "adam" else self._lbfgs()
        self.optimizer.load_state_dict(state["optimizer"])
        torch.set_rng_state(state["torch_rng"])
        self._good = self._snapshot()

    def _rollback(self, where: str) -> None:
        """Return to the last good state with a smaller step size, or give up."""
        self.failures += 1
        self.model.load_state_dict(self._good["model"])
        if self.failures > self.config.max_retries:
            raise TrainingDiverged(
                f"the loss became NaN or infinite during {where} and stayed so after {self.config.max_retries} "
                f"rollbacks (each halving the learning rate). The model is kept at its last good state (step "
                f"{self._good['step']}). Try a smaller --lr, --dtype float64, fewer --lbfgs-steps, or check the "
                "problem for singular terms (division by a field, log of a negative value)."
            )
        self.lr *= 0.5
        self.optimizer = self._adam() if self.phase == "adam" else self._lbfgs()

    # -- the loop ----------------------------------------------------------------------
    def _evaluate(self) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        terms = self._loss(self.model)
        return sum(terms.values()), terms

    def _adam_step(self) -> tuple[torch.Tensor, dict[str, torch.Tensor]] | None:
        for group in self.optimizer.param_groups:
            group["lr"] = self.adam_lr(self.step)
        self.optimizer.zero_grad(set_to_none=True)
        loss, terms = self._evaluate()
        if not torch.isfinite(loss):
            return None
        loss.backward()
        self.optimizer.step()
        return loss, terms

    def _lbfgs_step(self) -> tuple[torch.Tensor, dict[str, torch.Tensor]] | None:
        last: dict[str, object] = {}

        def closure() -> torch.Tensor:
            self.optimizer.zero_grad(set_to_none=True)
            loss, terms = self._evaluate()
            if torch.isfinite(loss):
                loss.backward()
            last["loss"], last["terms"] = loss, terms
            return loss

        self.optimizer.step(closure)
        if not torch.isfinite(last["loss"]) or not all(torch.isfinite(p).all() for p in self.model.parameters()):
            return None
        return last["loss"], last["terms"]

    def run(self) -> list[StepRecord]:
        """Train to the end (or until interrupted: KeyboardInterrupt leaves the model as it is)."""
        for cb in self.callbacks:
            cb.on_start(self)
        stalled = 0
        started = time.perf_counter() - self.elapsed
        try:
            while self.step < self.config.total_steps:
                if self.phase == "adam" and self.step >= self.config.steps:
                    self.phase = "lbfgs"
                    self.optimizer = self._lbfgs()
                    if self.config.lbfgs_steps == 0:
                        break
                result = self._adam_step() if self.phase == "adam" else self._lbfgs_step()
                if result is None:
                    self._rollback(self.phase)
                    continue
                loss, terms = result
                self.step += 1
                value = float(loss.detach())
                previous = self.history[-1].loss if self.history else math.inf
                if self.step % self.config.snapshot_every == 0:
                    self._good = self._snapshot()
                l2 = None
                if self.error is not None and (
                    self.step % self.config.eval_every == 0 or self.step == self.config.total_steps
                ):
                    l2 = self.error(self.model)
                self.elapsed = time.perf_counter() - started
                lr = self.optimizer.param_groups[0]["lr"]
                record = StepRecord(
                    self.step, self.phase, self.elapsed, value, {k: float(v.detach()) for k, v in terms.items()}, lr, l2
                )
                self.history.append(record)
                for cb in self.callbacks:
                    cb.on_step(self, record)
                if self.phase == "lbfgs":
                    stalled = stalled + 1 if abs(previous - value) <= 1e-12 * max(abs(value), 1e-30) else 0
                    if stalled >= 10:
                        self.stop_reason = f"L-BFGS stopped at step {self.step}: the loss no longer changes"
                        break
        finally:
            self.elapsed = time.perf_counter() - started
            if self.history and self.history[-1].l2_relative_error is None and self.error is not None:
                self.history[-1].l2_relative_error = self.error(self.model)
            for cb in self.callbacks:
                cb.on_end(self)
        return self.history
