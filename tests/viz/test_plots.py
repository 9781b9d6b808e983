"""Every layout gets its pictures: PNG files that exist, have content, and are not blank.

Rendering is the slow part (about a second a figure), so each layout is drawn once.
"""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest
from matplotlib.image import imread

from pinnsolve.viz import plot_all, plot_error, plot_history, plot_solution


def assert_picture(path) -> None:
    """A PNG of real size whose pixels vary: something was drawn."""
    assert path.suffix == ".png" and path.stat().st_size > 10_000
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    image = imread(path)
    assert image.shape[0] > 200 and image.shape[1] > 200
    assert float(np.var(image[..., :3])) > 1e-3


def assert_no_open_pyplot_figures() -> None:
    if "matplotlib.pyplot" in sys.modules:  # viz never imports it; another test may have
        import matplotlib.pyplot as plt

        assert plt.get_fignums() == []


@pytest.mark.parametrize(
    "case, expected",
    [
        ("heat1d", {"solution.png", "error.png", "loss.png", "profiles.png", "animation.gif"}),
        pytest.param("disk", {"solution.png", "error.png", "loss.png"}, marks=pytest.mark.slow),
        pytest.param("helix", {"solution.png", "error.png", "loss.png", "phase.png"}, marks=pytest.mark.slow),
    ],
)
def test_plot_all(tmp_path, cases, pics, case, expected):
    paths = plot_all(cases.ALL[case](), cases.history(), tmp_path)
    assert {p.name for p in paths} == expected
    assert set(os.listdir(tmp_path)) == expected  # no temporaries left behind
    for p in paths:
        assert p.parent == tmp_path
        pics.check(p)
    assert_no_open_pyplot_figures()


@pytest.mark.parametrize(
    "case, draw, expected",
    [
        ("poisson1d", "both", {"solution.png", "error.png"}),
        ("poisson2d", "both", {"solution.png", "error.png"}),
        ("heat2d", "solution", {"solution.png"}),  # 2-D + time: snapshot rows
        ("disk_heat", "error", {"error.png"}),  # scattered in space, sampled in time
        ("disk_untriangulated", "solution", {"solution.png"}),  # no triangles: coloured points
        ("box3d", "both", {"solution.png"}),  # cut at mid-height; no exact, so no error.png
        ("oscillator", "both", {"solution.png", "phase.png"}),  # phase plane, no exact
    ],
)
def test_each_layout(tmp_path, cases, case, draw, expected):
    s = cases.ALL[case]()
    paths = []
    if draw in ("solution", "both"):
        paths += plot_solution(s, tmp_path)
    if draw in ("error", "both"):
        paths += plot_error(s, tmp_path)
    assert {p.name for p in paths} == expected == set(os.listdir(tmp_path))
    for p in paths:
        assert_picture(p)


def test_out_dir_is_created(tmp_path, cases):
    paths = plot_error(cases.poisson1d(), tmp_path / "plots" / "deep")
    assert paths == [tmp_path / "plots" / "deep" / "error.png"]


def test_history_edge_cases(tmp_path, cases):
    assert plot_history({}, tmp_path, "empty") == []
    h = cases.history()
    h["l2_relative_error"] = np.full(h["step"].shape, np.nan)  # never measured
    h["boundary"][:50] = 0.0  # exactly zero early on: left out of the log plot
    (path,) = plot_history(h, tmp_path, "no L2 measured")
    assert_picture(path)


def test_diverged_run_still_plots(tmp_path, cases):
    s = cases.heat1d()
    s.fields["u"][3, 4] = np.nan
    (path,) = plot_solution(s, tmp_path)
    assert_picture(path)
