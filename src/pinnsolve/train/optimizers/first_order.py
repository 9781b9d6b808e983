"""First-order optimizers from torch.optim, all with the exponentially decaying step size

.. math::  η_k = η_0 \\, d^{\\,k/K}

from ``--lr`` (η₀) down to η₀·``lr_decay`` over the stage's K steps (the schedule the Adam phase
has always used). One gradient of the summed loss per step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import torch

from pinnsolve.train.optimizers.base import Stage, StepResult


class TorchFirstOrder(Stage):
    """A torch.optim optimizer stepped once per iteration; subclasses give ``make``."""

    make: ClassVar[Callable[[list[torch.Tensor], float], torch.optim.Optimizer]]

    def __init__(self, task: Any) -> None:
        super().__init__(task)
        self.optimizer = type(self).make(task.parameters, task.lr)

    def lr(self, k: int) -> float:
        frac = min(k / max(self.task.steps, 1), 1.0)
        return self.task.lr * self.task.config.lr_decay**frac

    def step(self, k: int) -> StepResult | None:
        lr = self.lr(k)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        self.optimizer.zero_grad(set_to_none=True)
        loss, terms = self.task.evaluate()
        if not torch.isfinite(loss):
            return None
        self.task.backward(loss)
        self.optimizer.step()
        return StepResult(loss, terms, lr)

    def state_dict(self) -> dict[str, Any]:
        return {"optimizer": self.optimizer.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.optimizer.load_state_dict(state["optimizer"])


class SGD(TorchFirstOrder, name="sgd"):
    """plain gradient descent  θ ← θ − η∇L"""

    summary = "gradient descent"
    make = staticmethod(lambda params, lr: torch.optim.SGD(params, lr=lr))


class Momentum(TorchFirstOrder, name="momentum"):
    """heavy-ball momentum (Polyak 1964), β = 0.9:  v ← βv + ∇L,  θ ← θ − ηv"""

    summary = "gradient descent with momentum 0.9"
    make = staticmethod(lambda params, lr: torch.optim.SGD(params, lr=lr, momentum=0.9))


class Nesterov(TorchFirstOrder, name="nesterov"):
    """Nesterov's accelerated gradient, β = 0.9: the gradient taken after the momentum step"""

    summary = "Nesterov momentum 0.9"
    make = staticmethod(lambda params, lr: torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True))


class Adagrad(TorchFirstOrder, name="adagrad"):
    """AdaGrad (Duchi, Hazan & Singer 2011): per-parameter steps η/√(Σ g²)"""

    summary = "AdaGrad"
    make = staticmethod(lambda params, lr: torch.optim.Adagrad(params, lr=lr))


class RMSprop(TorchFirstOrder, name="rmsprop"):
    """RMSprop (Tieleman & Hinton 2012): steps η/√(running mean of g²), decay 0.99"""

    summary = "RMSprop"
    make = staticmethod(lambda params, lr: torch.optim.RMSprop(params, lr=lr))


class Adam(TorchFirstOrder, name="adam"):
    """Adam (Kingma & Ba 2015), β = (0.9, 0.999)"""

    summary = "Adam"
    make = staticmethod(lambda params, lr: torch.optim.Adam(params, lr=lr, foreach=True))


class AdamW(TorchFirstOrder, name="adamw"):
    """AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay 0.01"""

    summary = "Adam with decoupled weight decay"
    make = staticmethod(lambda params, lr: torch.optim.AdamW(params, lr=lr, foreach=True))
