"""What every solver hands back: a result that saves, loads, measures and draws itself.

A `Result` does not know which method produced it. Each result type registers itself by its
``kind`` (``"solution"``, ``"samples"``, ``"labels"``, ``"spectrum"``); the run directory records
that kind in ``config.json`` so `load_result` reads any run back without asking what made it.
Plot kinds are registered by the viz layer (`register_plot`), so the numerics never import
matplotlib and ``pinnsolve plot RUN_DIR`` redraws every figure of every result type.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pinnsolve.errors import RunDirectoryError
from pinnsolve.io.rundir import RunDirectory

__all__ = ["PlotFunction", "Result", "load_result", "plot_kinds", "plots_for", "register_plot", "result_type"]

R = TypeVar("R", bound="Result")
#: draws one figure kind of a result into a folder; returns the files written (may be empty)
PlotFunction = Callable[[Any, Path], list[Path]]

_TYPES: dict[str, type[Result]] = {}
_PLOTS: dict[str, dict[str, PlotFunction]] = {}


class Result(ABC):
    """A solver's answer. Subclasses set ``kind`` and implement save/load/metrics."""

    kind: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        kind = cls.__dict__.get("kind")
        if kind is not None:
            _TYPES[kind] = cls

    @abstractmethod
    def save(self, run_dir: Path) -> list[Path]:
        """Write this result's data files into ``run_dir`` (atomically); return their paths."""

    @classmethod
    @abstractmethod
    def load(cls: type[R], run_dir: Path) -> R:
        """Read a result back from the files `save` wrote; `RunDirectoryError` if missing or corrupt."""

    @abstractmethod
    def metrics(self) -> dict[str, Any]:
        """The numbers that judge this result (JSON-ready), e.g. ``l2_relative_error``."""

    # -- figures ---------------------------------------------------------------------------
    def plot_kinds(self) -> list[str]:
        """The figure kinds the viz layer can draw for this result."""
        return list(plot_kinds(type(self)))

    def plot(self, kind: str, out_dir: str | Path) -> list[Path]:
        """Draw one figure kind into ``out_dir``; an unknown kind lists the known ones."""
        known = plot_kinds(type(self))
        if kind not in known:
            raise RunDirectoryError(
                f"there is no plot kind '{kind}' for a {self.kind} result; known: {', '.join(sorted(known)) or 'none'}."
            )
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        return known[kind](self, out)

    def plot_all(self, out_dir: str | Path, kinds: list[str] | None = None) -> list[Path]:
        """Every applicable figure (or those in ``kinds``) into ``out_dir``."""
        written: list[Path] = []
        for kind in kinds or self.plot_kinds():
            written += self.plot(kind, out_dir)
        return written


def register_plot(result: type[Result] | str, kind: str) -> Callable[[PlotFunction], PlotFunction]:
    """Decorator for the viz layer: ``@register_plot(Samples, "band")`` adds a figure kind."""
    key = result if isinstance(result, str) else result.kind

    def add(function: PlotFunction) -> PlotFunction:
        _PLOTS.setdefault(key, {})[kind] = function
        return function

    return add


def plot_kinds(result: type[Result]) -> dict[str, PlotFunction]:
    """Figure kinds registered for a result type (loading the viz layer on first use)."""
    # the viz layer sits above the results and registers its kinds when imported; loading it by
    # name keeps the layers one-way (results never import matplotlib at module level)
    importlib.import_module("pinnsolve.viz")
    return dict(_PLOTS.get(result.kind, {}))


def plots_for(key: str) -> dict[str, PlotFunction]:
    """Figure kinds registered under a key that is not a result type (``"history"``: the loss curve of a
    run, drawn from ``{"history": columns, "title": str}``), loading the viz layer on first use."""
    importlib.import_module("pinnsolve.viz")
    return dict(_PLOTS.get(key, {}))


def result_type(kind: str) -> type[Result]:
    """The result class registered under ``kind``; an unknown kind lists the known ones."""
    for module in (
        "pinnsolve.solution",
        "pinnsolve.results.samples",
        "pinnsolve.results.labels",
        "pinnsolve.results.spectrum",
    ):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError:  # a result type not built yet
            pass
    if kind not in _TYPES:
        raise RunDirectoryError(f"unknown result kind '{kind}'; known: {', '.join(sorted(_TYPES))}.")
    return _TYPES[kind]


def load_result(run_dir: str | Path) -> Result:
    """Read the result of any run directory back (its kind is recorded in config.json)."""
    run = RunDirectory.open(run_dir)
    return result_type(run.result_kind).load(run.path)
