"""Each kind of bad problem file gets one clear message naming the file, the line and the fix."""

from __future__ import annotations

import pytest

from pinnsolve.cli import main
from pinnsolve.dsl import ProblemFileError, load_problem

HEADER = "from pinnsolve import *\n"
GOOD = (
    HEADER
    + """
x = Space("x", 0, 1)
t = Time("t", 0, 1)
u = Field("u", x, t)
k = Parameter("k", 2.0)
problem = Problem("heat", [Eq(D(u, t), k * D(u, x, 2))], [Dirichlet(u, 0, on=x.boundary), Initial(u, sin(pi * x))])
"""
)


def error_of(path, **kw) -> ProblemFileError:
    with pytest.raises(ProblemFileError) as info:
        load_problem(path, **kw)
    return info.value


def test_a_good_file_loads(write_problem):
    p = load_problem(write_problem(GOOD))
    assert p.name == "heat" and p.file.endswith("problem.py")


def test_missing_file(tmp_path):
    e = error_of(tmp_path / "nope.py")
    assert "nope.py" in str(e) and "no such problem file" in str(e)


def test_syntax_error_names_the_line(write_problem):
    e = error_of(write_problem(HEADER + "x = Space('x', 0, 1\n"))
    assert e.line == 2 and "syntax error" in str(e) and "problem.py, line 2" in str(e)


def test_no_problem_defined(write_problem):
    e = error_of(write_problem(HEADER + "x = Space('x', 0, 1)\n"))
    assert "defines no `problem`" in str(e) and "problem = Problem(" in str(e)


def test_unknown_python_name_names_the_line(write_problem):
    source = GOOD.replace("k * D(u, x, 2)", "kappa * D(u, x, 2)")
    e = error_of(write_problem(source))
    assert "unknown name 'kappa'" in str(e) and e.line == 7 and "Parameter('kappa'" in str(e)


def test_unknown_sympy_symbol(write_problem):
    source = GOOD.replace("k * D(u, x, 2)", "Symbol('c') * D(u, x, 2)")
    source = source.replace(HEADER, HEADER + "from sympy import Symbol\n")
    e = error_of(write_problem(source))
    assert "unknown symbol 'c'" in str(e) and "Parameter('c'" in str(e) and e.line == 8


def test_condition_on_a_coordinate_the_domain_lacks(write_problem):
    source = GOOD.replace("Dirichlet(u, 0, on=x.boundary)", "Dirichlet(u, 0, on=y.min)").replace(
        'k = Parameter("k", 2.0)', 'k = Parameter("k", 2.0)\ny = Space("y", 0, 1)'
    )
    e = error_of(write_problem(source))
    assert "y.min" in str(e) and "no coordinate 'y'" in str(e)


def test_condition_on_an_unknown_boundary_name(write_problem):
    e = error_of(write_problem(GOOD.replace("on=x.boundary", "on='inlet'")))
    assert "'inlet'" in str(e) and "x.min" in str(e)


def test_missing_initial_condition_for_a_time_derivative(write_problem):
    e = error_of(write_problem(GOOD.replace(", Initial(u, sin(pi * x))", "")))
    assert "no initial condition for u" in str(e) and "Initial(u, g)" in str(e)
    wave = GOOD.replace("D(u, t)", "D(u, t, 2)")
    e = error_of(write_problem(wave))
    assert "order 2" in str(e) and "Initial(D(u, t), g)" in str(e)


def test_set_of_unknown_parameter_or_non_number(write_problem):
    path = write_problem(GOOD)
    e = error_of(path, overrides={"nu": 1})
    assert "--set nu" in str(e) and "k" in str(e) and "problem.py" in str(e)
    e = error_of(path, overrides={"k": "fast"})
    assert "--set k=fast is not a number" in str(e)


def test_bad_coordinate_range_and_parameter_value(write_problem):
    e = error_of(write_problem(GOOD.replace('Space("x", 0, 1)', 'Space("x", 1, 0)')))
    assert "empty" in str(e) and e.line == 3
    e = error_of(write_problem(GOOD.replace('Parameter("k", 2.0)', 'Parameter("k", "fast")')))
    assert "not a number" in str(e) and e.line == 6


def test_cli_prints_one_paragraph_and_exits_2(write_problem, capsys):
    path = write_problem(GOOD.replace("k * D(u, x, 2)", "kappa * D(u, x, 2)"))
    assert main(["show", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err and "line 7" in err
    assert main(["show", str(path.parent / "missing.py")]) == 2
    assert main(["solve", str(write_problem(GOOD, "ok.py")), "--set", "k=abc"]) == 2
    assert "not a number" in capsys.readouterr().err
