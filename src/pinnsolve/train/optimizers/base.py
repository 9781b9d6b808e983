"""The stage contract: one optimizer's run inside the chain, registered by its name.

A stage is told what to minimise (a `Task`) and advances one step at a time; the trainer
around it logs each step, rolls back on a non-finite loss and saves its state for --resume.

.. code-block:: python

    class Mine(Stage, name="mine", share="first"):
        def step(self, k): ...              # one iteration → StepResult, or None if not finite
        def state_dict(self): ...           # tensors and plain values only (weights_only loads)
        def load_state_dict(self, state): ...
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import torch

if TYPE_CHECKING:
    from pinnsolve.train.config import TrainConfig

#: name → stage class; filled as each optimizer module is imported (see ``optimizers/__init__.py``)
OPTIMIZERS: dict[str, type[Stage]] = {}

Evaluate = Callable[[], tuple[torch.Tensor, dict[str, torch.Tensor]]]


@dataclass
class Task:
    """What a stage minimises.

    ``evaluate`` returns the loss (with its graph to the parameters) and its terms at the
    model's current parameters; ``objective`` is the raw loss function (Gauss–Newton asks it
    for its residuals); ``steps`` is the stage's budget and ``lr`` the base step size
    (``config.lr``, halved by each rollback); ``backward`` fills the parameters' gradients from a
    loss (stages that take gradients another way cannot run distributed, and say so).
    """

    model: torch.nn.Module
    evaluate: Evaluate
    objective: Any
    config: TrainConfig
    steps: int
    lr: float
    #: back-propagates a loss into the parameters' .grad (the trainer's adds distributed gradient sums)
    backward: Callable[[torch.Tensor], None] = torch.Tensor.backward

    @property
    def parameters(self) -> list[torch.Tensor]:
        return [p for p in self.model.parameters() if p.requires_grad]


@dataclass
class StepResult:
    """One step's loss and terms (after the step for line-search methods), the step size it took,
    and ``stop``: non-empty when the stage can make no further progress, saying why."""

    loss: torch.Tensor
    terms: dict[str, torch.Tensor]
    lr: float
    stop: str = ""
    extra: dict[str, float] = field(default_factory=dict)


class Stage(ABC):
    """One optimizer over a `Task`. Subclass with ``class X(Stage, name="x", share=...)`` to register it.

    ``share`` says which default budget a count-less stage in ``--optimizer`` takes: "first"
    (the Adam phase's steps, ``--steps``) or "second" (the L-BFGS phase's, ``--lbfgs-steps``).
    ``stalls``: the stage ends once the loss no longer changes (quasi-Newton and Newton-type
    methods, which otherwise spin at round-off). ``compares``: the stage compares loss values at
    different parameters (a line search, a population): the objective must then be one fixed
    function, so adaptive weights such as the causal ones are held off while it runs.
    """

    name: ClassVar[str]
    share: ClassVar[str] = "first"
    stalls: ClassVar[bool] = False
    compares: ClassVar[bool] = False
    #: one line for ``--help``
    summary: ClassVar[str] = ""

    def __init_subclass__(cls, name: str | None = None, share: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if share is not None:
            assert share in ("first", "second"), share
            cls.share = share
        if name is not None:
            cls.name = name
            OPTIMIZERS[name] = cls

    def __init__(self, task: Task) -> None:
        self.task = task

    @classmethod
    def check(cls, task: Task) -> None:
        """Refuse a task this optimizer cannot treat (raise `SettingsError` with the fix), before training starts."""

    @abstractmethod
    def step(self, k: int) -> StepResult | None:
        """Iteration ``k`` (0-based within the stage); None when the loss or the parameters are not finite."""

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        pass
