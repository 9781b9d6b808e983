"""Labelled regimes of a problem: named sympy relations over its parameters (the analytic truth).

``Problem(..., regimes={"underdamped": gamma < omega0, "overdamped": gamma > omega0})`` names
each regime by a relation of the problem's `Parameter` s; ``label=lambda solution: ...`` labels
a solution when no formula is known. The command line adds ``--label 'name=relation'``.
Relations are checked where they enter: their symbols must be parameters of the problem, and
over the varied box every regime must occur somewhere and no two may hold at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import sympy as sp
from sympy.parsing.sympy_parser import parse_expr

from pinnsolve.errors import ProblemError

__all__ = ["check_regime_relations", "check_regimes_cover", "parse_label", "regime_function"]

Relation = sp.Basic


def check_regime_relations(
    regimes: Mapping[str, object],
    parameters: Mapping[str, sp.Symbol],
    label: Callable | None = None,
    complete: bool = True,
) -> dict[str, Relation]:
    """The regimes as {name: relation}, refusing what is not a relation over the parameters."""
    if regimes and label is not None:
        raise ProblemError(
            "the problem gives both regimes= and label=.",
            "Keep one: relations over the parameters, or a labelling function of the solution.",
        )
    if label is not None and not callable(label):
        raise ProblemError(f"label={label!r} is not a function.", "Write label=lambda solution: 'name'.")
    if not isinstance(regimes, Mapping):
        raise ProblemError(
            f"regimes={regimes!r} is not a dict.",
            "Write regimes={'underdamped': gamma < omega0, 'overdamped': gamma > omega0}.",
        )
    known = set(parameters.values())
    out: dict[str, Relation] = {}
    for name, relation in regimes.items():
        if not isinstance(name, str) or not name.strip():
            raise ProblemError(f"regime name {name!r} is not a word.", "Name each regime with a string.")
        if isinstance(relation, (bool, sp.logic.boolalg.BooleanAtom)):
            raise ProblemError(
                f"regime '{name}' is always {bool(relation)}: sympy evaluated its relation to a constant.",
                "Write a relation that involves a Parameter, e.g. gamma < omega0.",
            )
        if not isinstance(relation, sp.logic.boolalg.Boolean):
            raise ProblemError(
                f"regime '{name}' is {relation!r}, not a relation.",
                "Write a sympy relation of the parameters, e.g. gamma < omega0.",
            )
        unknown = sorted(str(s) for s in relation.free_symbols if s not in known)
        if unknown:
            names = ", ".join(parameters) or "none"
            raise ProblemError(
                f"regime '{name}' uses {', '.join(repr(u) for u in unknown)}, which "
                f"{'is not a parameter' if len(unknown) == 1 else 'are not parameters'} of the "
                f"problem (its parameters: {names}).",
                "Use only Parameters that appear in the equations, conditions or exact solution.",
            )
        out[name.strip()] = relation
    if complete and len(out) == 1:
        raise ProblemError(
            f"only one regime ('{next(iter(out))}') is given: a classifier needs two or more.",
            "Add the other regime(s), e.g. its complement.",
        )
    return out


def regime_function(
    regimes: Mapping[str, Relation], names: list[str], values: Mapping[str, float], parameters: Mapping[str, sp.Symbol]
) -> Callable[[np.ndarray], np.ndarray]:
    """points (n, len(names)) → a boolean array (n, regimes), True where each regime holds.

    Parameters not in ``names`` keep their ``values``.
    """
    symbols = [parameters[n] for n in names]
    fixed = {p: sp.Float(values[n]) for n, p in parameters.items() if n not in names}
    tests = [sp.lambdify(symbols, r.xreplace(fixed), modules="numpy") for r in regimes.values()]

    def holds(points: np.ndarray) -> np.ndarray:
        points = np.atleast_2d(np.asarray(points, dtype=float))
        columns = [points[:, j] for j in range(points.shape[1])]
        return np.stack([np.broadcast_to(np.asarray(t(*columns), dtype=bool), (len(points),)) for t in tests], axis=1)

    return holds


def check_regimes_cover(
    regimes: Mapping[str, Relation],
    names: list[str],
    box: np.ndarray,
    values: Mapping[str, float],
    parameters: Mapping[str, sp.Symbol],
    where: str = "",
) -> None:
    """Refuse regimes that overlap or never occur over ``box`` ((len(names), 2): lo, hi per parameter)."""
    if not regimes:
        return
    from scipy.stats import qmc

    sampler = qmc.Sobol(len(names), scramble=True, seed=0)
    points = (
        qmc.scale(sampler.random_base2(12), box[:, 0], box[:, 1])
        if np.all(box[:, 1] > box[:, 0])
        else np.repeat(box[:, :1].T, 4096, axis=0)
    )
    holds = regime_function(regimes, names, values, parameters)(points)
    span = ", ".join(f"{n} in [{lo:g}, {hi:g}]" for n, (lo, hi) in zip(names, box))
    labels = list(regimes)
    both = np.flatnonzero(holds.sum(axis=1) > 1)
    if len(both):
        p = points[both[0]]
        which = [labels[k] for k in np.flatnonzero(holds[both[0]])]
        at = ", ".join(f"{n}={v:.4g}" for n, v in zip(names, p))
        raise ProblemError(
            f"{where}regimes {' and '.join(repr(w) for w in which)} overlap (both hold at {at}).",
            "Make the relations exclusive, e.g. gamma < omega0 and gamma >= omega0.",
        )
    for k, name in enumerate(labels):
        if not holds[:, k].any():
            raise ProblemError(
                f"{where}regime '{name}' never holds for {span}.", "Widen the --vary ranges or correct its relation."
            )


def parse_label(text: str, parameters: Mapping[str, sp.Symbol]) -> tuple[str, Relation]:
    """``"underdamped=gamma < omega0"`` → ("underdamped", the relation over the problem's parameters)."""
    name, sep, source = text.partition("=")
    example = "--label 'underdamped=gamma < omega0'"
    if not sep or not name.strip() or not source.strip() or source.lstrip().startswith("="):
        raise ProblemError(f"--label {text!r} is not of the form name=relation.", f"Write e.g. {example}.")
    local: dict[str, Any] = dict(parameters)
    try:
        relation = parse_expr(source.strip(), local_dict=local, evaluate=True)
    except Exception as exc:  # noqa: BLE001 - sympy raises many kinds for bad text
        raise ProblemError(
            f"--label {text!r}: '{source.strip()}' is not a relation sympy can read ({exc}).", f"Write e.g. {example}."
        ) from None
    regimes = check_regime_relations({name.strip(): relation}, parameters, complete=False)
    return next(iter(regimes.items()))


def parse_ranges(
    text: str, parameters: Mapping[str, sp.Symbol], flag: str = "--vary"
) -> tuple[list[str], np.ndarray, list[int]]:
    """``"gamma=0:2:400,omega0=0.5:2:20"`` → (names, box (d, 2) of lo/hi, counts per parameter)."""
    names, box, counts = [], [], []
    example = f"{flag} gamma=0.5:1.5:400 (400 values of gamma from 0.5 to 1.5)"
    for item in filter(None, (part.strip() for part in str(text).split(","))):
        name, sep, spec = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ProblemError(f"{flag} {item!r} is not of the form name=lo:hi:n.", f"Write e.g. {example}.")
        if name not in parameters:
            raise ProblemError(
                f"{flag} {item}: '{name}' is not a parameter of the problem.",
                f"Its parameters are: {', '.join(parameters) or 'none'}.",
            )
        if name in names:
            raise ProblemError(f"{flag} gives '{name}' twice.", "Give each parameter once.")
        parts = spec.split(":")
        try:
            lo, hi, n = float(parts[0]), float(parts[1]), int(parts[2])
            if len(parts) != 3 or not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo or n < 2:
                raise ValueError
        except (ValueError, IndexError):
            raise ProblemError(
                f"{flag} {item}: the range must be lo:hi:n with lo < hi and n ≥ 2 whole.", f"Write e.g. {example}."
            ) from None
        names.append(name)
        box.append((lo, hi))
        counts.append(n)
    if not names:
        raise ProblemError(f"{flag} names no parameter.", f"Write e.g. {example}.")
    from pinnsolve.memory import require_memory

    # per sample: its parameter values and at least a 101-point trajectory of one field, in float64
    require_memory(
        "samples (one reference solve each)", int(np.prod(counts, dtype=float)), 8 * (len(names) + 101), flag
    )
    return names, np.array(box, dtype=float), counts
