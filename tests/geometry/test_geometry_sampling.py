"""Unit-cube samplers: shapes, ranges, determinism, uniformity, the registry."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats

from pinnsolve.errors import GeometryError, SettingsError
from pinnsolve.geometry import SAMPLERS, sample_unit_cube, unit_cube_stream


def test_registry_names():
    assert SAMPLERS == ("sobol", "halton", "lhs", "random")


@pytest.mark.parametrize("method", SAMPLERS)
@pytest.mark.parametrize("n", [1, 100, 256])
def test_shape_range_and_no_warnings(method, n):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        u = sample_unit_cube(n, 3, method, np.random.default_rng(0))
    assert u.shape == (n, 3)
    assert np.all((u >= 0) & (u < 1))
    assert len(np.unique(u, axis=0)) == n


@pytest.mark.parametrize("method", SAMPLERS)
def test_same_seed_same_points(method):
    a = sample_unit_cube(50, 2, method, np.random.default_rng(7))
    b = sample_unit_cube(50, 2, method, np.random.default_rng(7))
    c = sample_unit_cube(50, 2, method, np.random.default_rng(8))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.parametrize("method", SAMPLERS)
def test_uniform_by_chi_square(method):
    # 8 x 8 cells, 4096 points: 64 expected per cell.
    u = sample_unit_cube(4096, 2, method, np.random.default_rng(1))
    counts, _, _ = np.histogram2d(u[:, 0], u[:, 1], bins=8, range=[[0, 1], [0, 1]])
    assert stats.chisquare(counts.ravel()).pvalue > 1e-4


def test_low_discrepancy_beats_random():
    from scipy.stats import qmc

    rng = np.random.default_rng(3)
    sobol = qmc.discrepancy(sample_unit_cube(1024, 2, "sobol", rng))
    random = qmc.discrepancy(sample_unit_cube(1024, 2, "random", rng))
    assert sobol < random / 5


def test_stream_continues_the_sequence():
    # Two draws from one stream give the same points as one draw of both.
    draw = unit_cube_stream(2, "sobol", 5)
    split = np.vstack((draw(64), draw(64)))
    whole = sample_unit_cube(128, 2, "sobol", 5)
    np.testing.assert_array_equal(split, whole)


def test_unknown_sampler_lists_valid_names():
    with pytest.raises(SettingsError, match="sobol, halton, lhs, random"):
        sample_unit_cube(4, 2, "grid")


def test_bad_counts_raise():
    with pytest.raises(GeometryError, match="non-negative"):
        sample_unit_cube(-1, 2)
    with pytest.raises(GeometryError, match="non-negative"):
        sample_unit_cube(2.5, 2)


def test_zero_dimensional_cube():
    assert sample_unit_cube(3, 0).shape == (3, 0)
