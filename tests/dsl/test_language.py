"""What the problem language accepts, and how it is understood."""

from __future__ import annotations

import sympy as sp

from pinnsolve import (
    Box,
    D,
    Data,
    Dirichlet,
    Disk,
    Eq,
    Field,
    Initial,
    Neumann,
    Parameter,
    Periodic,
    Polygon,
    Problem,
    Rectangle,
    Robin,
    Space,
    Time,
    Unknown,
    cos,
    describe,
    div,
    exp,
    grad,
    laplacian,
    pi,
    sin,
)
from pinnsolve.dsl import field_name, latex


def test_coordinates_carry_their_ranges_and_faces():
    x = Space("x", -1, 1)
    t = Time("t", 0, 2)
    assert (x.lo, x.hi, t.lo, t.hi) == (-1.0, 1.0, 0.0, 2.0)
    assert x.min.name == "x.min" and x.max.value == 1.0
    assert [f.name for f in x.boundary] == ["x.min", "x.max"]
    assert sp.diff(sin(pi * x), x) == pi * cos(pi * x)


def test_field_orders_space_before_time():
    x, t = Space("x", 0, 1), Time("t", 0, 1)
    u = Field("u", t, x)
    assert u.args == (x, t) and field_name(u) == "u"


def test_derivative_forms():
    x, y = Space("x", 0, 1), Space("y", 0, 1)
    u = Field("u", x, y)
    assert D(u, x, 2) == sp.Derivative(u, (x, 2))
    assert D(u, x, y) == sp.Derivative(u, x, y)
    assert laplacian(u) == sp.Derivative(u, (x, 2)) + sp.Derivative(u, (y, 2))
    assert div(grad(u)) == laplacian(u)
    v = Field("v", x, y)
    assert div([u, v]) == D(u, x) + D(v, y)
    # differentiating a known expression applies the chain rule
    assert D(sin(x * y), x) == y * cos(x * y)


def test_problem_collects_fields_parameters_and_box_domain():
    x, t = Space("x", -1, 1), Time("t", 0, 1)
    u = Field("u", x, t)
    nu = Parameter("nu", 0.01 / pi)
    p = Problem(
        "burgers",
        [Eq(D(u, t) + u * D(u, x), nu * D(u, x, 2))],
        [Dirichlet(u, 0, on=x.boundary), Initial(u, -sin(pi * x))],
    )
    assert p.field_names == ["u"] and p.time == t and p.space == (x,)
    assert abs(p.parameter_values["nu"] - 0.01 / 3.141592653589793) < 1e-15
    assert p.domain.is_box and list(p.domain.bounds()[0]) == [-1.0]
    assert p.with_parameters({"nu": "0.5"}).parameter_values["nu"] == 0.5
    assert p.parameter_values["nu"] != 0.5  # the original is unchanged


def test_manufactured_source_makes_exact_satisfy_the_equation():
    x, y = Space("x"), Space("y")
    u = Field("u", x, y)
    ue = (1 - x**2 - y**2) * exp(x)
    p = Problem(
        "disk",
        [Eq(-laplacian(u), 0)],
        domain=Disk((0, 0), 1, coords=(x, y)),
        conditions=[Dirichlet(u, ue, on="boundary")],
        exact={u: ue},
        manufactured=True,
    )
    assert sp.simplify(p.sources[0] - (-sp.diff(ue, x, 2) - sp.diff(ue, y, 2))) == 0
    assert sp.simplify(p.residuals[0].subs(u, ue).doit()) == 0


def test_systems_and_second_order_time():
    t = Time("t", 0, 1)
    x, y = Field("x", t), Field("y", t)
    p = Problem("pair", [Eq(D(x, t), y), Eq(D(y, t), -x)], [Initial(x, 1), Initial(y, 0)])
    assert p.field_names == ["x", "y"] and p.is_ode
    s = Space("s", 0, 1)
    u = Field("u", s, t)
    w = Problem(
        "wave",
        [Eq(D(u, t, 2), D(u, s, 2))],
        [Dirichlet(u, 0, on=s.boundary), Initial(u, sin(pi * s)), Initial(D(u, t), 0)],
    )
    assert sorted(c.order for c in w.conditions_of(Initial)) == [0, 1]


def test_all_condition_kinds_and_domains_are_accepted():
    x, y = Space("x", 0, 1), Space("y", 0, 1)
    u = Field("u", x, y)
    a = Unknown("a", 0.5)
    p = Problem(
        "mixed",
        [Eq(-laplacian(u), a)],
        [
            Dirichlet(u, 0, on=x.min),
            Neumann(u, 1, on=x.max),
            Robin(u, 1, 2, 0, on=y.min),
            Periodic(y),
            Data(u, [[0.5, 0.5], [0.2, 0.3]], [1.0, 2.0]),
        ],
    )
    assert p.parameters["a"].trainable
    for domain in [
        Rectangle((0, 0), (1, 1), coords=(x, y)),
        Box((0, 0), (1, 1), coords=(x, y)),
        Polygon([(0, 0), (1, 0), (0, 1)], coords=(x, y)),
        Rectangle((0, 0), (2, 2), coords=(x, y)) - Disk((1, 1), 0.5, coords=(x, y)),
    ]:
        q = Problem("d", [Eq(-laplacian(u), 1)], [Dirichlet(u, 0)], domain=domain)
        assert q.domain.dim == 2


def test_describe_and_latex_are_readable():
    x, t = Space("x", 0, 1), Time("t", 0, 1)
    u = Field("u", x, t)
    p = Problem(
        "heat",
        [Eq(D(u, t), D(u, x, 2))],
        [Dirichlet(u, 0, on=x.boundary), Initial(u, sin(pi * x))],
        exact={u: sin(pi * x) * exp(-(pi**2) * t)},
    )
    text = describe(p)
    for expected in [
        "x  space  [0, 1]",
        "t  time  [0, 1]",
        "u_t = u_xx",
        "u = 0  on x.min, x.max",
        "u = sin(pi*x)  at t = 0",
        "exp(-pi**2*t)*sin(pi*x)",
    ]:
        assert expected in text
    assert "u" in latex(D(u, x, 2)) and "partial" in latex(D(u, x, 2)) and "left(x" not in latex(D(u, x, 2))
