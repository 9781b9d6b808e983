"""Mesh-file domains: uniform sampling by cell measure, outward normals, named groups, errors."""

from __future__ import annotations

from pathlib import Path

import meshio
import numpy as np
import pytest
from scipy.spatial import Delaunay

from pinnsolve.errors import GeometryError
from pinnsolve.geometry import SAMPLERS, MeshDomain

ROOT = Path(__file__).resolve().parents[2]
PLATE = ROOT / "problems" / "meshes" / "plate_hole.msh"
R_HOLE = 0.4


def _assert_outward(domain, points, normals, eps=1e-6):
    np.testing.assert_allclose(np.linalg.norm(normals, axis=1), 1.0)
    assert not domain.contains(points + eps * normals).any()
    assert domain.contains(points - eps * normals).all()


def _cell_counts(domain, points):
    """How many points fall in each cell (each point located in exactly one cell)."""
    cell = domain._locate(points)
    assert np.all(cell >= 0)
    return np.bincount(cell, minlength=len(domain.simplices))


def _cube_tets(n=4):
    """The unit cube in (n-1)³ cells of 6 tetrahedra each (Freudenthal: conforming)."""
    from itertools import permutations

    g = np.linspace(0, 1, n)
    p = np.stack(np.meshgrid(g, g, g, indexing="ij"), -1).reshape(-1, 3)
    index = np.arange(len(p)).reshape(n, n, n)
    corner = np.stack(np.meshgrid(*[np.arange(n - 1)] * 3, indexing="ij"), -1).reshape(-1, 3)
    tets = []
    for order in permutations(range(3)):  # a path from (0,0,0) to (1,1,1), one axis at a time
        path = [corner.copy()]
        for axis in order:
            step = path[-1].copy()
            step[:, axis] += 1
            path.append(step)
        tets.append(np.stack([index[q[:, 0], q[:, 1], q[:, 2]] for q in path], axis=1))
    return p, np.concatenate(tets)


def _write_gmsh(path, points, cells, groups):
    """A gmsh 2.2 file: ``cells`` [(type, data)], ``groups`` {name: (block index, dim)}."""
    tags = [np.zeros(len(data), dtype=int) for _, data in cells]
    field_data = {}
    for k, (name, (block, dim)) in enumerate(groups.items(), start=1):
        tags[block][:] = k
        field_data[name] = np.array([k, dim])
    meshio.write(
        path,
        meshio.Mesh(points, cells, cell_data={"gmsh:physical": tags, "gmsh:geometrical": tags}, field_data=field_data),
        file_format="gmsh22",
        binary=False,
    )
    return path


@pytest.fixture(scope="module")
def plate():
    return MeshDomain(PLATE)


def test_plate_hole_measures_and_parts(plate):
    assert not plate.is_box and plate.dim == 2 and plate.names == ("x", "y")
    assert plate.boundary_parts() == ("hole", "outer")
    # The hole is a polygon of 80 chords inscribed in the circle: slightly less than πR².
    assert plate.measure() == pytest.approx(4 - np.pi * R_HOLE**2, rel=2e-3)
    assert plate.boundary_measure() == pytest.approx(8 + 2 * np.pi * R_HOLE, rel=2e-3)
    lo, hi = plate.bounds()
    np.testing.assert_allclose(lo, [-1, -1])
    np.testing.assert_allclose(hi, [1, 1])
    assert PLATE.stat().st_size < 200_000


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_interior_uniform_by_cell_area(plate, sampler):
    """Counts per cell ∝ cell area: a chi-square over all cells, and by area decile."""
    n = 20_000
    points = plate.sample_interior(n, sampler, rng=7)
    assert points.shape == (n, 2) and plate.contains(points).all()
    assert len(np.unique(points, axis=0)) == n
    counts = _cell_counts(plate, points)
    area = plate._volumes
    expected = n * area / area.sum()
    chi2 = float(np.sum((counts - expected) ** 2 / expected))
    dof = len(area) - 1
    # Quasi-random points are more even than random ones (chi² well below dof); random
    # ones scatter as chi² with dof degrees of freedom: 5 sigma above its mean at most.
    assert chi2 < dof + 5 * np.sqrt(2 * dof)
    # The graded mesh has small cells at the hole and large ones outside: each size class
    # must get its share of the points.
    deciles = np.searchsorted(np.quantile(area, np.linspace(0, 1, 11)[1:-1]), area)
    for k in range(10):
        share = area[deciles == k].sum() / area.sum()
        got = counts[deciles == k].sum()
        assert abs(got - n * share) <= 5 * np.sqrt(n * share * (1 - share)) + 1


def test_boundary_uniform_by_length_with_outward_normals(plate, binomial_ok):
    n = 4000
    points, normals = plate.sample_boundary(n, "random", rng=3)
    assert plate.on_boundary(points).all()
    _assert_outward(plate, points, normals)
    on_hole = plate.on_boundary(points, part="hole")
    hole_share = plate._candidate_measure(frozenset({"hole"})) / plate.boundary_measure()
    assert binomial_ok(int(on_hole.sum()), n, hole_share)
    # On the hole the plate's outward normal points into the hole, towards the centre.
    radial = points[on_hole] / np.linalg.norm(points[on_hole], axis=1, keepdims=True)
    assert np.all(np.einsum("nd,nd->n", normals[on_hole], radial) < -0.99)
    np.testing.assert_allclose(plate.outward_normal(points), normals, atol=1e-9)


def test_named_parts_sample_only_their_facets(plate):
    outer, n_out = plate.sample_boundary(500, rng=1, part="outer", extra_bounds=[(0.0, 2.0)])
    assert outer.shape == (500, 3) and np.all((outer[:, 2] >= 0) & (outer[:, 2] <= 2))
    np.testing.assert_allclose(np.max(np.abs(outer[:, :2]), axis=1), 1.0, atol=1e-12)
    assert plate.on_boundary(outer[:, :2], part="outer").all()
    assert not plate.on_boundary(outer[:, :2], part="hole").any()
    hole, _ = plate.sample_boundary(300, rng=2, part=["hole"])
    r = np.linalg.norm(hole, axis=1)
    assert np.all((r <= R_HOLE + 1e-9) & (r >= R_HOLE * np.cos(np.pi / 80) - 1e-9))


def test_contains_and_evaluation_points(plate):
    inside = plate.contains([[0.0, 0.0], [0.3, 0.0], [0.5, 0.5], [1.0, 1.0], [1.01, 0.0], [-1.0, 0.2], [R_HOLE, 0.0]])
    np.testing.assert_array_equal(inside, [False, False, True, True, False, True, True])
    nodes = plate.grid_points((201, 201))  # the shape is not used: the nodes are the grid
    np.testing.assert_array_equal(nodes, plate.nodes)
    tri = plate.triangulate(nodes)
    np.testing.assert_array_equal(tri, plate.simplices)
    # Other points: a Delaunay triangulation that does not bridge the hole.
    other = plate.triangulate(nodes[::3])
    centroids = nodes[::3][other].mean(axis=1)
    assert plate.contains(centroids).all()


def test_quads_are_split_and_kept(tmp_path):
    g = np.linspace(0, 2, 5)
    X, Y = np.meshgrid(g, g[:3], indexing="ij")
    points = np.column_stack([X.ravel(), Y.ravel(), np.zeros(X.size)])
    index = np.arange(X.size).reshape(X.shape)
    quads = np.stack([index[:-1, :-1], index[1:, :-1], index[1:, 1:], index[:-1, 1:]], -1)
    path = tmp_path / "plate.vtu"
    meshio.write(path, meshio.Mesh(points, [("quad", quads.reshape(-1, 4))]))
    domain = MeshDomain(path)
    assert domain.measure() == pytest.approx(2.0)
    assert domain.boundary_measure() == pytest.approx(6.0)
    assert len(domain.simplices) == 2 * len(quads.reshape(-1, 4))
    ((kind, block),) = domain.cells
    assert kind == "quad" and block.shape == (8, 4)
    p, nrm = domain.sample_boundary(400, rng=0)
    _assert_outward(domain, p, nrm)
    # axis-aligned edges: normals are exactly ±x or ±y (corners aside)
    assert np.allclose(np.sort(np.abs(nrm), axis=1), [0, 1])


def test_tetrahedra_with_named_face(tmp_path, binomial_ok):
    points, tets = _cube_tets()
    faces = np.sort(
        np.concatenate([tets[:, [0, 1, 2]], tets[:, [0, 1, 3]], tets[:, [0, 2, 3]], tets[:, [1, 2, 3]]]), axis=1
    )
    inlet = np.unique(faces[np.all(points[faces][:, :, 0] == 0.0, axis=1)], axis=0)
    path = _write_gmsh(
        tmp_path / "cube.msh", points, [("triangle", inlet), ("tetra", tets)], {"inlet": (0, 2), "body": (1, 3)}
    )
    cube = MeshDomain(path, coords=("x", "y", "z"))
    assert cube.dim == 3 and cube.boundary_parts() == ("inlet",)
    assert cube.measure() == pytest.approx(1.0)
    assert cube.boundary_measure() == pytest.approx(6.0)
    n = 4000
    inner = cube.sample_interior(n, rng=0)
    assert cube.contains(inner).all()
    assert binomial_ok(int(np.sum(np.all(inner < 0.5, axis=1))), n, 1 / 8)
    p, nrm = cube.sample_boundary(2000, rng=1)
    _assert_outward(cube, p, nrm)
    face = np.argmax(np.abs(nrm), axis=1)
    np.testing.assert_allclose(np.abs(nrm[np.arange(len(nrm)), face]), 1.0)
    assert binomial_ok(int(np.sum((face == 0) & (nrm[:, 0] < 0))), 2000, 1 / 6)
    q, qn = cube.sample_boundary(300, rng=2, part="inlet")
    np.testing.assert_allclose(q[:, 0], 0.0, atol=1e-12)
    np.testing.assert_allclose(qn, np.tile([-1.0, 0.0, 0.0], (300, 1)), atol=1e-12)
    assert cube.on_boundary(q, part="inlet").all()
    np.testing.assert_array_equal(cube.contains([[0.5, 0.5, 0.5], [1.2, 0.5, 0.5]]), [True, False])


def test_concave_mesh_contains_and_corner_normals(tmp_path):
    """An L-shape: the re-entrant corner is neither bridged nor given a wrong normal."""
    g = np.linspace(0, 2, 9)
    p = np.stack(np.meshgrid(g, g, indexing="ij"), -1).reshape(-1, 2)
    p = p[~((p[:, 0] > 1) & (p[:, 1] > 1))]
    tri = Delaunay(p).simplices  # the convex hull: drop the triangles filling the notch
    tri = tri[~((p[tri].mean(axis=1) > 1).all(axis=1))]
    path = tmp_path / "ell.vtu"
    meshio.write(path, meshio.Mesh(np.column_stack([p, np.zeros(len(p))]), [("triangle", tri)]))
    ell = MeshDomain(path)
    assert ell.measure() == pytest.approx(3.0)
    np.testing.assert_array_equal(ell.contains([[1.5, 1.5], [0.5, 1.5], [1.5, 0.5]]), [False, True, True])
    pts, nrm = ell.sample_boundary(800, rng=4)
    _assert_outward(ell, pts, nrm)
    np.testing.assert_allclose(ell.outward_normal([[1.0, 1.0]]), [[np.sqrt(0.5), np.sqrt(0.5)]])


# -- paths and errors ------------------------------------------------------------------------


def test_relative_path_is_resolved_against_the_problem_file(tmp_path, monkeypatch):
    from pinnsolve.dsl import load_problem

    folder = tmp_path / "project"
    (folder / "meshes").mkdir(parents=True)
    (folder / "meshes" / "plate.msh").write_bytes(PLATE.read_bytes())
    (folder / "p.py").write_text(
        "from pinnsolve import Dirichlet, Eq, Field, Problem, Space, laplacian\n"
        "from pinnsolve.geometry import MeshDomain\n"
        "x, y = Space('x'), Space('y')\nu = Field('u', x, y)\n"
        "problem = Problem('p', equations=[Eq(laplacian(u), 0)],\n"
        "    domain=MeshDomain('meshes/plate.msh', coords=(x, y)),\n"
        "    conditions=[Dirichlet(u, 0, on='outer'), Dirichlet(u, 1, on='hole')])\n"
    )
    monkeypatch.chdir(tmp_path)  # not the problem's folder
    problem = load_problem(folder / "p.py")
    assert problem.domain.path == folder / "meshes" / "plate.msh"


def test_unknown_boundary_name_lists_the_groups(write_problem):
    from pinnsolve.dsl import load_problem
    from pinnsolve.dsl.errors import PinnsolveError

    path = write_problem(
        "from pinnsolve import Dirichlet, Eq, Field, Problem, Space, laplacian\n"
        "from pinnsolve.geometry import MeshDomain\n"
        "x, y = Space('x'), Space('y')\nu = Field('u', x, y)\n"
        f"problem = Problem('p', equations=[Eq(laplacian(u), 0)],\n"
        f"    domain=MeshDomain({str(PLATE)!r}, coords=(x, y)),\n"
        "    conditions=[Dirichlet(u, 0, on='inlet')])\n"
    )
    with pytest.raises(PinnsolveError, match="inlet.*hole, outer"):
        load_problem(path)
    with pytest.raises(GeometryError, match=r"plate_hole\.msh.*no boundary part 'inlet'.*hole, outer"):
        MeshDomain(PLATE).sample_boundary(10, part="inlet")


def test_mesh_errors(tmp_path):
    with pytest.raises(GeometryError, match="nowhere.msh.*not found.*relative to the problem file"):
        MeshDomain("nowhere.msh")
    garbage = tmp_path / "broken.msh"
    garbage.write_text("this is not a mesh\n")
    with pytest.raises(GeometryError, match="cannot read .*broken.msh"):
        MeshDomain(garbage)
    lines = tmp_path / "lines.vtu"
    meshio.write(lines, meshio.Mesh(np.eye(3), [("line", np.array([[0, 1], [1, 2]]))]))
    with pytest.raises(GeometryError, match="lines.vtu has no triangles, quadrilaterals or tetrahedra"):
        MeshDomain(lines)
    with pytest.raises(GeometryError, match=r"plate_hole.msh holds triangles.*3 coordinate"):
        MeshDomain(PLATE, coords=("x", "y", "z"))
    points, tets = _cube_tets(2)
    cube = tmp_path / "cube.vtu"
    meshio.write(cube, meshio.Mesh(points, [("tetra", tets)]))
    with pytest.raises(GeometryError, match=r"cube.vtu holds tetrahedra.*2 coordinate"):
        MeshDomain(cube, coords=("x", "y"))
    tilted = tmp_path / "tilted.vtu"
    meshio.write(
        tilted, meshio.Mesh(np.array([[0, 0, 0], [1, 0, 0], [0, 1, 1.0]]), [("triangle", np.array([[0, 1, 2]]))])
    )
    with pytest.raises(GeometryError, match="not in one plane"):
        MeshDomain(tilted)


def test_exact_solution_of_the_shipped_problem_meets_its_neumann_condition():
    """∂u/∂n on the hole, with the mesh's own normals, is the −q/R the problem file states."""
    import sympy as sp

    from pinnsolve.dsl import load_problem

    problem = load_problem(ROOT / "problems" / "plate_hole.py")
    (expr,) = problem.exact.values()
    x, y = problem.space
    grad = [sp.lambdify((x, y), sp.diff(expr, c)) for c in (x, y)]
    points, normals = problem.domain.sample_boundary(400, rng=0, part="hole")
    flux = sum(g(points[:, 0], points[:, 1]) * normals[:, k] for k, g in enumerate(grad))
    # −q/R = −1.25 on the circle; on the 80 chords the normal tilts by up to π/80.
    assert np.mean(flux) == pytest.approx(-1.25, rel=0.01)
    assert np.max(np.abs(flux + 1.25)) < 0.1
