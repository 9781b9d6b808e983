"""Every kind of plot, drawn for the shipped problems; choosing kinds, times and formats."""

from __future__ import annotations

import os

import numpy as np
import pytest

from pinnsolve.viz import KINDS, applicable_kinds, plot_all, save_collocation
from pinnsolve.viz.collocation import load_collocation

# The kinds each shipped problem gets. The fast suite draws three of them (the 1-D + time
# kinds are drawn fast in test_plots.py::test_plot_all[heat1d]); the rest run as slow tests.
EXPECTED = {
    "heat1d": {"solution", "error", "profiles", "animation"},  # 1-D + time
    "poisson1d": {"solution", "error"},  # 1-D steady
    "poisson2d": {"solution", "error"},  # 2-D grid: filled contours
    "plate_hole": {"solution", "error"},  # 2-D mesh: tripcolor with the outline, hole included
    "lorenz": {"solution", "phase"},  # ODE system in 3-D
    "lotka_volterra": {"solution", "phase"},  # ODE system in 2-D
    "sir": {"solution", "phase"},
    "burgers1d": {"solution", "profiles", "animation"},  # no exact solution
    "wave1d": {"solution", "error", "profiles", "animation"},
    "heat_neumann": {"solution", "error", "profiles", "animation"},
    "heat2d_neumann": {"solution", "error"},  # 2-D + time: the field at a few times, filled contours
    "poisson_disk": {"solution", "error"},
    "decay": {"solution", "error"},
    "logistic": {"solution", "error"},
    "oscillator": {"solution", "error"},
    "inverse_diffusivity": {"solution", "error", "profiles", "animation"},  # heat1d with measurements
}
FAST = ("plate_hole", "lorenz", "poisson1d")


# problems with random inputs: their figures are those of their ensembles (tests/generative)
RANDOM_INPUTS = {"stochastic_decay", "stochastic_heat", "darcy1d_kl"}


def test_every_shipped_problem_is_listed(problems_dir):
    assert set(EXPECTED) | RANDOM_INPUTS == {p.stem for p in problems_dir.glob("*.py")}


@pytest.mark.parametrize(
    "name", [n if n in FAST else pytest.param(n, marks=pytest.mark.slow) for n in sorted(EXPECTED)]
)
def test_shipped_problems(tmp_path, shipped, pics, name):
    """Every kind that applies to a shipped problem is drawn, and is a real picture."""
    s = shipped(name)
    assert set(applicable_kinds(s)) == EXPECTED[name]
    paths = plot_all(s, None, tmp_path)
    assert {p.stem for p in paths} == EXPECTED[name]
    for p in paths:
        pics.check(p)


def test_training_kinds(tmp_path, cases, pics):
    """Loss against step and wall time; collocation points with the added ones marked."""
    s = cases.heat1d()
    rng = np.random.default_rng(0)
    sets = {
        "interior": rng.random((500, 2)),
        "boundary": np.column_stack([rng.integers(0, 2, 100), rng.random(100)]),
        "initial": np.column_stack([rng.random(50), np.zeros(50)]),
        "added": rng.random((40, 2)),
    }
    path = save_collocation(tmp_path / "collocation.npz", sets, ("x", "t"))
    loaded, coords = load_collocation(path)
    assert coords == ("x", "t") and set(loaded) == set(sets)
    np.testing.assert_array_equal(loaded["added"], sets["added"])
    paths = plot_all(
        s, cases.history(), tmp_path / "plots", kinds=["loss", "collocation"], collocation=(loaded, coords)
    )
    assert [p.name for p in paths] == ["loss.png", "collocation.png"]
    for p in paths:
        pics.picture(p)


@pytest.mark.parametrize("fmt, magic", [("pdf", b"%PDF"), ("svg", b"<?xml")])
def test_formats(tmp_path, cases, fmt, magic):
    (path,) = plot_all(cases.poisson1d(), None, tmp_path, kinds=["error"], fmt=fmt)
    assert path.name == f"error.{fmt}" and path.read_bytes()[:5].startswith(magic)


def test_times_choose_profiles_and_snapshots(tmp_path, cases, pics):
    from pinnsolve.viz.views import time_indices

    (path,) = plot_all(cases.heat1d(), None, tmp_path, kinds=["profiles"], times=[0, 0.5, 1])
    pics.picture(path)
    heat2d = cases.heat2d()  # t = 0, 0.02, ..., 0.1: the nearest samples, each once, in order
    assert time_indices(heat2d, [0.1, 0.021, 0.019], 3) == [1, 5]
    assert time_indices(heat2d, None, 3) == [0, 2, 5]
    with pytest.raises(ValueError, match=r"--times 2 outside .*\[0, 1\]"):
        plot_all(cases.heat1d(), None, tmp_path, times=[0.5, 2])
    with pytest.raises(ValueError, match="no time axis"):
        plot_all(cases.poisson1d(), None, tmp_path, times=[0.5])


def test_kind_errors(tmp_path, cases):
    with pytest.raises(ValueError, match="unknown plot kind 'heatmap'; choose from: solution"):
        plot_all(cases.poisson1d(), None, tmp_path, kinds=["heatmap"])
    with pytest.raises(ValueError, match="'animation' plot .* needs one space coordinate"):
        plot_all(cases.poisson1d(), None, tmp_path, kinds=["animation"])
    with pytest.raises(ValueError, match="'error' plot .* no exact solution"):
        plot_all(cases.box3d(), None, tmp_path, kinds=["error"])
    with pytest.raises(ValueError, match="'loss' plot .* no training history"):
        plot_all(cases.box3d(), None, tmp_path, kinds=["loss"])
    with pytest.raises(ValueError, match="format 'jpg'"):
        plot_all(cases.box3d(), None, tmp_path, fmt="jpg")
    assert os.listdir(tmp_path) == []
    assert set(KINDS) == {
        "solution",
        "error",
        "profiles",
        "animation",
        "phase",
        "loss",
        "collocation",
        "error_vs_time",
        "error_growth",
        "error_vs_latent",
    }
