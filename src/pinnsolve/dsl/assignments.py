"""Command-line values every subcommand shares: ``name=value`` lists and the common flags.

``--set k=2,nu=0.01``, ``--grid x=256,t=101``, ``--weight bc=10``: one parser for every subcommand
(solve, reference, validate, show), so each reads them alike; `add_common_arguments` gives every
subcommand that runs work the same --quiet, --debug, --threads, --out, --set and --seed.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from pinnsolve.errors import SettingsError

__all__ = ["COMMON_FLAGS", "add_common_arguments", "parse_assignments", "parse_sets"]


def parse_assignments(text: str | None, what: str, number: type = float) -> dict[str, object]:
    """``"x=256,t=101"`` → {"x": 256, "t": 101}, with a clear message for malformed items.

    ``number`` converts each value (``float``, ``int``, or ``str`` to keep the text).
    """
    result: dict[str, object] = {}
    for item in filter(None, (text or "").split(",")):
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise SettingsError(f"{what} '{item}' is not of the form name=value (e.g. {what} x=256).")
        if number is str:
            result[name.strip()] = value.strip()
            continue
        try:
            result[name.strip()] = number(value)
        except ValueError:
            kind = "whole number" if number is int else "number"
            raise SettingsError(f"{what} {item}: '{value}' is not a {kind}.") from None
    return result


def parse_sets(items: Sequence[str] | str | None) -> dict[str, object]:
    """Every ``--set NAME=VALUE`` (repeatable, each possibly ``a=1,b=2``) as one mapping of overrides.

    Values stay text: the problem loader converts them and says which parameter is wrong.
    """
    if isinstance(items, str):
        items = [items]
    out: dict[str, object] = {}
    for item in items or []:
        out.update(parse_assignments(item, "--set", str))
    return out


#: the flags `add_common_arguments` gives, in order
COMMON_FLAGS = ("--out", "--overwrite", "--set", "--seed", "--threads", "--quiet", "--debug")


def add_common_arguments(parser: Any, out_help: str = "the run directory") -> None:
    """The flags every subcommand that runs work takes, meaning the same on each.

    ``--overwrite`` (replace an earlier run in ``--out``), ``--quiet`` (plain progress lines),
    ``--debug`` (tracebacks; also accepted before the
    subcommand), ``--threads`` (CPU threads, set by the CLI once for the process), ``--out``,
    ``--set NAME=VALUE`` (repeatable: Parameter overrides) and ``--seed``. A flag the subcommand
    already defines itself (with the same meaning and its own help or default) is left as it is.
    """
    flags = {
        "--out": dict(metavar="DIR", help=f"{out_help} (refused if it holds files, unless --overwrite)"),
        "--overwrite": dict(action="store_true", help="replace the files of an earlier run in --out"),
        "--set": dict(action="append", metavar="NAME=VALUE", help="override a Parameter (repeatable)"),
        "--seed": dict(type=int, help="random seed (default 0): same seed, same result"),
        "--threads": dict(type=int, help="CPU threads (default: all available cores)"),
        "--quiet": dict(action="store_true", help="plain progress lines instead of a live bar"),
        "--debug": dict(action="store_true", default=argparse.SUPPRESS, help="show tracebacks"),
    }
    for flag in COMMON_FLAGS:
        try:
            parser.add_argument(flag, **flags[flag])
        except argparse.ArgumentError:
            pass  # defined by the subcommand itself
