"""The settings of a validation run: one flat mapping, split per method.

A validation is configured by one mapping (from the CLI or a suite case)::

    {"steps": 2000, "lbfgs_steps": 500, "points": 2048, "fd_grid": {"x": 201},
     "trial": {"steps": 3000}}

Keys are the neural methods' settings (:class:`~pinnsolve.methods.MethodSettings`), the
trainer's (:class:`~pinnsolve.train.TrainConfig`), the run's (seed, dtype, threads, grid) and
the finite-difference reference's (``fd_grid``, ``scheme``, ``levels``, ``convergence``). A key
named after a method holds overrides for that method only. ``--quick`` puts small budgets
underneath everything the user gave.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any

from pinnsolve.dsl.errors import PinnsolveError
from pinnsolve.methods import MethodSettings
from pinnsolve.train import TrainConfig

__all__ = ["FD", "KNOWN_KEYS", "QUICK", "check_settings", "fd_settings", "known_methods",
           "merged", "run_options"]

#: the name under which the finite-difference reference runs as a method
FD = "fd"

_METHOD_KEYS = {f.name for f in fields(MethodSettings)}
_TRAIN_KEYS = {f.name for f in fields(TrainConfig)}
_RUN_KEYS = {"seed", "dtype", "threads", "grid", "device"}
_FD_KEYS = {"fd_grid", "scheme", "levels", "convergence"}
KNOWN_KEYS = frozenset(_METHOD_KEYS | _TRAIN_KEYS | _RUN_KEYS | _FD_KEYS)

#: budgets of ``--quick`` (CI): each neural method trains for seconds, the convergence
#: study uses three levels; anything the user sets explicitly wins
QUICK: dict[str, Any] = {"steps": 300, "lbfgs_steps": 100, "levels": 3}


def known_methods() -> list[str]:
    """Every method validation can run: the registered neural methods and ``fd``."""
    from pinnsolve.methods import METHODS

    return sorted(set(METHODS) | {FD})


def check_settings(settings: Mapping[str, Any], where: str = "settings") -> None:
    """Refuse unknown keys and per-method tables for unknown methods, saying what is known."""
    methods = known_methods()
    for key, value in settings.items():
        if key in methods:
            if not isinstance(value, Mapping):
                raise PinnsolveError(f"{where}: '{key}' names a method, so its value must be a table of "
                                     f"settings for that method (e.g. {key} = {{ steps = 1000 }}), not {value!r}.")
            check_settings(value, f"{where}.{key}")
            continue
        if key not in KNOWN_KEYS:
            raise PinnsolveError(f"{where}: unknown setting '{key}'. Known settings: {', '.join(sorted(KNOWN_KEYS))}; "
                                 f"or a table per method ({', '.join(methods)}).")
        if key in ("grid", "fd_grid") and not (isinstance(value, Mapping)
                                               and all(isinstance(v, int) for v in value.values())):
            raise PinnsolveError(f"{where}: {key} must map coordinates to point counts, e.g. "
                                 f"{key} = {{ x = 201, t = 101 }}, not {value!r}.")


def merged(settings: Mapping[str, Any] | None, method: str, quick: bool = False) -> dict[str, Any]:
    """The flat settings that apply to ``method``: quick budgets < common keys < the method's table."""
    settings = dict(settings or {})
    methods = set(known_methods())
    common = {k: v for k, v in settings.items() if k not in methods}
    own = dict(settings.get(method) or {})
    return {**(QUICK if quick else {}), **common, **own}


def run_options(flat: Mapping[str, Any], method: str) -> Any:
    """The RunOptions of a neural method from its merged flat settings."""
    from pinnsolve.run import RunOptions

    method_kw = {k: v for k, v in flat.items() if k in _METHOD_KEYS}
    train_kw = {k: v for k, v in flat.items() if k in _TRAIN_KEYS}
    for name in ("steps", "lbfgs_steps"):
        if name in train_kw and (not isinstance(train_kw[name], int) or train_kw[name] < 0):
            raise PinnsolveError(f"{name} = {train_kw[name]!r}: give a whole number ≥ 0.")
    run_kw = {k: v for k, v in flat.items() if k in _RUN_KEYS}
    return RunOptions(method=method, settings=replace(MethodSettings(), **method_kw),
                      train=replace(TrainConfig(), **train_kw), **run_kw)


def fd_settings(flat: Mapping[str, Any]) -> dict[str, Any]:
    """The finite-difference reference's settings: grid (None: its default), scheme, convergence levels."""
    return {"grid": flat.get("fd_grid"), "scheme": flat.get("scheme", "auto"),
            "levels": int(flat.get("levels", 4)), "convergence": bool(flat.get("convergence", True))}
