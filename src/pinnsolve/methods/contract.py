"""The method contract: a method is a named plugin with its own settings, a check, and a run.

Every way of solving a problem — a PINN, a trial function, finite differences, variational
Monte Carlo, a generative model — is one subclass of `Method`, registered by its ``name``
when the class is defined (as py-pde's solvers register themselves, and in the spirit of
diffrax's ``AbstractSolver``):

.. code-block:: python

    @dataclass
    class MySettings:
        width: int = setting(32, "hidden units per layer")

    class MyMethod(Method, name="mine"):
        settings_type = MySettings
        result_type = Solution

        def check(self, problem): ...            # raise MethodNotApplicable(reason + fix)
        def run(self, problem, settings, context) -> Outcome: ...

Adding a method is one module plus one import line in ``methods/__init__.py`` (the import
registers it). CLI flags, ``--help`` groups and suite-file keys come from the settings
dataclass's fields (`settings_fields`); each field carries its help text in ``metadata``.
Methods that minimise a loss with the trainer derive from ``methods.neural.NeuralMethod``,
which splits ``run`` into ``build`` (model + objective) and ``result``.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pinnsolve.errors import MethodNotApplicable, SettingsError

if TYPE_CHECKING:
    import numpy as np
    import torch

    from pinnsolve.dsl.problem import Problem
    from pinnsolve.io.rundir import RunDirectory
    from pinnsolve.results.base import Result

__all__ = [
    "METHODS",
    "Context",
    "check_kind",
    "Method",
    "MethodNotApplicable",
    "NoSettings",
    "Outcome",
    "get_method",
    "setting",
    "settings_fields",
    "settings_from",
]

METHODS: dict[str, type[Method]] = {}


def setting(
    default: Any,
    help: str,
    *,
    choices: list[str] | None = None,
    flag: str | None = None,
    factory: Callable[[], Any] | None = None,
) -> Any:
    """A settings field with its help text (and choices): the CLI flag and the suite key come from it."""
    metadata = {"help": help, "choices": choices, "flag": flag}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass
class NoSettings:
    """A method with nothing to set."""


@dataclass
class Context:
    """What a run gives a method besides the problem and its settings.

    ``run`` is the run directory (None for in-memory use from the Python API); ``progress``
    makes a progress reporter for ``total`` steps with a title; ``resume`` is the saved
    checkpoint state when continuing a run; ``grid`` the user's evaluation grid.
    """

    dtype: torch.dtype
    device: torch.device
    rng: np.random.Generator
    seed: int = 0
    grid: dict[str, int] | None = None
    run: RunDirectory | None = None
    train: Any = None
    plain: bool | None = None
    stream: Any = None
    resume: dict[str, Any] | None = None
    threads: int = 1
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    """What a method's run returns: its result, and what the run directory records beside it.

    ``history``: one mapping per logged step (written to history.csv); ``model``: the trained
    torch module (model.pt), if any; ``metrics``: method-specific numbers added to the result's
    own; ``choices``: defaults the method picked and why (config.json); ``stop_reason``: why it
    stopped; ``error``: raised by the runner once every file is written (a run that diverged
    keeps the results of its last good state).
    """

    result: Result
    history: list[Mapping[str, Any]] = field(default_factory=list)
    model: Any = None
    metrics: dict[str, Any] = field(default_factory=dict)
    choices: dict[str, Any] = field(default_factory=dict)
    stop_reason: str = "completed"
    error: Exception | None = None


class Method(ABC):
    """A way of solving a problem. Subclass with ``class X(Method, name="x")`` to register it."""

    name: ClassVar[str]
    settings_type: ClassVar[type] = NoSettings
    result_type: ClassVar[type]
    #: one line for ``--help`` and the method list
    summary: ClassVar[str] = ""
    #: the problem kinds it solves (`pinnsolve.dsl.kinds.problem_kind`): "pde" for a `Problem`
    problem_kinds: ClassVar[tuple[str, ...]] = ("pde",)
    #: the method keeps its own checkpoints in ``context.run`` and finds them there on ``--resume``
    #: (``context.resume`` is then ``{}``): the runner looks for no trainer checkpoint.pt
    own_checkpoints: ClassVar[bool] = False

    def __init_subclass__(cls, name: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if name is not None:
            cls.name = name
            METHODS[name] = cls

    def check(self, problem: Problem, settings: Any) -> None:  # noqa: B027 - optional hook
        """Raise `MethodNotApplicable` (what is wrong, what to use instead) if this cannot solve ``problem``."""

    @abstractmethod
    def run(self, problem: Problem, settings: Any, context: Context) -> Outcome:
        """Solve ``problem``; the caller writes the run directory from the returned `Outcome`."""


def check_kind(method: Method, problem: Any) -> None:
    """Refuse a problem of a kind the method does not solve (a Schrödinger problem given to a PINN)."""
    from pinnsolve.dsl.kinds import problem_kind

    kind = problem_kind(problem)
    if kind not in method.problem_kinds:
        others = sorted(n for n, m in METHODS.items() if kind in m.problem_kinds)
        raise MethodNotApplicable(
            f"--method {method.name} solves {' and '.join(method.problem_kinds)} problems; "
            f"'{getattr(problem, 'name', problem)}' is a {kind} problem. Use "
            f"{' or '.join('--method ' + o for o in others) or 'another method'}."
        )


def get_method(name: str) -> Method:
    """The method registered under ``name``; an unknown name lists the known ones."""
    if name not in METHODS:
        raise SettingsError(f"--method {name}: unknown method; known: {', '.join(sorted(METHODS))}.")
    return METHODS[name]()


def settings_fields(settings_type: type) -> list[dataclasses.Field]:
    """The fields of a settings dataclass, in order (each with ``metadata['help']``)."""
    return list(dataclasses.fields(settings_type))


def settings_from(settings_type: type, values: Mapping[str, Any], method: str, source: str = "flag") -> Any:
    """Build a method's settings from user values, refusing names the method does not have."""
    known = {f.name for f in settings_fields(settings_type)}
    unknown = sorted(set(values) - known)
    if unknown:
        names = ", ".join(("--" + n.replace("_", "-")) if source == "flag" else n for n in unknown)
        raise SettingsError(
            f"{names}: not a setting of --method {method}; its settings are {', '.join(sorted(known)) or 'none'}."
        )
    return settings_type(**values)


def settings_dict(settings: Any) -> dict[str, Any]:
    """A settings dataclass as a JSON-ready dict (config.json)."""
    return dataclasses.asdict(settings) if dataclasses.is_dataclass(settings) else {}
