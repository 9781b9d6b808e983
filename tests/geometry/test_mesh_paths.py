"""Mesh paths resolve explicitly: against the problem file being loaded, or ``base_dir=``, never by
looking at who called."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pinnsolve.dsl import load_problem
from pinnsolve.dsl.errors import ProblemFileError
from pinnsolve.errors import GeometryError
from pinnsolve.geometry import MeshDomain
from pinnsolve.geometry.location import current_problem_directory, problem_directory

ROOT = Path(__file__).resolve().parents[2]
PLATE = ROOT / "problems" / "meshes" / "plate_hole.msh"

PROBLEM = """\
from pinnsolve import Dirichlet, Eq, Field, Problem, Space, laplacian
{domain_import}
x, y = Space('x'), Space('y')
u = Field('u', x, y)
problem = Problem('plate_here', equations=[Eq(laplacian(u), 0)],
    domain={domain},
    conditions=[Dirichlet(u, 0, on='outer'), Dirichlet(u, 1, on='hole')])
"""


def project(tmp_path: Path, domain: str, domain_import: str = "from pinnsolve.geometry import MeshDomain") -> Path:
    folder = tmp_path / "project"
    (folder / "meshes").mkdir(parents=True)
    (folder / "meshes" / "plate.msh").write_bytes(PLATE.read_bytes())
    path = folder / "p.py"
    path.write_text(PROBLEM.format(domain=domain, domain_import=domain_import))
    return path


def test_the_cli_finds_a_mesh_next_to_the_problem_file_from_another_directory(tmp_path):
    path = project(tmp_path, "MeshDomain('meshes/plate.msh', coords=(x, y))")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), OMP_NUM_THREADS="1")
    shown = subprocess.run(
        [sys.executable, "-m", "pinnsolve.cli", "show", str(path)],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert "MeshDomain('meshes/plate.msh'" in shown.stdout and "u = 1  on hole" in shown.stdout


def test_a_helper_module_elsewhere_resolves_against_the_problem_file_not_its_own_folder(tmp_path, monkeypatch):
    """The old stack-frame walk took the folder of the first non-pinnsolve caller (here: lib/)."""
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "plates.py").write_text(
        "from pinnsolve.geometry import MeshDomain\n\n"
        "def plate(coords):\n    return MeshDomain('meshes/plate.msh', coords=coords)\n"
    )
    load_helper = (
        f"import importlib.util\nspec = importlib.util.spec_from_file_location('plates', "
        f"{str(lib / 'plates.py')!r})\nplates = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(plates)"
    )
    path = project(tmp_path, "plates.plate((x, y))", domain_import=load_helper)
    monkeypatch.chdir(lib)
    problem = load_problem(path)
    assert problem.domain.path == path.parent / "meshes" / "plate.msh"
    assert problem.domain.boundary_parts() == ("hole", "outer")
    assert current_problem_directory() is None  # the folder is set for the load only


def test_base_dir_and_the_current_directory_outside_a_problem_file(tmp_path, monkeypatch):
    path = project(tmp_path, "None")
    folder = path.parent
    monkeypatch.chdir(tmp_path)
    assert MeshDomain("meshes/plate.msh", base_dir=folder).path == folder / "meshes" / "plate.msh"
    missing = re.escape(f"'meshes/plate.msh' not found (looked for {tmp_path / 'meshes' / 'plate.msh'})")
    with pytest.raises(GeometryError, match=missing):
        MeshDomain("meshes/plate.msh")
    monkeypatch.chdir(folder)
    assert MeshDomain("meshes/plate.msh").path.resolve() == (folder / "meshes" / "plate.msh").resolve()
    # inside a load, the problem's folder and not the current one counts
    with problem_directory(tmp_path), pytest.raises(GeometryError, match="exists relative to the current directory"):
        MeshDomain("meshes/plate.msh")


def test_a_mesh_path_relative_to_the_working_directory_is_refused_in_a_problem_file(tmp_path, monkeypatch):
    path = project(tmp_path, "MeshDomain('project/meshes/plate.msh', coords=(x, y))")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProblemFileError) as info:
        load_problem(path)
    message = str(info.value)
    assert message.startswith(f"{path}, line 6: MeshDomain: mesh file 'project/meshes/plate.msh' not found")
    assert "paths in a problem file are relative to the problem file" in message
