"""The ensemble's numbers on laws whose answers are known before any network is trained."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from pinnsolve.results.ensemble import (
    ensemble_samples,
    interval_factor,
    mean_solution,
    spread_metrics,
    unknown_statistics,
)
from pinnsolve.results.samples import Samples
from pinnsolve.solution import Solution


def test_the_interval_factor_is_students_t_times_the_root_of_one_plus_one_over_k():
    assert interval_factor(5) == pytest.approx(stats.t.ppf(0.975, 4) * np.sqrt(1.2), rel=1e-12)
    assert interval_factor(5) == pytest.approx(3.0414, abs=1e-4)
    assert interval_factor(1000) == pytest.approx(1.9623 * np.sqrt(1.001), abs=1e-3)


def test_the_interval_covers_the_truth_95_percent_of_the_time_under_the_bootstrap_model():
    """θ̂ = θ + N(0, σ²) from the data; members θ̂ + N(0, σ²): the interval is exact at 95 %."""
    rng = np.random.default_rng(0)
    theta, sigma, trials, k = 0.1, 0.003, 4000, 5
    estimate = theta + sigma * rng.standard_normal(trials)
    members = estimate[:, None] + sigma * rng.standard_normal((trials, k))
    covered = [unknown_statistics(m, exact=theta)["covered"] for m in members]
    assert np.mean(covered) == pytest.approx(0.95, abs=0.012)  # binomial std 0.0034


def test_unknown_statistics_give_mean_sample_std_and_error():
    s = unknown_statistics([0.09, 0.1, 0.11], exact=0.1)
    assert s["mean"] == pytest.approx(0.1)
    assert s["std"] == pytest.approx(0.01)
    half = stats.t.ppf(0.975, 2) * 0.01 * np.sqrt(4 / 3)
    assert s["ci95"] == pytest.approx([0.1 - half, 0.1 + half])
    assert s["relative_error"] == pytest.approx(0.0, abs=1e-12) and s["covered"]
    assert not unknown_statistics([0.2, 0.2001, 0.1999], exact=0.1)["covered"]


def _members(count: int = 4) -> list[Solution]:
    x, t = np.linspace(0, 1, 11), np.linspace(0, 1, 5)
    exact = np.sin(np.pi * x)[:, None] * np.exp(-t)[None, :]
    rng = np.random.default_rng(1)
    return [
        Solution(
            "p",
            "pinn",
            {"x": x, "t": t},
            {"u": exact + 0.01 * rng.standard_normal(exact.shape)},
            {"u": ("x", "t")},
            exact={"u": exact},
            time_coord="t",
        )
        for _ in range(count)
    ]


def test_the_mean_solution_and_the_spread_of_known_members():
    members = _members()
    mean = mean_solution(members)
    stack = np.stack([m.fields["u"] for m in members])
    assert np.allclose(mean.fields["u"], stack.mean(axis=0))
    spread = spread_metrics(members, mean)
    std = stack.std(axis=0, ddof=1)
    assert spread["spread_relative"] == pytest.approx(np.linalg.norm(std) / np.linalg.norm(stack.mean(axis=0)))
    assert spread["max_std"] == pytest.approx(std.max())
    exact = members[0].exact["u"]
    errors = [np.linalg.norm(m.fields["u"] - exact) / np.linalg.norm(exact) for m in members]
    assert spread["member_l2_relative_errors"] == pytest.approx(errors)
    # averaging independent errors: the mean is closer than the typical member (by about √4)
    assert mean.metrics()["l2_relative_error"] < 0.7 * np.mean(errors)


def test_ensemble_samples_are_written_and_read_back(tmp_path):
    members = _members(3)
    samples = ensemble_samples(members, "pinn")
    samples.save(tmp_path)
    back = Samples.load(tmp_path)
    assert back.samples.shape == (3, 11, 5)
    with np.load(tmp_path / "samples.npz") as data:
        stack = np.stack([m.fields["u"] for m in members])
        assert np.allclose(data["mean_u"], stack.mean(axis=0))
        assert np.allclose(data["std_u"], stack.astype(np.float32).std(axis=0), atol=1e-7)
        assert np.allclose(data["reference_mean_u"], members[0].exact["u"])
    assert back.reference == "exact solution"


def test_every_field_of_a_system_is_written_under_its_own_name_and_read_back(tmp_path):
    """u(x, t) and v(x) of three members: samples.npz holds u, mean_u, std_u and v, mean_v, std_v."""
    x, t = np.linspace(0, 1, 11), np.linspace(0, 1, 5)
    rng = np.random.default_rng(2)
    members = [
        Solution(
            "p",
            "pinn",
            {"x": x, "t": t},
            {"u": np.outer(np.sin(np.pi * x), np.exp(-t)) + 0.01 * rng.standard_normal((11, 5)), "v": x + rng.random()},
            {"u": ("x", "t"), "v": ("x",)},
            time_coord="t",
        )
        for _ in range(3)
    ]
    ensemble_samples(members, "pinn").save(tmp_path)
    with np.load(tmp_path / "samples.npz") as data:
        for name, shape in (("u", (3, 11, 5)), ("v", (3, 11))):
            stack = np.stack([m.fields[name] for m in members])
            assert data[name].shape == shape
            assert np.allclose(data[f"mean_{name}"], stack.mean(axis=0), atol=1e-12)
            assert np.allclose(data[f"std_{name}"], stack.std(axis=0), atol=1e-12)
    back = Samples.load(tmp_path)
    assert back.field == "u" and [o.field for o in back.others] == ["v"]
    (v,) = back.others
    assert list(v.axes) == ["x"] and v.samples.shape == (3, 11) and v.reference == "none (the ensemble's own mean)"
    assert np.allclose(v.reference_mean, np.mean([m.fields["v"] for m in members], axis=0))
