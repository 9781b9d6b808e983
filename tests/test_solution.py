"""The Solution type: layout checks, error norms against hand computation, the npz contract."""

from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest

from pinnsolve.solution import Solution


def heat_grid() -> Solution:
    """u* = sin(πx) e^{−t}; the prediction is off by a constant 0.01."""
    x, t = np.linspace(0, 1, 11), np.linspace(0, 1, 5)
    X, T = np.meshgrid(x, t, indexing="ij")
    exact = np.sin(np.pi * X) * np.exp(-T)
    return Solution(
        "heat1d", "pinn", {"x": x, "t": t}, {"u": exact + 0.01}, {"u": ("x", "t")}, exact={"u": exact}, time_coord="t"
    )


def scattered() -> Solution:
    p = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    return Solution(
        "square",
        "fd",
        {},
        {"u": np.array([1.0, 2.0, 3.0, 4.0])},
        {"u": ("x", "y")},
        exact={"u": np.array([1.0, 2.0, 3.0, 2.0])},
        points=p,
        point_coords=("x", "y"),
        triangles=np.array([[0, 1, 3], [0, 3, 2]]),
    )


# -- layout ------------------------------------------------------------------------------------


def test_layout_properties():
    s = heat_grid()
    assert s.is_grid and not s.is_ode and not s.is_steady
    assert s.space_coords == ("x",) and s.full_shape == (11, 5)
    d = scattered()
    assert not d.is_grid and d.n_points == 4 and d.is_steady and d.space_coords == ("x", "y")
    ode = Solution("decay", "trial", {"t": np.linspace(0, 1, 3)}, {"y": np.ones(3)}, {"y": ("t",)}, time_coord="t")
    assert ode.is_ode


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(fields={"u": np.zeros((5, 11))}), r"expected \(11, 5\)"),
        (dict(field_coords={"u": ("x", "s")}), "unknown coordinates"),
        (dict(field_coords={}), "no entry in field_coords"),
        (dict(exact={"v": np.zeros((11, 5))}), "not a field"),
        (dict(time_coord="tau"), "not a coordinate"),
        (dict(fields={"x": np.zeros(11)}, field_coords={"x": ("x",)}, exact={}), "clashes"),
    ],
)
def test_broken_layouts_are_refused(change, message):
    s = heat_grid()
    kwargs = dict(
        problem=s.problem,
        method=s.method,
        axes=s.axes,
        fields=s.fields,
        field_coords=s.field_coords,
        exact=s.exact,
        time_coord=s.time_coord,
    )
    kwargs.update(change)
    with pytest.raises(ValueError, match=message):
        Solution(**kwargs)


def test_broadcast_of_a_field_on_fewer_coordinates():
    s = heat_grid()
    k = Solution(s.problem, s.method, s.axes, {"k": s.axes["t"] * 2}, {"k": ("t",)}, time_coord="t")
    full = k.broadcast("k")
    assert full.shape == (11, 5)
    np.testing.assert_allclose(full[3], s.axes["t"] * 2)
    # a field stored as (t, x) against axes (x, t) is transposed into axes order
    u = Solution(s.problem, s.method, s.axes, {"u": s.fields["u"].T}, {"u": ("t", "x")})
    np.testing.assert_allclose(u.broadcast("u"), s.fields["u"])


def test_select_and_at_time():
    s = heat_grid()
    snap = s.at_time(0.49)  # nearest sample is t = 0.5
    assert snap.time_coord is None and list(snap.axes) == ["x"]
    np.testing.assert_allclose(snap.fields["u"], s.fields["u"][:, 2])
    np.testing.assert_allclose(snap.exact["u"], s.exact["u"][:, 2])
    assert snap.field_coords["u"] == ("x",)
    with pytest.raises(ValueError):
        scattered().at_time(0.0)


# -- errors ------------------------------------------------------------------------------------


def test_errors_by_hand():
    s = heat_grid()
    e = s.errors()
    expected = 0.01 * math.sqrt(s.exact["u"].size) / math.sqrt(np.sum(s.exact["u"] ** 2))
    assert e["l2_relative_error"] == pytest.approx(expected, rel=1e-12)
    assert e["max_abs_error"] == pytest.approx(0.01)
    assert e["fields"]["u"]["l2_relative_error"] == pytest.approx(expected, rel=1e-12)
    assert "l2_is_absolute" not in e
    np.testing.assert_allclose(s.error_field("u"), 0.01)


def test_errors_over_several_fields_pool_the_norms():
    t = np.linspace(0, 1, 3)
    s = Solution(
        "sys",
        "fd",
        {"t": t},
        {"a": np.array([1.0, 1.0, 1.0]), "b": np.array([0.0, 0.0, 2.0]), "c": np.zeros(3)},
        {"a": ("t",), "b": ("t",), "c": ("t",)},
        exact={"a": np.array([1.0, 1.0, 0.0]), "b": np.array([0.0, 0.0, 1.0])},
        time_coord="t",
    )
    e = s.errors()
    # ||e||² = 1 + 1, ||u*||² = 2 + 1
    assert e["l2_relative_error"] == pytest.approx(math.sqrt(2 / 3))
    assert e["max_abs_error"] == 1.0
    assert e["fields"]["a"]["l2_relative_error"] == pytest.approx(math.sqrt(1 / 2))
    assert e["fields"]["b"]["l2_relative_error"] == pytest.approx(1.0)
    assert set(e["fields"]) == {"a", "b"}  # c has no exact solution


def test_zero_exact_solution_gives_absolute_norm():
    x = np.linspace(0, 1, 4)
    s = Solution("rest", "fd", {"x": x}, {"u": np.array([0.0, 3.0, 4.0, 0.0])}, {"u": ("x",)}, exact={"u": np.zeros(4)})
    e = s.errors()
    assert e["l2_is_absolute"] is True and e["l2_relative_error"] == pytest.approx(5.0)
    assert e["fields"]["u"]["l2_is_absolute"] is True


def test_errors_scattered_and_none():
    e = scattered().errors()
    assert e["l2_relative_error"] == pytest.approx(2 / math.sqrt(18))
    assert e["max_abs_error"] == 2.0
    s = heat_grid()
    bare = Solution(s.problem, s.method, s.axes, s.fields, s.field_coords)
    assert bare.errors() == {}
    with pytest.raises(KeyError, match="no exact solution"):
        bare.error_field("u")


# -- npz ---------------------------------------------------------------------------------------


def _same(a: Solution, b: Solution) -> None:
    assert (a.problem, a.method, a.time_coord, a.point_coords) == (b.problem, b.method, b.time_coord, b.point_coords)
    assert list(a.axes) == list(b.axes) and list(a.fields) == list(b.fields)
    assert a.field_coords == b.field_coords and set(a.exact) == set(b.exact)
    for name in a.axes:
        np.testing.assert_array_equal(a.axes[name], b.axes[name])
    for group in ("fields", "exact"):
        for name, v in getattr(a, group).items():
            np.testing.assert_array_equal(v, getattr(b, group)[name])
    for name in ("points", "triangles"):
        va, vb = getattr(a, name), getattr(b, name)
        assert (va is None) == (vb is None)
        if va is not None:
            np.testing.assert_array_equal(va, vb)


def test_npz_round_trip_grid(tmp_path):
    s = heat_grid()
    path = s.save_npz(tmp_path / "solution.npz")
    assert os.listdir(tmp_path) == ["solution.npz"]
    _same(s, Solution.load_npz(path))
    with np.load(path, allow_pickle=False) as data:
        assert set(data.files) == {"x", "t", "u", "exact_u", "__meta__"}
        assert data["u"].shape == (11, 5)
        meta = json.loads(str(data["__meta__"]))
    assert meta["problem"] == "heat1d" and meta["method"] == "pinn"
    assert meta["field_coords"] == {"u": ["x", "t"]} and meta["time_coord"] == "t"


def test_npz_round_trip_scattered(tmp_path):
    s = scattered()
    path = s.save_npz(tmp_path / "solution.npz")
    _same(s, Solution.load_npz(path))
    with np.load(path, allow_pickle=False) as data:
        assert set(data.files) == {"points", "x", "y", "triangles", "u", "exact_u", "__meta__"}
        assert data["points"].shape == (4, 2) and data["u"].shape == (4,)
        np.testing.assert_array_equal(data["y"], s.points[:, 1])


def test_npz_round_trip_scattered_in_time(tmp_path):
    p = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    t = np.linspace(0, 1, 4)
    s = Solution(
        "heat_disk",
        "pinn",
        {"t": t},
        {"u": np.outer(p[:, 0], t)},
        {"u": ("x", "y", "t")},
        points=p,
        point_coords=("x", "y"),
        time_coord="t",
    )
    assert s.full_shape == (3, 4)
    _same(s, Solution.load_npz(s.save_npz(tmp_path / "s.npz")))


def test_load_refuses_foreign_npz(tmp_path):
    np.savez(tmp_path / "other.npz", u=np.ones(2))
    with pytest.raises(ValueError, match="not a pinnsolve solution"):
        Solution.load_npz(tmp_path / "other.npz")
