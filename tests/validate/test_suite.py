"""Suites: thresholds decide the exit status; bad suite files get clear messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from pinnsolve.dsl.errors import PinnsolveError
from pinnsolve.validate import load_suite, validate_suite

CASE = """
[[case]]
problem = "problems/decay.py"
methods = ["trial"]
settings = {{ steps = 20, lbfgs_steps = 0, threads = 1 }}
thresholds = {{ trial = {threshold} }}
"""


@pytest.mark.slow
@pytest.mark.parametrize("threshold, status", [(1e-14, 1), (10.0, 0)])
def test_thresholds_decide_the_exit_status(write_suite, tmp_path, threshold, status) -> None:
    suite = write_suite(CASE.format(threshold=threshold))
    report = tmp_path / "REPORT.md"
    assert validate_suite(suite, out=tmp_path / "runs", report=report, log=None) == status
    text = report.read_text()
    assert ("FAIL" in text) == (status == 1)
    assert "| decay | trial |" in text


def test_quick_runs_only_the_marked_cases_with_their_thresholds(write_suite) -> None:
    suite = load_suite(
        write_suite("""
[quick.settings]
steps = 7
[[case]]
problem = "problems/decay.py"
methods = ["pinn", "trial"]
thresholds = { pinn = 1e-4, trial = 1e-4 }
settings = { steps = 5000 }
quick = { methods = ["trial"], thresholds = { trial = 0.1 } }
[[case]]
problem = "problems/logistic.py"
methods = ["pinn"]
""")
    )
    (case,) = suite.selected(quick=True)
    methods, thresholds, settings = case.plan(suite, quick=True)
    assert methods == ["trial"] and thresholds == {"trial": 0.1}
    assert settings["steps"] == 7  # the full run's budget is not used by --quick
    assert case.plan(suite, quick=False)[2]["steps"] == 5000


@pytest.mark.parametrize(
    "body, message",
    [
        ('[[case]]\nproblem = "problems/nonexistent.py"\n', "does not exist"),
        ('[[case]]\nproblem = "problems/decay.py"\nmethods = ["pinn", "magic"]\n', "unknown method 'magic'"),
        (
            '[[case]]\nproblem = "problems/decay.py"\nmethods = ["pinn"]\nthresholds = { fd = 1e-3 }\n',
            "not among its methods",
        ),
        ('[[case]]\nproblem = "problems/decay.py"\nthresholds = { pinn = -1 }\n', "positive number"),
        ('[[case]]\nproblem = "problems/decay.py"\nstep = 10\n', "unknown key 'step'"),
        ('[[case]]\nproblem = "problems/decay.py"\nsettings = { stepz = 10 }\n', "unknown setting 'stepz'"),
        ("[settings]\nsteps = 3\n", "no cases"),
        ('[[case]]\nmethods = ["pinn"]\n', "no problem file"),
        ("[[case\n", "not valid TOML"),
    ],
)
def test_bad_suite_files_are_refused_clearly(write_suite, body, message) -> None:
    with pytest.raises(PinnsolveError, match=message):
        load_suite(write_suite(body))


def test_quick_without_quick_cases_says_what_to_add(write_suite, tmp_path) -> None:
    suite = write_suite('[[case]]\nproblem = "problems/decay.py"\nmethods = ["fd"]\n')
    with pytest.raises(PinnsolveError, match="quick = true"):
        validate_suite(suite, quick=True, out=tmp_path / "runs", log=None)


def test_a_missing_suite_file_is_named(tmp_path) -> None:
    with pytest.raises(PinnsolveError, match="does not exist"):
        load_suite(tmp_path / "nope.toml")


@pytest.mark.slow  # the CI subset of the shipped suite: about half a minute
def test_the_shipped_suite_passes_its_quick_subset(tmp_path) -> None:
    suite = Path(__file__).resolve().parents[2] / "validation" / "suite.toml"
    report = tmp_path / "REPORT.md"
    status = validate_suite(suite, quick=True, out=tmp_path / "runs", report=report, log=None)
    text = report.read_text()
    assert status == 0, text
    for name in ("decay", "logistic", "poisson1d", "heat1d", "poisson2d"):
        assert name in text


def test_cases_picks_cases_by_name(write_suite, tmp_path) -> None:
    suite = write_suite("""
[[case]]
problem = "problems/decay.py"
methods = ["fd"]
thresholds = { fd = 1e-6 }
[[case]]
name = "decay-again"
problem = "problems/decay.py"
methods = ["fd"]
thresholds = { fd = 1e-14 }
""")
    report = tmp_path / "REPORT.md"
    # the second case would fail its threshold: running only the first one passes
    assert validate_suite(suite, out=tmp_path / "runs", report=report, log=None, only=["decay"]) == 0
    assert "decay-again" not in report.read_text()
    # without --report a subset writes its report into its run directory, never over the suite's REPORT.md
    suite_report = suite.parent / "REPORT.md"  # where a full run writes it: here, the report above
    before = suite_report.read_text()
    assert validate_suite(suite, out=tmp_path / "subset", log=None, only=["decay"]) == 0
    assert (tmp_path / "subset" / "REPORT.md").is_file() and suite_report.read_text() == before
    with pytest.raises(PinnsolveError, match="no case is named 'heat'. Cases: decay, decay-again"):
        validate_suite(suite, out=tmp_path / "other", log=None, only=["heat"])
