"""Property-based tests of the flag parsers and the loader; determinism; a NaN injected mid-run recovers."""

from __future__ import annotations

import json
import math

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinnsolve.cli import main
from pinnsolve.dsl.assignments import parse_assignments, parse_sets
from pinnsolve.errors import PinnsolveError, SettingsError
from pinnsolve.methods.options import make_settings

NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)
FINITE = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9)


@given(st.dictionaries(NAMES, st.integers(0, 10**6), min_size=1, max_size=4))
def test_grid_assignments_round_trip(sizes):
    text = ",".join(f"{k}={v}" for k, v in sizes.items())
    assert parse_assignments(text, "--grid", int) == sizes


@given(st.dictionaries(NAMES, FINITE, min_size=1, max_size=4))
def test_set_and_weight_round_trip(values):
    text = ",".join(f"{k}={v!r}" for k, v in values.items())
    assert parse_assignments(text, "--weight") == values
    assert parse_sets([text]) == {k: repr(v) for k, v in values.items()}


@given(st.text(max_size=30))
def test_any_text_parses_or_is_a_settings_error(text):
    for number in (int, float, str):
        try:
            parsed = parse_assignments(text, "--grid", number)
        except SettingsError as exc:
            assert "--grid" in str(exc)
        else:
            assert all(isinstance(k, str) and k == k.strip() and k for k in parsed)


@given(st.dictionaries(NAMES, st.one_of(FINITE, st.just(math.nan), st.just(math.inf), st.just(-1.0)), max_size=3))
def test_weights_are_finite_and_non_negative_or_refused(weights):
    try:
        made = make_settings("pinn", {"weights": weights}, source="key").weights
    except SettingsError as exc:
        bad = [w for w in weights.values() if not (math.isfinite(w) and w >= 0)]
        assert bad and "weights" in str(exc)
    else:
        assert all(math.isfinite(w) and w >= 0 for w in made.values())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200))
def test_loader_turns_any_bytes_into_a_problem_or_a_clean_error(tmp_path, data):
    from pinnsolve.dsl import load_problem

    path = tmp_path / "fuzz.py"
    path.write_bytes(b"from pinnsolve import *\n" + data)
    try:
        load_problem(path)
    except PinnsolveError as exc:
        assert str(path) in str(exc)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lo=FINITE, width=st.floats(-10, 10), k=st.one_of(FINITE, st.just(math.nan)))
def test_loader_on_random_ranges_and_parameters(write_problem, lo, width, k):
    from pinnsolve.dsl import load_problem

    path = write_problem(f"""
        from pinnsolve import *
        x = Space("x", {lo!r}, {lo + width!r})
        u = Field("u", x)
        k = Parameter("k", {k!r} if {k!r} == {k!r} else float("nan"))
        problem = Problem("p", equations=[Eq(D(u, x, 2), k)], conditions=[Dirichlet(u, 0)])
    """)
    try:
        problem = load_problem(path)
    except PinnsolveError as exc:
        assert "problem.py" in str(exc)
    else:
        assert width > 0 and math.isfinite(k) and problem.domain is not None


def test_same_seed_same_metrics_bit_for_bit(problems_dir, tmp_path):
    flags = [
        "--steps",
        "20",
        "--lbfgs-steps",
        "5",
        "--width",
        "6",
        "--depth",
        "2",
        "--points",
        "32",
        "--quiet",
        "--threads",
        "1",
        "--seed",
        "7",
    ]
    numbers = []
    for name in ("a", "b"):
        assert main(["solve", str(problems_dir / "decay.py"), *flags, "--out", str(tmp_path / name)]) == 0
        metrics = json.loads((tmp_path / name / "metrics.json").read_text())
        numbers.append({k: v for k, v in metrics.items() if isinstance(v, float) and "time" not in k})
    assert numbers[0] and numbers[0] == numbers[1]  # bit-identical floats, wall times aside


def test_nan_injected_mid_run_recovers_by_rollback():
    from pinnsolve.train import TrainConfig, Trainer

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(1, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1)).double()
    x = torch.linspace(0, 1, 32, dtype=torch.float64)[:, None]
    calls = {"n": 0}

    def objective(m: torch.nn.Module) -> dict[str, torch.Tensor]:
        calls["n"] += 1
        loss = ((m(x) - torch.sin(3 * x)) ** 2).mean()
        if calls["n"] == 40:  # one poisoned evaluation, as from a bad batch or an overflow
            loss = loss * float("nan")
        return {"fit": loss}

    trainer = Trainer(model, objective, TrainConfig(steps=100, lbfgs_steps=0, lr=1e-2))
    history = trainer.run()
    assert trainer.failures == 1 and trainer.step == 100
    assert all(math.isfinite(r.loss) for r in history) and history[-1].loss < history[0].loss
    assert all(torch.isfinite(p).all() for p in model.parameters())


@pytest.mark.parametrize("flag", ["--lr=nan", "--lr=inf"])
def test_non_finite_lr_never_reaches_the_trainer(problems_dir, tmp_path, capsys, flag):
    assert main(["solve", str(problems_dir / "decay.py"), flag, "--out", str(tmp_path / "r")]) == 2
    assert "--lr" in capsys.readouterr().err and not (tmp_path / "r").exists()
