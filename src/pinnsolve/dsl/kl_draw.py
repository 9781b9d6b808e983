r"""One Monte Carlo draw of a random field, folded into a single numeric function.

With its coefficients fixed, the Karhunen–Loève sum :math:`\sum_k c_k \varphi_k(x)` of a
`RandomField` is one known function of x. `freeze` puts one sympy function in place of each such
sum (and of its derivative sum), so a finite-difference discretisation of the drawn problem
handles a small expression instead of K symbolic terms (several times faster to set up, the same
numbers).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import sympy as sp

from pinnsolve.dsl.errors import ProblemError
from pinnsolve.dsl.random import KLExpansion, KLMode, Random

__all__ = ["freeze"]


class _FrozenField(sp.Function):
    """One draw of a random field (or of one of its first derivatives) as a single numeric function."""

    weights: ClassVar[np.ndarray]
    expansion: ClassVar[KLExpansion]
    derivative: ClassVar[tuple[int, ...]] = ()

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if self.derivative:
            raise ProblemError(
                f"the equations differentiate the random field '{self.expansion.name}' twice.",
                "Write the equation in divergence form with one derivative of the coefficient.",
            )
        return _frozen_class(self.expansion, self.weights, (argindex - 1,))(*self.args)


def _frozen_class(expansion: KLExpansion, weights: np.ndarray, derivative: tuple[int, ...]) -> type[_FrozenField]:
    """The (cached: one class per draw and derivative, so lambdify sees one implementation per name) function."""
    cache: dict = expansion.__dict__.setdefault("_frozen", {})
    key = (weights.tobytes(), derivative)
    if key not in cache:
        cache[key] = _make_frozen_class(expansion, weights, derivative)
    return cache[key]


def _make_frozen_class(expansion: KLExpansion, weights: np.ndarray, derivative: tuple[int, ...]) -> type:
    def imp(*x: np.ndarray) -> np.ndarray:
        return sum(w * expansion.mode(k, x, derivative) for k, w in enumerate(weights) if w != 0.0)

    suffix = "".join(f"_d{expansion.coords[a].name}" for a in derivative)
    return type(
        f"{expansion.name}_draw{suffix}",
        (_FrozenField,),
        {
            "expansion": expansion,
            "weights": weights,
            "derivative": derivative,
            "nargs": len(expansion.coords),
            "_imp_": staticmethod(imp),
        },
    )


def freeze(expr: sp.Expr, values: dict[str, float]) -> sp.Expr:
    r"""``expr`` at one draw of its random inputs, each KL sum :math:`\sum_k c_k\varphi_k` folded into one function.

    The value of the expression is unchanged; it is only smaller (one numeric function in place
    of K symbolic terms), which makes a finite-difference solve per Monte Carlo draw several
    times cheaper to set up.
    """
    expr = sp.sympify(expr)
    for s in expr.atoms(KLMode):  # one draw's classes at a time (never cleared half-way through a draw)
        s.expansion.__dict__.get("_frozen", {}).clear()
    randoms = {s: sp.Float(values[s.name]) for s in expr.free_symbols if isinstance(s, Random) and s.name in values}
    expr = expr.xreplace(randoms)

    def is_sum(e: sp.Basic) -> bool:
        return isinstance(e, sp.Add) and any(_mode_of(a) is not None for a in e.args)

    def fold(e: sp.Add) -> sp.Expr:
        groups: dict[tuple, list[tuple[int, float]]] = {}
        rest = []
        for a in e.args:
            found = _mode_of(a)
            if found is None:
                rest.append(a)
                continue
            mode, weight = found
            groups.setdefault((mode.expansion, mode.derivative, mode.args), []).append((mode.index, weight))
        for (expansion, derivative, args), terms in groups.items():
            weights = np.zeros(expansion.terms)
            for k, w in terms:
                weights[k] += w
            rest.append(_frozen_class(expansion, weights, derivative)(*args))
        return sp.Add(*rest)

    return expr.replace(is_sum, fold)


def _mode_of(term: sp.Basic) -> tuple[KLMode, float] | None:
    """(mode, numeric weight) when ``term`` is a number times one KL mode, else None."""
    if isinstance(term, KLMode):
        return term, 1.0
    coefficient, rest = term.as_coeff_Mul()
    if isinstance(rest, KLMode) and coefficient.is_Number:
        return rest, float(coefficient)
    return None
