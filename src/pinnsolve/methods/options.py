"""Method settings from the outside: CLI flags and suite-file keys, both generated from the settings dataclasses.

A settings field ``boundary_points: int | None = setting(None, "points per boundary")`` is the
flag ``--boundary-points`` (type int, its help line, its choices) in ``pinnsolve solve --help``,
in the argument group of each method that has it, and the key ``boundary_points`` of a suite
file. A value the chosen method does not take is an error naming the flag and the method's
settings; a value of the wrong type or out of range says what to give instead.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any

from pinnsolve.dsl.assignments import parse_assignments
from pinnsolve.errors import SettingsError
from pinnsolve.methods.contract import METHODS, settings_fields

__all__ = [
    "add_method_arguments",
    "check_weight_names",
    "field_kind",
    "flag_name",
    "given_settings",
    "known_keys",
    "make_settings",
]


def flag_name(f: dataclasses.Field) -> str:
    """The CLI flag of a settings field: ``metadata['flag']`` or the name with dashes."""
    return "--" + (f.metadata.get("flag") or f.name).replace("_", "-")


@cache
def _hints(settings_type: type) -> dict[str, Any]:
    return typing.get_type_hints(settings_type)


def field_kind(settings_type: type, f: dataclasses.Field) -> type:
    """The value type of a field: int, float, str, bool or dict (``X | None`` counts as X)."""
    hint = _hints(settings_type)[f.name]
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (dict, Mapping) or hint is dict:
        return dict
    base = args[0] if args and typing.get_origin(hint) is not None else hint
    return typing.get_origin(base) or base


def known_keys() -> dict[str, list[str]]:
    """Every settings key of every method, with the methods that take it."""
    keys: dict[str, list[str]] = {}
    for name, method in METHODS.items():
        for f in settings_fields(method.settings_type):
            keys.setdefault(f.name, []).append(name)
    return keys


def _named(f: dataclasses.Field, source: str) -> str:
    return flag_name(f) if source == "flag" else f.name


def _coerce(settings_type: type, f: dataclasses.Field, value: Any, source: str) -> Any:
    """``value`` as the field's type, checked (None keeps a None default)."""
    kind, what = field_kind(settings_type, f), _named(f, source)
    if value is None and f.default is None:
        return None
    if kind is dict:
        return _weights(_table(value, what), what)
    if kind is bool:
        if isinstance(value, bool):
            return value
        raise SettingsError(f"{what} = {value!r}: give true or false.")
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(f"{what} = {value!r}: give a whole number.")
        least = 0 if f.name.endswith("steps") else 1
        if value < least:
            raise SettingsError(f"{what} {value} is out of range; give a whole number ≥ {least}.")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise SettingsError(f"{what} = {value!r}: give a finite number.")
        if f.default is not None and f.default > 0 and value <= 0:  # a rate or a step (--lr): positive
            raise SettingsError(
                f"{what} {value} is out of range: it must be a finite number > 0 (the default is {f.default})."
            )
        return float(value)
    choices = f.metadata.get("choices")
    if not isinstance(value, str) or (choices and value not in choices):
        raise SettingsError(
            f"{what} = {value!r}: give a text value" + (f", one of {', '.join(choices)}." if choices else ".")
        )
    return value


def _table(value: Any, what: str) -> dict[str, Any]:
    """``--weight bc=10`` (text, repeated) or a suite file's table, as one mapping."""
    if isinstance(value, str):
        return parse_assignments(value, what)
    if isinstance(value, (list, tuple)):  # repeated --weight flags
        out: dict[str, Any] = {}
        for item in value:
            out.update(_table(item, what))
        return out
    if isinstance(value, Mapping) and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value.values()
    ):
        return {str(k): v for k, v in value.items()}
    raise SettingsError(f"{what} = {value!r}: give a table of numbers, e.g. {what} = {{ bc = 10 }}.")


def _weights(table: Mapping[str, Any], what: str) -> dict[str, float]:
    """Loss weights: finite and ≥ 0 (a negative weight rewards the residual, so training runs away)."""
    for name, w in table.items():
        if not (math.isfinite(float(w)) and float(w) >= 0):
            raise SettingsError(
                f"{what} {name}={w}: a loss weight must be a finite number ≥ 0 (a negative one "
                f"makes the loss reward that residual). Give e.g. {what} {name}=10."
            )
    return {name: float(w) for name, w in table.items()}


def check_weight_names(settings: Any, terms: Any, method: str) -> None:
    """Each ``--weight`` key names a loss term (``bc2``) or a kind of term (``bc``) of this run's objective."""
    given = getattr(settings, "weights", None) or {}
    known = {t.name for t in terms} | {t.kind for t in terms}
    unknown = sorted(set(given) - known)
    if unknown:
        raise SettingsError(
            f"--weight {unknown[0]}=...: this {method} run has no loss term or kind of term called "
            f"'{unknown[0]}'. Its terms are {', '.join(t.name for t in terms)} (kinds: "
            f"{', '.join(sorted({t.kind for t in terms}))}); weigh one of those."
        )


def make_settings(method: str, values: Mapping[str, Any] | Any | None = None, source: str = "flag") -> Any:
    """The settings dataclass of ``method`` from user values (flags or suite keys), each checked.

    ``values`` may already be the method's settings dataclass (returned as it is). A key the
    method does not take is an error naming it and the method's settings.
    """
    settings_type = METHODS[method].settings_type
    if isinstance(values, settings_type):
        return values
    values = dict(values or {})
    fields = {f.name: f for f in settings_fields(settings_type)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        owners = known_keys()
        name = unknown[0]
        flag = ("--" + name.replace("_", "-")) if source == "flag" else name
        if name == "weights" and source == "flag":
            flag = "--weight"
        where = f" (a setting of {', '.join(owners[name])})" if name in owners else ""
        listed = ", ".join(_named(f, source) for f in fields.values()) or "none"
        raise SettingsError(
            f"{flag}{where}: not a setting of --method {method}. Leave {flag} out; the settings of "
            f"{method} are {listed}."
        )
    return settings_type(**{k: _coerce(settings_type, fields[k], v, source) for k, v in values.items()})


def add_method_arguments(parser: argparse.ArgumentParser) -> None:
    """One argument group per method, generated from its settings dataclass.

    A flag that several methods share is defined once (argparse allows no more), in the group
    of the first method that has it; the others' groups list it in their description.
    Flags not given are absent from the parsed namespace (`given_settings` collects the rest).
    """
    defined: dict[str, str] = {}
    owners = known_keys()
    for name in sorted(METHODS, key=_method_order):
        method = METHODS[name]
        fields = settings_fields(method.settings_type)
        shared = [flag_name(f) for f in fields if f.name in defined]
        description = method.summary + (f". Also takes {', '.join(shared)} (above)." if shared else "")
        group = parser.add_argument_group(f"--method {name}", description or None)
        for f in fields:
            if f.name in defined or flag_name(f) in parser._option_string_actions:
                continue  # one flag per name; a run-level flag (--grid, --seed) serves the method too
            defined[f.name] = name
            _add_flag(group, method.settings_type, f, owners[f.name])
    parser.set_defaults(method_setting_flags=tuple(defined))


def _method_order(name: str) -> tuple[int, str]:
    order = ["pinn", "trial", "ffnn", "rnn", "autoencoder", "fd"]
    return (order.index(name) if name in order else len(order), name)


def _add_flag(group: Any, settings_type: type, f: dataclasses.Field, methods: list[str]) -> None:
    kind = field_kind(settings_type, f)
    default = f.default if f.default is not dataclasses.MISSING else None
    shown = "" if default in (None, False, {}) else f" (default {default})"
    who = "" if len(methods) == len(METHODS) else f" [{', '.join(methods)}]"
    kw: dict[str, Any] = {
        "dest": f.name,
        "default": argparse.SUPPRESS,
        "help": f"{f.metadata.get('help', '')}{shown}{who}".replace("%", "%%"),
    }  # argparse formats help with %
    same = [fld for m in methods for fld in settings_fields(METHODS[m].settings_type) if fld.name == f.name]
    # argparse checks choices only where every method's field has them; else each method checks its own
    choices = (
        sorted({c for fld in same for c in fld.metadata["choices"]})
        if all(fld.metadata.get("choices") for fld in same)
        else []
    )
    if kind is bool:
        kw["action"] = "store_true"
    elif kind is dict:
        kw.update(action="append", metavar="TERM=W")
    else:
        kw["type"] = kind
        if choices:
            kw["choices"] = choices
    group.add_argument(flag_name(f), **kw)


def given_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The method settings given on the command line (flags left out are absent).

    Only the flags `add_method_arguments` made count: a run-level flag of the same name (``--grid``)
    belongs to the run."""
    keys = getattr(args, "method_setting_flags", None) or known_keys()
    return {name: value for name, value in vars(args).items() if name in keys}
