"""One quick validation of decay: the run directory, report.html and report.md."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pinnsolve.dsl import load_problem
from pinnsolve.validate import validate_problem

from .conftest import PROBLEMS, TINY

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def decay(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("validate") / "decay"
    problem = load_problem(PROBLEMS / "decay.py", {})
    return validate_problem(problem, ("pinn", "trial", "fd"), out=out, settings=TINY, log=None)


def test_every_method_has_its_run_directory_and_metrics(decay) -> None:
    for method in ("pinn", "trial", "fd"):
        o = decay[method]
        assert o.status == "ok", o.reason
        metrics = json.loads((decay.run_dir / method / "metrics.json").read_text())
        assert metrics["l2_relative_error"] == pytest.approx(o.l2)
        assert o.compared_with == "exact solution"
    assert decay["pinn"].steps <= TINY["steps"] + TINY["lbfgs_steps"]
    assert decay["fd"].l2 < 1e-6  # an ODE solved by solve_ivp at tight tolerances
    summary = json.loads((decay.run_dir / "validation.json").read_text())
    assert set(summary["outcomes"]) == {"pinn", "trial", "fd"}


def test_html_is_self_contained(decay) -> None:
    html = decay.report_html.read_text()
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"<(script|link)\b", html)
    sources = re.findall(r'<img src="([^"]*)"', html)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    # equations as images, plus each method's plots and the comparison figure
    assert len(sources) >= 12


def test_html_table_has_each_methods_numbers(decay) -> None:
    html = decay.report_html.read_text()
    table = html[html.index('<section id="results">') : html.index('<section id="methods">')]
    for method in ("pinn", "trial", "fd"):
        o = decay[method]
        assert f"<td>{method}</td>" in table
        assert f"{o.l2:.2e}" in table and f"{o.max_abs:.2e}" in table
    assert "2,209 parameters" in table  # 1-32-32-32-1 MLP
    for section in ("Equations", "Exact solution", "Environment", "torch threads"):
        assert section in html


def test_markdown_has_the_table_and_images_beside_it(decay) -> None:
    md = decay.report_md.read_text()
    # every method was compared with the exact solution: said once, under the table
    assert "| method | L2 relative error | max abs error |" in md
    assert "Errors against the exact solution" in md
    for method in ("pinn", "trial", "fd"):
        assert f"| {method} | {decay[method].l2:.2e} |" in md
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert links
    for link in links:
        assert not Path(link).is_absolute()
        assert (decay.report_md.parent / link).is_file(), link
