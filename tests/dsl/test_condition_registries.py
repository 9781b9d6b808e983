"""Conditions carry their behaviour: one registry per consumer, every shipped type in each, and a
new type is either handled through one registration or refused with a message naming it."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
import torch

from pinnsolve import D, Dirichlet, Eq, Field, Initial, Problem, Space, Time, pi, sin
from pinnsolve.dsl.conditions import CONDITION_TYPES, BoundaryCondition, boundary_faces, boundary_names, require_field
from pinnsolve.dsl.describe import condition_text, describe
from pinnsolve.errors import PinnsolveError
from pinnsolve.methods import pinn, trial
from pinnsolve.methods.condition_terms import loss_terms
from pinnsolve.methods.neural import build_setup
from pinnsolve.methods.trial_constraints import FaceValues, constraint
from pinnsolve.reference import solve_reference
from pinnsolve.reference.boundary import FaceRule, boundary_rule
from pinnsolve.validate.statement import MathLine, condition_line, statement

REGISTRIES = {
    "show": condition_text,
    "statement": condition_line,
    "pinn": loss_terms,
    "trial": constraint,
    "fd": boundary_rule,
}


@pytest.mark.parametrize("consumer", sorted(REGISTRIES))
def test_every_shipped_condition_type_is_registered(consumer):
    registry = REGISTRIES[consumer]
    fallback = registry.registry[object]
    missing = [c.__name__ for c in CONDITION_TYPES if registry.dispatch(c) is fallback]
    assert not missing, f"{consumer} has no registration for {missing}"


class Clamped(BoundaryCondition):
    """u = 0 on ``on``: a condition type added by a user, registered below with every consumer."""

    kind = "Clamped"

    def __init__(self, u: sp.Expr, on: object = None) -> None:
        super().__init__(require_field(u, "Clamped"), boundary_names(on, "Clamped"), boundary_faces(on))


class Slip(BoundaryCondition):
    """A condition type no consumer has a registration for."""

    kind = "Slip"

    def __init__(self, u: sp.Expr, on: object = None) -> None:
        super().__init__(require_field(u, "Slip"), boundary_names(on, "Slip"), boundary_faces(on))


@condition_text.register
def _(c: Clamped, problem: Problem) -> str:
    return f"{c.field_name} = 0 (clamped)  on {', '.join(c.on)}"


@condition_line.register
def _(c: Clamped, problem: Problem) -> MathLine:
    return MathLine(f"{c.field_name} = 0", condition_text(c, problem), "clamped")


@loss_terms.register
def _(c: Clamped, context) -> list:
    points, _ = context.boundary(c.on)
    return [context.term("bc", "bc", c.field, points)]


@constraint.register
def _(c: Clamped, problem: Problem) -> FaceValues:
    return FaceValues(c.field, sp.Integer(0), c.kind, c.on)


@boundary_rule.register
def _(c: Clamped) -> FaceRule:
    return FaceRule(c.on, sp.Integer(0), fixed=True)


def heat(condition_type):
    x, t = Space("x", 0, 1), Time("t", 0, 0.1)
    u = Field("u", x, t)
    return Problem(
        f"heat_{condition_type.__name__}",
        [Eq(D(u, t), D(u, x, 2))],
        [condition_type(u, on=x.boundary), Initial(u, sin(pi * x))],
    )


def heat_dirichlet():
    x, t = Space("x", 0, 1), Time("t", 0, 0.1)
    u = Field("u", x, t)
    return Problem(
        "heat_dirichlet", [Eq(D(u, t), D(u, x, 2))], [Dirichlet(u, 0, on=x.boundary), Initial(u, sin(pi * x))]
    )


def test_a_registered_type_is_handled_by_every_consumer():
    problem = heat(Clamped)
    assert "u = 0 (clamped)  on x.min, x.max" in describe(problem)
    assert statement(problem).conditions[0] == MathLine("u = 0", "u = 0 (clamped)  on x.min, x.max", "clamped")
    terms = pinn.condition_terms(problem, pinn.PinnSettings(points=64), np.random.default_rng(0))
    assert [t.name for t in terms] == ["bc", "ic"]
    assert np.allclose(np.sort(np.unique(terms[0].points[:, 0])), [0.0, 1.0])  # on the two faces
    # trial function: A + B·N vanishes on the faces whatever N is
    setup = build_setup("trial", problem, {"points": 64}, rng=np.random.default_rng(0), dtype=torch.float64)
    faces = torch.tensor([[0.0, 0.03], [1.0, 0.07]], dtype=torch.float64)
    assert float(setup.model(faces).detach().abs().max()) < 1e-14
    # finite differences: the same solution, to the last bit, as with Dirichlet(u, 0)
    clamped, _ = solve_reference(problem, {"x": 21, "t": 11})
    dirichlet, _ = solve_reference(heat_dirichlet(), {"x": 21, "t": 11})
    np.testing.assert_array_equal(clamped.fields["u"], dirichlet.fields["u"])
    assert abs(clamped.fields["u"]).max() > 0.3  # a real solution, not zeros


@pytest.mark.parametrize(
    "consumer, call, named",
    [
        ("show", lambda p: describe(p), "pinnsolve show"),
        ("statement", lambda p: statement(p), "problem statement"),
        ("pinn", lambda p: pinn.condition_terms(p, pinn.PinnSettings(points=64), np.random.default_rng(0)), "PINN"),
        ("trial", lambda p: trial.check_applicable(p), "trial-function method"),
        ("fd", lambda p: solve_reference(p, {"x": 21, "t": 11}), "finite-difference reference"),
    ],
)
def test_an_unregistered_type_is_refused_naming_it_and_the_consumer(consumer, call, named):
    with pytest.raises(PinnsolveError) as info:
        call(heat(Slip))
    message = str(info.value)
    assert "condition Slip" in message and named in message and "register" in message
