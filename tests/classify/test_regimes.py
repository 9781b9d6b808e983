"""Regimes in the problem language and on the command line: parsed, and refused with clear messages."""

from __future__ import annotations

import pytest

from pinnsolve.dsl import load_problem
from pinnsolve.dsl.regimes import parse_label, parse_ranges
from pinnsolve.errors import ProblemError, ProblemFileError

OSC = """
from pinnsolve import D, Eq, Field, Initial, Parameter, Problem, Time
t = Time("t", 0, 1)
x = Field("x", t)
gamma = Parameter("gamma", 0.5)
omega0 = Parameter("omega0", 1.0)
problem = Problem("osc", [Eq(D(x, t, 2) + 2 * gamma * D(x, t) + omega0**2 * x, 0)],
                  [Initial(x, 1), Initial(D(x, t), 0)], {regimes}
                  classify={{"vary": "gamma=0.5:1.5:40"}})
"""


def test_regimes_are_stored_on_the_problem(write_problem):
    p = load_problem(write_problem(OSC.format(regimes='regimes={"under": gamma < omega0, "over": gamma > omega0},')))
    assert list(p.regimes) == ["under", "over"]
    assert p.classify["vary"] == "gamma=0.5:1.5:40"


@pytest.mark.parametrize(
    "regimes, message",
    [
        ('regimes={"under": gamma < kappa, "over": gamma > 1},', "unknown name 'kappa'"),
        ('regimes={"under": gamma < Symbol("k"), "over": gamma > 1},', "'k', which is not a parameter"),
        ('regimes={"under": gamma < 1.2, "over": gamma > 0.8},', "overlap"),
        ('regimes={"under": gamma < 0.2, "over": gamma > 0.2},', "'under' never holds"),
        ('regimes={"under": gamma < 1},', "only one regime"),
        ('regimes={"under": gamma + 1, "over": gamma > 1},', "not a relation"),
    ],
)
def test_bad_regimes_are_refused_in_the_file(write_problem, regimes, message):
    source = OSC.format(regimes=regimes).replace(
        "from pinnsolve import", "from sympy import Symbol\nfrom pinnsolve import"
    )
    with pytest.raises(ProblemFileError, match=message):
        load_problem(write_problem(source))


def test_label_flag_is_parsed_against_the_parameters(write_problem):
    p = load_problem(write_problem(OSC.format(regimes="")))
    name, relation = parse_label("underdamped=gamma < omega0", p.parameters)
    assert name == "underdamped"
    assert relation.free_symbols == {p.parameters["gamma"], p.parameters["omega0"]}
    assert bool(relation.subs({p.parameters["gamma"]: 0.3, p.parameters["omega0"]: 1.0}))
    with pytest.raises(ProblemError, match="not of the form name=relation"):
        parse_label("gamma < omega0", p.parameters)
    with pytest.raises(ProblemError, match="'nu', which is not a parameter"):
        parse_label("slow=nu < 1", p.parameters)
    with pytest.raises(ProblemError, match="not a relation"):
        parse_label("x=gamma +", p.parameters)


def test_vary_ranges_are_parsed_with_counts(write_problem):
    p = load_problem(write_problem(OSC.format(regimes="")))
    names, box, counts = parse_ranges("gamma=0:2:400,omega0=0.5:2:20", p.parameters)
    assert names == ["gamma", "omega0"] and box.tolist() == [[0, 2], [0.5, 2]] and counts == [400, 20]
    for bad in ("gamma=2:0:10", "gamma=0:2", "nu=0:1:10", "gamma=0:1:1"):
        with pytest.raises(ProblemError):
            parse_ranges(bad, p.parameters)
