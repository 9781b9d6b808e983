"""The --space grammar: ranges, log ranges, choices, fixed values, and the errors for each mistake."""

from __future__ import annotations

import optuna
import pytest

from pinnsolve.tune.space import SpaceError, as_flags, parse_space, sample

SPEC = "width=16:128,depth=2:6,lr=1e-4:1e-2:log,activation=tanh|sin|silu,points=1000:8000,steps=500"


def test_the_issue_space_parses_into_typed_dimensions():
    dims = {d.name: d for d in parse_space(SPEC)}
    assert (dims["width"].kind, dims["width"].low, dims["width"].high) == ("int", 16, 128)
    assert dims["lr"].kind == "float" and dims["lr"].log and dims["lr"].low == pytest.approx(1e-4)
    assert dims["activation"].choices == ("tanh", "sin", "silu")
    assert (dims["steps"].kind, dims["steps"].value) == ("fixed", 500)


def test_sampled_values_lie_in_their_ranges():
    dims = parse_space(SPEC + ",weight.bc=0.1:10:log")
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=3))
    for _ in range(20):
        values = sample(study.ask(), dims)
        assert 16 <= values["width"] <= 128 and isinstance(values["width"], int)
        assert 1e-4 <= values["lr"] <= 1e-2 and 0.1 <= values["weight.bc"] <= 10
        assert values["activation"] in ("tanh", "sin", "silu") and values["steps"] == 500


def test_flags_give_back_the_exact_values():
    flags = as_flags({"lr": 0.0012345678901234567, "boundary_points": 64, "weight.bc": 2.5})
    assert flags == ["--lr", "0.0012345678901234567", "--boundary-points", "64", "--weight", "bc=2.5"]


@pytest.mark.parametrize(
    "text, words",
    [
        ("width=16", "searches nothing"),
        ("colour=1:2", "not a setting that can be tuned"),
        ("width=128:16", "not below the high end"),
        ("lr=0:1e-2:log", "positive low end"),
        ("width=16.5:20", "not a whole number"),
        ("activation=tanh|relu6", "'relu6' is not one of them"),
        ("width=16:a", "'a' is not a number"),
        ("width", "not of the form name=range"),
        ("width=8:16,width=4:8", "twice"),
        ("lr=1:2:3", "low:high or low:high:log"),
    ],
)
def test_mistakes_are_named_with_the_fix(text, words):
    with pytest.raises(SpaceError, match=words):
        parse_space(text + ("" if "searches" in words else ",depth=2:3"))


def test_the_default_trial_budget_fills_in_only_what_the_space_leaves_out():
    from pinnsolve.tune.space import TRIAL_BUDGET, with_budget

    dims, added = with_budget(parse_space("width=8:16"), ["width", "steps", "lbfgs_steps"])
    assert added == TRIAL_BUDGET and {d.name: d.value for d in dims if d.kind == "fixed"} == TRIAL_BUDGET
    dims, added = with_budget(parse_space("width=8:16,steps=30"), ["width", "steps", "lbfgs_steps"])
    assert added == {"lbfgs_steps": TRIAL_BUDGET["lbfgs_steps"]}
    assert [d.value for d in dims if d.name == "steps"] == [30]
    assert with_budget(parse_space("width=8:16"), ["width"])[1] == {}  # a method without step settings
