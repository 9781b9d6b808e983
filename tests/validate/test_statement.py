"""Every shipped problem's statement typesets with mathtext (no TeX, no network)."""

from __future__ import annotations

import pytest

from pinnsolve.dsl import load_problem
from pinnsolve.validate.mathimage import math_png, png_size
from pinnsolve.validate.statement import statement, tex

from .conftest import PROBLEMS


@pytest.mark.parametrize("path", sorted(PROBLEMS.glob("*.py")), ids=lambda p: p.stem)
def test_every_line_of_every_shipped_problem_renders(path) -> None:
    st = statement(load_problem(path, {}))
    assert st.equations and st.domain
    for _, lines in st.sections():
        for line in lines:
            assert line.text
            if line.tex is not None:
                png = math_png(line.tex)
                assert png is not None, line.tex
                assert min(png_size(png)) > 5


def test_derivatives_read_as_a_physicist_writes_them() -> None:
    st = statement(load_problem(PROBLEMS / "burgers1d.py", {}))
    (eq,) = st.equations
    assert eq.tex.startswith(r"\frac{\partial u}{\partial t} + u \frac{\partial u}{\partial x}")
    assert r"\frac{\partial^{2} u}{\partial x^{2}}" in eq.tex


def test_manufactured_sources_are_shown_apart_from_the_equation() -> None:
    st = statement(load_problem(PROBLEMS / "poisson2d.py", {}))
    assert st.equations[0].tex.endswith("= f")
    assert st.sources and r"\sin" in st.sources[0].tex


def test_a_long_exact_solution_is_shown_with_numbers() -> None:
    st = statement(load_problem(PROBLEMS / "oscillator.py", {}))
    (line,) = st.exact
    assert "substituted" in line.note and "0.9798" in line.tex
    assert tex(0) == "0"
