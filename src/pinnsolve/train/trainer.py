"""The training loop: the optimizer chain stage by stage, with rollback on a non-finite loss.

Progress, history and checkpoints are callbacks: the loop itself does no I/O.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import torch

from pinnsolve.errors import TrainingDiverged
from pinnsolve.train.config import TrainConfig
from pinnsolve.train.optimizers import OPTIMIZERS, Stage, StepResult, Task
from pinnsolve.train.records import StepRecord

__all__ = ["Callback", "LossFunction", "Trainer", "TrainingDiverged"]

LossFunction = Callable[[torch.nn.Module], dict[str, torch.Tensor]]

#: how stop messages name the optimizers whose name is an abbreviation
DISPLAY = {"lbfgs": "L-BFGS", "bfgs": "BFGS", "ssbroyden": "SSBroyden"}


class Callback(Protocol):
    def on_start(self, trainer: Trainer) -> None: ...
    def on_step(self, trainer: Trainer, record: StepRecord) -> None: ...
    def on_end(self, trainer: Trainer) -> None: ...


class Trainer:
    """Minimises ``objective(model)`` (a dict of weighted loss terms, summed) with ``config.stages`` in order.

    ``error`` (optional) maps the model to its L2 relative error against the exact
    solution; it is evaluated every ``config.eval_every`` steps and at the end. ``step`` counts
    the steps of all stages; ``stage`` and ``stage_step`` say where in the chain the run is.
    ``grad_hook`` (optional) is called with the model after every ``backward``, before the optimizer steps
    (distributed training sums the gradients over the processes there; first-order stages and L-BFGS only).
    """

    def __init__(
        self,
        model: torch.nn.Module,
        objective: LossFunction,
        config: TrainConfig,
        callbacks: Sequence[Callback] = (),
        error: Callable[[torch.nn.Module], float | None] | None = None,
        grad_hook: Callable[[torch.nn.Module], None] | None = None,
    ) -> None:
        self.model = model
        self.objective = objective
        # torch.compile fuses the elementwise chain of the Taylor-mode layers; the compiled
        # function takes the model as an argument, so rollback and resume (in-place loads of
        # the parameters) and L-BFGS's repeated closures all use the one compiled graph
        self._loss = torch.compile(lambda m: objective(m)) if config.compile else objective
        self.config = config
        self.stages = config.stages
        self.callbacks = list(callbacks)
        self.error = error
        self.grad_hook = grad_hook
        if grad_hook is not None:
            _check_distributable(self.stages)
        self.step = 0
        self.stage = 0
        self._done: list[int] = []  # the budget of each stage already finished (by budget or by stalling)
        self.stage_step = 0
        self.lr = config.lr
        self.failures = 0
        self.history: list[StepRecord] = []
        self.elapsed = 0.0
        self.stop_reason = ""
        self._halt = ""  # a callback's request to end the whole chain (look-back stopping)
        self._stalled = 0
        self._previous = math.inf
        for index in range(len(self.stages)):  # refuse what a stage cannot do before anything runs
            OPTIMIZERS[self.stages[index].name].check(self._task(index))
        self.optimizer: Stage = self._make_stage()
        self._good = self._snapshot()

    @property
    def phase(self) -> str:
        """The running stage's optimizer name (the ``phase`` column of the history)."""
        return self.stages[min(self.stage, len(self.stages) - 1)].name if self.stages else ""

    # -- stages ------------------------------------------------------------------------
    def _evaluate(self) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        terms = self._loss(self.model)
        return sum(terms.values()), terms

    def _task(self, index: int) -> Task:
        return Task(
            self.model,
            self._evaluate,
            self.objective,
            self.config,
            self.stages[index].steps,
            self.lr,
            backward=self._backward,
        )

    def _backward(self, loss: torch.Tensor) -> None:
        loss.backward()
        if self.grad_hook is not None:
            self.grad_hook(self.model)

    def _make_stage(self) -> Stage:
        index = min(self.stage, len(self.stages) - 1)
        stage = OPTIMIZERS[self.stages[index].name]
        if hasattr(self.objective, "first_order"):  # causal weights: first-order stages only
            self.objective.first_order(not stage.compares)
        return stage(self._task(index))

    def _next_stage(self) -> None:
        self._done.append(self.stages[self.stage].steps)
        self.stage += 1
        self.stage_step = 0
        self._stalled = 0
        if self.stage < len(self.stages):
            self.optimizer = self._make_stage()

    # -- state -------------------------------------------------------------------------
    def _snapshot(self) -> dict:
        model = copy.deepcopy(self.model.state_dict())
        return {"model": model, "step": self.step, "loss_weights": self._weights_state()}

    def _weights_state(self) -> dict:
        """The objective's adaptive loss weights (`Objective.weights_state`), {} for an objective without them."""
        state = getattr(self.objective, "weights_state", None)
        return copy.deepcopy(state()) if callable(state) else {}

    def _adapt(self, result: StepResult) -> None:
        """Let the objective update its adaptive loss weights after a step (it knows when they are due)."""
        adapt = getattr(self.objective, "adapt", None)
        if callable(adapt):
            adapt(self.model, self.step, result.terms)

    def state_dict(self) -> dict:
        """Everything --resume needs (tensors and plain values only: loads with weights_only)."""
        return {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "phase": self.phase,
            "stage": self.stage,
            "stage_step": self.stage_step,
            "step": self.step,
            "lr": self.lr,
            "failures": self.failures,
            "elapsed": self.elapsed,
            "loss_weights": self._weights_state(),
            "stalled": self._stalled,
            "previous_loss": self._previous,
            "stop_reason": self.stop_reason,
            "torch_rng": torch.get_rng_state(),
            "chain": [[st.name, st.steps] for st in self.stages],
            "done": list(self._done),
            **({"objective": self.objective.training_state()} if hasattr(self.objective, "training_state") else {}),
        }

    def load_state_dict(self, state: dict) -> None:
        self.model.load_state_dict(state["model"])
        self.step, self.lr = int(state["step"]), float(state["lr"])
        self.failures, self.elapsed = int(state["failures"]), float(state["elapsed"])
        if state.get("loss_weights") and hasattr(self.objective, "load_weights_state"):
            self.objective.load_weights_state(state["loss_weights"])
        if "stage" in state:
            self.stage, self.stage_step = int(state["stage"]), int(state["stage_step"])
            self._stalled, self._previous = int(state["stalled"]), float(state["previous_loss"])
            self.stop_reason = str(state["stop_reason"])
        else:  # a checkpoint from before the chain: Adam, then L-BFGS, the torch optimizer's state bare
            first = self.stages[0].steps
            self.stage, self.stage_step = (0, self.step) if state["phase"] == "adam" else (1, self.step - first)
            state = {**state, "optimizer": {"optimizer": state["optimizer"]}}
        torch.set_rng_state(state["torch_rng"])
        if "objective" in state and hasattr(self.objective, "load_training_state"):  # e.g. adaptively added points
            self.objective.load_training_state(state["objective"])
        self._done = [int(d) for d in state.get("done", [])]
        saved = [(str(n), int(k)) for n, k in state.get("chain", [])]
        self.optimizer = self._make_stage()
        if saved and saved != [(st.name, st.steps) for st in self.stages] and self._extend(saved):
            self._good = self._snapshot()
            return
        self.optimizer.load_state_dict(state["optimizer"])
        self._good = self._snapshot()

    def _extend(self, saved: list[tuple[str, int]]) -> bool:
        """Resume with a longer chain (``--resume DIR --steps N``): continue from the first stage whose
        budget grew, later stages afresh. Returns False when the chain was only changed past where the
        run is (then the saved optimizer state carries on)."""
        names = [st.name for st in self.stages]
        if names[: len(saved)] != [n for n, _ in saved][: len(names)]:
            return False
        done = self._done + [self.stage_step] if self.stage < len(saved) else list(self._done)
        for index, stage in enumerate(self.stages):
            steps_done = done[index] if index < len(done) else 0
            if steps_done < stage.steps:
                if index == self.stage:
                    return False
                self.stage, self.stage_step, self._done = index, steps_done, self._done[:index]
                self._stalled, self.stop_reason = 0, ""
                self.optimizer = self._make_stage()
                return True
        return False

    def _rollback(self, where: str) -> None:
        """Return to the last good state with a smaller step size, or give up."""
        self.failures += 1
        self.model.load_state_dict(self._good["model"])
        if self._good["loss_weights"]:
            self.objective.load_weights_state(self._good["loss_weights"])
        if self.failures > self.config.max_retries:
            raise TrainingDiverged(
                f"the loss became NaN or infinite during {where} and stayed so after {self.config.max_retries} "
                f"rollbacks (each halving the learning rate). The model is kept at its last good state (step "
                f"{self._good['step']}). Try a smaller --lr, --dtype float64, fewer --lbfgs-steps, or check the "
                "problem for singular terms (division by a field, log of a negative value)."
            )
        self.lr *= 0.5
        self.optimizer = self._make_stage()

    def request_stop(self, reason: str) -> None:
        """End training after the current step, every remaining stage skipped (called by callbacks)."""
        self._halt = reason

    # -- the loop ----------------------------------------------------------------------
    def _record(self, result: StepResult) -> StepRecord:
        value = float(result.loss.detach())
        if self.step % self.config.snapshot_every == 0:
            self._good = self._snapshot()
        l2 = None
        if self.error is not None and (self.step % self.config.eval_every == 0 or self.step == self.config.total_steps):
            l2 = self.error(self.model)
        return StepRecord(
            self.step,
            self.phase,
            self.elapsed,
            value,
            {k: float(v.detach()) for k, v in result.terms.items()},
            result.lr,
            l2,
            dict(result.extra),
            {name: float(p.detach()) for name, p in (getattr(self.model, "unknowns", None) or {}).items()},
            getattr(self.objective, "weight_values", dict)(),
        )

    def _stop_message(self, result: StepRecord, stop: str) -> str:
        """Why the running stage ends early ('' to go on): the optimizer's own reason, or a stalled loss."""
        if stop:
            return stop
        if not self.optimizer.stalls:
            return ""
        value = result.loss
        unchanged = abs(self._previous - value) <= 1e-12 * max(abs(value), 1e-30)
        self._stalled = self._stalled + 1 if unchanged else 0
        if self._stalled >= 10:
            name = DISPLAY.get(self.phase, self.phase)
            return f"{name} stopped at step {self.step}: the loss no longer changes"
        return ""

    def run(self) -> list[StepRecord]:
        """Train to the end (or until interrupted: KeyboardInterrupt leaves the model as it is)."""
        for cb in self.callbacks:
            cb.on_start(self)
        started = time.perf_counter() - self.elapsed
        try:
            while self.stage < len(self.stages):
                if self.stage_step >= self.stages[self.stage].steps:
                    self._next_stage()
                    continue
                result = self.optimizer.step(self.stage_step)
                if result is None:
                    self._rollback(self.phase)
                    continue
                self.step += 1
                self.stage_step += 1
                self.elapsed = time.perf_counter() - started
                record = self._record(result)
                self.history.append(record)
                self._adapt(result)
                for cb in self.callbacks:
                    cb.on_step(self, record)
                if self._halt:
                    self.stop_reason = f"{self.stop_reason}; {self._halt}" if self.stop_reason else self._halt
                    self._halt = ""
                    self._done.append(self.stage_step)
                    self.stage = len(self.stages)
                    break
                stop = self._stop_message(record, result.stop)
                self._previous = record.loss
                if stop:
                    self.stop_reason = f"{self.stop_reason}; {stop}" if self.stop_reason else stop
                    self._next_stage()
        finally:
            self.elapsed = time.perf_counter() - started
            if self.history and self.history[-1].l2_relative_error is None and self.error is not None:
                self.history[-1].l2_relative_error = self.error(self.model)
            for cb in self.callbacks:
                cb.on_end(self)
        return self.history


#: stages whose gradients come from ``Task.backward``, where distributed training sums them
_BACKWARD_STAGES = frozenset({"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "lbfgs"})


def _check_distributable(stages: Sequence[Any]) -> None:
    """Refuse a chain with a stage whose gradients bypass the distributed sum (second-order, CMA-ES)."""
    from pinnsolve.errors import SettingsError

    other = [s.name for s in stages if s.name not in _BACKWARD_STAGES]
    if other:
        raise SettingsError(
            f"--optimizer stage(s) {', '.join(other)} cannot run distributed (--nproc / torchrun): they "
            "take their gradients outside the summed backward pass. Use first-order stages and lbfgs, "
            "or run in one process."
        )
