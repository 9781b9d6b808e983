"""Off-screen renders through ``pinnsolve render`` (a child process): non-blank PNG files.

Skipped, with the reason, where pyvista is not installed or no off-screen OpenGL context can
be opened (the command then exits with status 3 and says what to install).
"""

from __future__ import annotations

import argparse
import importlib.util

import pytest

from pinnsolve.viz.command import add_render_arguments, run_render

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pyvista") is None, reason="pyvista is not installed (pip install pyvista)"
)


def _render(tmp_path, solution, capsys, *argv):
    run = tmp_path / "run"
    run.mkdir()
    solution.save_npz(run / "solution.npz")
    parser = argparse.ArgumentParser()
    add_render_arguments(parser)
    code = run_render(parser.parse_args([str(run), *argv]))
    out, err = capsys.readouterr()
    if code == 3:
        pytest.skip(f"no off-screen rendering here: {err.strip()}")
    assert code == 0, err
    return [p for p in out.split()]


@pytest.mark.slow  # a child process importing VTK: several seconds
def test_render_2d_mesh_field(tmp_path, shipped, capsys, pics):
    """The plate with a hole, on its own mesh: a warped surface and its error beside it."""
    from pathlib import Path

    (path,) = _render(tmp_path, shipped("plate_hole"), capsys, "--size", "800x400")
    path = Path(path)
    assert path.name == "render_u.png" and path.parent == tmp_path / "run" / "plots"
    pics.picture(path)


@pytest.mark.slow
@pytest.mark.parametrize(
    "case, names",
    [
        ("box3d", ["render_u.png"]),  # slices | iso-surfaces
        ("helix", ["render_trajectory.png"]),  # a 3-field ODE as a tube
        ("heat1d", ["render_u.png"]),  # u(x, t) as a surface over the (x, t) plane
    ],
)
def test_render_layouts(tmp_path, cases, capsys, pics, case, names):
    from pathlib import Path

    paths = [Path(p) for p in _render(tmp_path, cases.ALL[case](), capsys)]
    assert [p.name for p in paths] == names
    for p in paths:
        pics.picture(p)


def test_render_bad_field_is_a_message(tmp_path, cases):
    from pinnsolve.dsl.errors import PinnsolveError

    run = tmp_path / "run"
    run.mkdir()
    cases.poisson2d().save_npz(run / "solution.npz")
    parser = argparse.ArgumentParser()
    add_render_arguments(parser)
    with pytest.raises(PinnsolveError, match="has no field 'v'; fields: u"):
        run_render(parser.parse_args([str(run), "--field", "v"]))
