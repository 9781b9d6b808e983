"""The settings of a validation run: one flat mapping, split per method.

A validation is configured by one mapping (from the CLI or a suite case)::

    {"steps": 2000, "lbfgs_steps": 500, "points": 2048, "fd_grid": {"x": 201},
     "trial": {"steps": 3000}}

Keys are the methods' settings (the fields of each method's settings dataclass, the same
names as the CLI flags: ``boundary_points`` for ``--boundary-points``), the run's (seed, dtype, ensemble,
threads, grid) and the finite-difference reference's (``fd_grid``, ``levels``, ``convergence``;
``scheme`` and ``dt`` are fd's settings). A common key applies to every method that takes it;
a key named after a method holds overrides for that method only, and must be one of its
settings. ``--quick`` puts small budgets underneath everything the user gave.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pinnsolve.errors import SettingsError

__all__ = [
    "FD",
    "QUICK",
    "RUN_KEYS",
    "VALIDATION_KEYS",
    "check_settings",
    "fd_settings",
    "known_keys",
    "known_methods",
    "merged",
    "run_options",
]

#: the name under which the finite-difference reference runs as a method
FD = "fd"

#: keys of the run itself (every method), and of the validation's finite-difference reference
RUN_KEYS = frozenset({"seed", "dtype", "threads", "grid", "device", "ensemble"})
VALIDATION_KEYS = frozenset({"fd_grid", "levels", "convergence"})

#: budgets of ``--quick`` (CI): each neural method trains for seconds, the convergence
#: study uses three levels; anything the user sets explicitly wins
QUICK: dict[str, Any] = {"steps": 300, "lbfgs_steps": 100, "levels": 3}


def known_methods() -> list[str]:
    """Every registered method (``fd`` among them)."""
    from pinnsolve.catalog import METHODS

    return sorted(METHODS)


def _method_keys(method: str) -> set[str]:
    from pinnsolve.catalog import METHODS
    from pinnsolve.methods import settings_fields

    return {f.name for f in settings_fields(METHODS[method].settings_type)}


def known_keys() -> frozenset[str]:
    """Every key a validation's settings may hold: any method's settings, the run's, the fd reference's."""
    from pinnsolve.methods.options import known_keys as method_keys

    return frozenset(set(method_keys()) | RUN_KEYS | VALIDATION_KEYS)


def check_settings(settings: Mapping[str, Any], where: str = "settings", method: str | None = None) -> None:
    """Refuse unknown keys and per-method tables for unknown methods, saying what is known.

    A common key applies to every method that has it; a key in a method's own table must be
    one of that method's settings (or the run's).
    """
    methods = known_methods()
    keys = known_keys()
    for key, value in settings.items():
        if key in methods and method is None:
            if not isinstance(value, Mapping):
                raise SettingsError(
                    f"{where}: '{key}' names a method, so its value must be a table of "
                    f"settings for that method (e.g. {key} = {{ steps = 1000 }}), not {value!r}."
                )
            check_settings(value, f"{where}.{key}", key)
            continue
        if key not in keys:
            raise SettingsError(
                f"{where}: unknown setting '{key}'. Known settings: {', '.join(sorted(keys))}; "
                f"or a table per method ({', '.join(methods)})."
            )
        own = _method_keys(method) | RUN_KEYS | (VALIDATION_KEYS if method == FD else set()) if method else keys
        if key not in own:
            raise SettingsError(
                f"{where}: '{key}' is not a setting of --method {method}; its settings are "
                f"{', '.join(sorted(_method_keys(method)))} (and the run's: "
                f"{', '.join(sorted(RUN_KEYS))})."
            )
        if key in ("grid", "fd_grid") and not (
            isinstance(value, Mapping) and all(isinstance(v, int) for v in value.values())
        ):
            raise SettingsError(
                f"{where}: {key} must map coordinates to point counts, e.g. "
                f"{key} = {{ x = 201, t = 101 }}, not {value!r}."
            )


def merged(settings: Mapping[str, Any] | None, method: str, quick: bool = False) -> dict[str, Any]:
    """The flat settings that apply to ``method``: quick budgets < common keys < the method's table."""
    settings = dict(settings or {})
    methods = set(known_methods())
    common = {k: v for k, v in settings.items() if k not in methods}
    own = dict(settings.get(method) or {})
    return {**(QUICK if quick else {}), **common, **own}


def run_options(flat: Mapping[str, Any], method: str) -> Any:
    """The RunOptions of ``method`` from its merged flat settings: the keys it takes (common keys of
    other methods are theirs), each checked like a suite-file key."""
    from pinnsolve.methods.options import make_settings
    from pinnsolve.run import RunOptions

    own = _method_keys(method)
    values = {k: v for k, v in flat.items() if k in own}
    run_kw = {k: v for k, v in flat.items() if k in RUN_KEYS}
    if method == FD:
        run_kw["grid"] = flat.get("fd_grid")
    return RunOptions(method=method, settings=make_settings(method, values, source="key"), **run_kw)


def fd_settings(flat: Mapping[str, Any]) -> dict[str, Any]:
    """The finite-difference reference's settings: grid (None: its default), scheme, convergence levels."""
    return {
        "grid": flat.get("fd_grid"),
        "scheme": flat.get("scheme", "auto"),
        "levels": int(flat.get("levels", 4)),
        "convergence": bool(flat.get("convergence", True)),
    }
