"""ParaView files read back with meshio: right mesh, right point data, right values."""

from __future__ import annotations

import os

import meshio
import numpy as np
import pytest

from pinnsolve.io import write_paraview


def _only(run_dir, *names):
    """The run directory holds exactly these files: no temporaries left behind."""
    assert sorted(os.listdir(run_dir)) == sorted(names)


def test_1d_steady_is_a_line(tmp_path, cases):
    s = cases.poisson1d()
    path = write_paraview(s, tmp_path)
    assert path == tmp_path / "solution.vtu"
    _only(tmp_path, "solution.vtu")
    mesh = meshio.read(path)
    np.testing.assert_allclose(mesh.points[:, 0], s.axes["x"])
    assert np.all(mesh.points[:, 1:] == 0)
    assert mesh.cells[0].type == "line" and len(mesh.cells[0].data) == len(s.axes["x"]) - 1
    assert set(mesh.point_data) == {"u", "exact_u", "error_u"}
    np.testing.assert_allclose(mesh.point_data["u"], s.fields["u"])
    np.testing.assert_allclose(mesh.point_data["error_u"], s.error_field("u"))


def test_2d_grid_is_quads_in_ij_order(tmp_path, cases):
    s = cases.poisson2d()
    mesh = meshio.read(write_paraview(s, tmp_path))
    nx, ny = len(s.axes["x"]), len(s.axes["y"])
    assert mesh.cells[0].type == "quad" and len(mesh.cells[0].data) == (nx - 1) * (ny - 1)
    X, Y = np.meshgrid(s.axes["x"], s.axes["y"], indexing="ij")
    np.testing.assert_allclose(mesh.points[:, 0], X.ravel())
    np.testing.assert_allclose(mesh.points[:, 1], Y.ravel())
    np.testing.assert_allclose(mesh.point_data["u"], s.fields["u"].ravel())
    np.testing.assert_allclose(mesh.point_data["exact_u"], s.exact["u"].ravel())
    # every quad is non-degenerate and counter-clockwise seen from +z
    p = mesh.points[mesh.cells[0].data][:, :, :2]
    area = 0.5 * np.sum(p[:, :, 0] * np.roll(p[:, :, 1], -1, 1) - np.roll(p[:, :, 0], -1, 1) * p[:, :, 1], axis=1)
    assert np.all(area > 0)


def test_3d_grid_is_hexahedra(tmp_path, cases):
    s = cases.box3d()
    mesh = meshio.read(write_paraview(s, tmp_path))
    assert mesh.cells[0].type == "hexahedron" and len(mesh.cells[0].data) == 4 * 3 * 2
    np.testing.assert_allclose(
        mesh.point_data["u"], mesh.points[:, 0] + 10 * mesh.points[:, 1] + 100 * mesh.points[:, 2]
    )
    assert set(mesh.point_data) == {"u"}


@pytest.mark.parametrize("triangulated", [True, False])
def test_scattered_disk(tmp_path, cases, triangulated):
    s = cases.disk(triangulated)
    mesh = meshio.read(write_paraview(s, tmp_path))
    np.testing.assert_allclose(mesh.points[:, :2], s.points)
    kind = "triangle" if triangulated else "vertex"
    assert mesh.cells[0].type == kind
    np.testing.assert_allclose(mesh.point_data["u"], s.fields["u"])
    np.testing.assert_allclose(mesh.point_data["exact_u"], s.exact["u"])


def test_ode_is_a_line_along_t(tmp_path, cases):
    s = cases.helix()
    path = write_paraview(s, tmp_path)
    assert path.name == "solution.vtu"
    mesh = meshio.read(path)
    np.testing.assert_allclose(mesh.points[:, 0], s.axes["t"])
    assert mesh.cells[0].type == "line"
    assert set(mesh.point_data) == {f"{p}{f}" for f in "xyz" for p in ("", "exact_", "error_")}
    np.testing.assert_allclose(mesh.point_data["z"], s.fields["z"])


def _read_series(path):
    with meshio.xdmf.TimeSeriesReader(path) as reader:
        points, cells = reader.read_points_cells()
        steps = [reader.read_data(k) for k in range(reader.num_steps)]
    return points, cells, [(t, pd) for t, pd, _ in steps]


def test_time_series_1d(tmp_path, cases, monkeypatch):
    s = cases.heat1d()
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # meshio alone would drop the .h5 here
    run = tmp_path / "run"
    path = write_paraview(s, run)
    assert path == run / "solution.xdmf"
    _only(run, "solution.xdmf", "solution.h5")
    assert os.listdir(elsewhere) == []
    assert "solution.h5:/" in path.read_text()  # referenced by bare name, beside the xdmf
    points, cells, steps = _read_series(path)
    np.testing.assert_allclose(points[:, 0], s.axes["x"])
    assert cells[0].type == "line"
    np.testing.assert_allclose([t for t, _ in steps], s.axes["t"])
    for k, (_, pd) in enumerate(steps):
        assert set(pd) == {"u", "exact_u", "error_u"}
        np.testing.assert_allclose(pd["u"], s.fields["u"][:, k])
        np.testing.assert_allclose(pd["exact_u"], s.exact["u"][:, k])
        np.testing.assert_allclose(pd["error_u"], s.fields["u"][:, k] - s.exact["u"][:, k])


def test_time_series_2d_grid(tmp_path, cases):
    s = cases.heat2d()
    points, cells, steps = _read_series(write_paraview(s, tmp_path))
    assert cells[0].type == "quad" and len(steps) == len(s.axes["t"])
    np.testing.assert_allclose(steps[-1][1]["u"], s.fields["u"][:, :, -1].ravel())


def test_time_series_scattered(tmp_path, cases):
    s = cases.disk_heat()
    points, cells, steps = _read_series(write_paraview(s, tmp_path))
    np.testing.assert_allclose(points[:, :2], s.points)
    assert cells[0].type == "triangle"
    np.testing.assert_allclose(steps[2][1]["exact_u"], s.exact["u"][:, 2])


def test_field_independent_of_time_is_repeated(tmp_path, cases):
    from pinnsolve.solution import Solution

    h = cases.heat1d()
    s = Solution(
        h.problem,
        h.method,
        h.axes,
        {"u": h.fields["u"], "k": h.axes["x"] ** 2},
        {"u": ("x", "t"), "k": ("x",)},
        time_coord="t",
    )
    _, _, steps = _read_series(write_paraview(s, tmp_path))
    for _, pd in steps:
        np.testing.assert_allclose(pd["k"], h.axes["x"] ** 2)


def test_failed_write_leaves_nothing(tmp_path, cases, monkeypatch):
    import pinnsolve.io.paraview as pv

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pv, "_point_data", broken)
    with pytest.raises(OSError):
        write_paraview(cases.heat1d(), tmp_path)
    with pytest.raises(OSError):
        write_paraview(cases.poisson2d(), tmp_path)
    _only(tmp_path)


def test_killed_time_series_leaves_nothing(tmp_path, cases, monkeypatch):
    calls = []

    def dies_on_third_step(self, t, point_data=None, cell_data=None):
        calls.append(t)
        if len(calls) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(meshio.xdmf.TimeSeriesWriter, "write_data", dies_on_third_step)
    with pytest.raises(KeyboardInterrupt):
        write_paraview(cases.heat1d(), tmp_path)
    _only(tmp_path)


# -- solutions on the nodes of a mesh file: written back onto the mesh's own cells ----------


def _quad_mesh_domain(tmp_path):
    from pinnsolve.geometry import MeshDomain

    g = np.linspace(0, 2, 5)
    X, Y = np.meshgrid(g, g[:3], indexing="ij")
    index = np.arange(X.size).reshape(X.shape)
    quads = np.stack([index[:-1, :-1], index[1:, :-1], index[1:, 1:], index[:-1, 1:]], -1)
    path = tmp_path / "quads.vtu"
    meshio.write(
        path, meshio.Mesh(np.column_stack([X.ravel(), Y.ravel(), np.zeros(X.size)]), [("quad", quads.reshape(-1, 4))])
    )
    return MeshDomain(path)


def test_mesh_solution_keeps_the_mesh_cells(tmp_path):
    from pinnsolve.solution import Solution

    domain = _quad_mesh_domain(tmp_path)
    nodes = domain.grid_points((2, 2))
    u = nodes[:, 0] ** 2 + nodes[:, 1]
    s = Solution(
        "plate",
        "pinn",
        {},
        {"u": u + 0.01},
        {"u": ("x", "y")},
        exact={"u": u},
        points=nodes,
        point_coords=("x", "y"),
        triangles=domain.triangulate(nodes),
    )
    run = tmp_path / "run"
    mesh = meshio.read(write_paraview(s, run, cells=domain.cells))
    assert [c.type for c in mesh.cells] == ["quad"] and len(mesh.cells[0].data) == 8
    np.testing.assert_array_equal(mesh.cells[0].data, domain.cells[0][1])
    np.testing.assert_allclose(mesh.points[:, :2], nodes)
    np.testing.assert_allclose(mesh.point_data["u"], u + 0.01)
    np.testing.assert_allclose(mesh.point_data["error_u"], 0.01)
    # without cells=, the split triangles are written
    mesh = meshio.read(write_paraview(s, tmp_path / "tri"))
    assert mesh.cells[0].type == "triangle" and len(mesh.cells[0].data) == 16


def test_mesh_time_series_and_tetrahedra(tmp_path):
    from pinnsolve.solution import Solution

    domain = _quad_mesh_domain(tmp_path)
    nodes, t = domain.nodes, np.linspace(0, 1, 3)
    u = nodes[:, :1] * np.exp(-t)[None, :]
    s = Solution(
        "plate",
        "pinn",
        {"t": t},
        {"u": u},
        {"u": ("x", "y", "t")},
        exact={"u": u},
        points=nodes,
        point_coords=("x", "y"),
        time_coord="t",
    )
    _, cells, steps = _read_series(write_paraview(s, tmp_path / "series", cells=domain.cells))
    assert cells[0].type == "quad" and len(steps) == 3
    np.testing.assert_allclose(steps[2][1]["u"], u[:, 2])
    # a 3-D mesh: its tetrahedra, not bare vertices
    p = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1.0]])
    tets = np.array([[0, 1, 2, 3], [1, 2, 3, 4]])
    s3 = Solution(
        "tet", "pinn", {}, {"u": p.sum(axis=1)}, {"u": ("x", "y", "z")}, points=p, point_coords=("x", "y", "z")
    )
    mesh = meshio.read(write_paraview(s3, tmp_path / "tets", cells=[("tetra", tets)]))
    assert mesh.cells[0].type == "tetra"
    np.testing.assert_array_equal(mesh.cells[0].data, tets)
    np.testing.assert_allclose(mesh.point_data["u"], p.sum(axis=1))


def test_mesh_cells_are_checked(tmp_path, cases):
    with pytest.raises(ValueError, match="needs a solution on scattered points"):
        write_paraview(cases.poisson2d(), tmp_path, cells=[("triangle", np.array([[0, 1, 2]]))])
    with pytest.raises(ValueError, match="indices into the solution's 217 points"):
        write_paraview(cases.disk(), tmp_path, cells=[("triangle", np.array([[0, 1, 999]]))])
    _only(tmp_path)
