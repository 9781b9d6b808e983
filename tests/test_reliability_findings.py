"""Every finding of the reliability run-through (issue 16) is a clean error: exit code, a message that
names the file or flag and the fix, no traceback, and no run directory left behind."""

from __future__ import annotations

import errno
from textwrap import dedent

import pytest

HEADER = "from pinnsolve import *\n"


def test_non_utf8_problem_file(tmp_path, refused):
    path = tmp_path / "bin.py"
    path.write_bytes(HEADER.encode() + b"x = Time('x', 0, 1)  # \xff\xfe\n")
    refused(["show", str(path)], "bin.py, line 2", "not UTF-8", "Save the file as UTF-8")


def test_nul_bytes_in_problem_file(tmp_path, refused):
    path = tmp_path / "nul.py"
    path.write_bytes(HEADER.encode() + b"\x00\x01\x02")
    refused(["show", str(path)], "nul.py, line 2", "NUL")


def test_one_name_for_a_space_and_a_time(write_problem, tmp_path, refused, quick_flags):
    path = write_problem(
        HEADER
        + dedent("""
        x = Space("x", 0, 1); t = Time("x", 0, 1)
        u = Field("u", x, t)
        problem = Problem("same", equations=[Eq(D(u, t), D(u, x, 2))], conditions=[Initial(u, 0), Dirichlet(u, 0)])
    """)
    )
    refused(["show", str(path)], "problem.py", "'x' is given to two coordinates", "its own name")
    refused(["solve", str(path), *quick_flags, "--out", str(tmp_path / "run")], "two coordinates")
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    "equations, words",
    [
        ("[Eq(D(u, x, 2), v)]", ["1 equation(s) for 2 fields (u, v)", "under-determined"]),
        ("[Eq(D(u, x, 2), 0), Eq(D(u, x), 1)]", ["2 equations for 1 field(s) (u)", "over-determined"]),
    ],
)
def test_equation_count_matches_field_count(write_problem, refused, equations, words):
    v = 'v = Field("v", x)\n' if "v" in equations else ""
    path = write_problem(
        HEADER
        + 'x = Space("x", 0, 1)\nu = Field("u", x)\n'
        + v
        + f'problem = Problem("p", equations={equations}, conditions=[Dirichlet(u, 0)])\n'
    )
    refused(["show", str(path)], "problem.py", *words)


def test_reference_on_a_huge_range(write_problem, tmp_path, refused):
    path = write_problem(
        HEADER
        + dedent("""
        x = Space("x", 0, 1e300)
        u = Field("u", x)
        problem = Problem("big", equations=[Eq(D(u, x, 2), 0)], conditions=[Dirichlet(u, 0)])
    """)
    )
    refused(["reference", str(path), "--out", str(tmp_path / "run")], "coordinate x", "overflow", "Rescale")
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    "flag, words",
    [
        (["--lr", "nan"], ["--lr", "finite"]),
        (["--lr", "-1"], ["--lr", "> 0"]),
        (["--lr", "0"], ["--lr", "> 0"]),
        (["--seed", "-1"], ["--seed", "≥ 0"]),
        (["--weight", "foo=3"], ["--weight foo", "pde"]),
        (["--weight", "bc=-10"], ["--weight bc=-10", "≥ 0"]),
        (["--weight", "ic=inf"], ["--weight ic=inf", "finite"]),
        (["--boundary-points", "0"], ["--boundary-points 0", "≥ 1"]),
        (["--points", "1000000000"], ["--points", "GiB", "largest that fits"]),
        (["--grid", "x=1000000000"], ["--grid", "largest that fits"]),
    ],
)
def test_bad_solve_flags(problems_dir, tmp_path, refused, flag, words, quick_flags):
    run = tmp_path / "run"
    refused(["solve", str(problems_dir / "decay.py"), *quick_flags, *flag, "--out", str(run)], *words)
    assert not run.exists()


def test_reference_grid_beyond_memory(problems_dir, tmp_path, refused):
    run = tmp_path / "run"
    refused(
        ["reference", str(problems_dir / "heat1d.py"), "--grid", "x=100000000", "--out", str(run)],
        "--grid",
        "reference grid nodes",
        "largest that fits",
    )
    assert not run.exists()


def test_memory_estimate_follows_the_limit(monkeypatch):
    from pinnsolve.errors import SettingsError
    from pinnsolve.memory import require_memory

    monkeypatch.setenv("PINNSOLVE_MEMORY_LIMIT", "1M")
    require_memory("points", 1000, 100, "--points")  # 100 kB of 512 kB: fine
    with pytest.raises(SettingsError, match=r"--points: 10,000 points .* largest that fits is about 5,242"):
        require_memory("points", 10_000, 100, "--points")


def test_read_only_out_is_refused_before_training(problems_dir, tmp_path, refused, monkeypatch, quick_flags):
    from pinnsolve.io import rundir

    def read_only(path, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(rundir, "open", read_only, raising=False)
    run = tmp_path / "sub" / "run"
    refused(
        ["solve", str(problems_dir / "decay.py"), *quick_flags, "--out", str(run)],
        str(run),
        "Read-only file system",
        "another --out",
    )
    assert not run.exists()


def test_data_outside_the_domain(write_problem, refused):
    path = write_problem(
        HEADER
        + dedent("""
        x = Space("x", 0, 1)
        u = Field("u", x)
        problem = Problem("d", equations=[Eq(D(u, x, 2), 0)], conditions=[Dirichlet(u, 0), Data(u, [[5.0]], [1.0])])
    """)
    )
    refused(["show", str(path)], "problem.py", "outside the domain", "x=5", "widen the domain")


def test_data_after_the_final_time(write_problem, refused):
    path = write_problem(
        HEADER
        + dedent("""
        t = Time("t", 0, 1)
        u = Field("u", t)
        problem = Problem("d", equations=[Eq(D(u, t), -u)], conditions=[Initial(u, 1), Data(u, [0.5, 3.0], [1, 2])])
    """)
    )
    refused(["show", str(path)], "1 of 2 points", "t=3")


def test_problem_file_calling_sys_exit(write_problem, refused):
    path = write_problem("import sys\nsys.exit(0)\n")
    refused(["show", str(path)], "problem.py, line 2", "sys.exit(0)", "Remove the exit call")


def test_the_whole_language_is_exported():
    import pinnsolve

    for name in (
        "MeshDomain",
        "Union",
        "Intersection",
        "Difference",
        "Box",
        "Disk",
        "Interval",
        "Polygon",
        "Rectangle",
        "Dirichlet",
        "Neumann",
        "Robin",
        "Periodic",
        "Initial",
        "Data",
        "Unknown",
    ):
        assert name in pinnsolve.__all__ and getattr(pinnsolve, name) is not None
    exec("from pinnsolve import *\nMeshDomain", {})
