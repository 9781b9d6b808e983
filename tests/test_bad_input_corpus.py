"""Bad input never shows a traceback: malformed problem files, bad flag values on every subcommand, and
missing or corrupt run-directory files each end in one paragraph that names the file or flag and the fix,
the documented exit code, and no half-written output (issue 16).

The CLI runs in-process (`pinnsolve.cli.main`), so the corpus takes seconds.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pinnsolve.cli import main

HEAD = "from pinnsolve import *\n"
ODE = HEAD + "t = Time('t', 0, 1)\nu = Field('u', t)\n"
PDE = HEAD + "x = Space('x', 0, 1)\nu = Field('u', x)\n"
SOLVE = "problem = Problem('p', equations=[Eq(D(u, t), -u)], conditions=[Initial(u, 1)])\n"
POISSON = "problem = Problem('p', equations=[Eq(D(u, x, 2), 1)], conditions=[Dirichlet(u, 0)])\n"


# -- malformed problem files: (id, file content, words the message must hold) -------------------------
PROBLEM_FILES = [
    ("latin1", (HEAD + "# caf\xe9\n").encode("latin-1"), ["not UTF-8", "line 2", "UTF-8"]),
    ("nul", HEAD.encode() + b"\x00\x00", ["NUL", "line 2"]),
    ("empty", b"", ["defines no `problem`", "problem = Problem("]),
    ("syntax", (HEAD + "problem = Problem((\n").encode(), ["syntax error", "line 2", "Fix the Python syntax"]),
    ("indent", (HEAD + "x = 1\n  y = 2\n").encode(), ["syntax error", "line 3"]),
    ("no-problem", (HEAD + "x = 1\n").encode(), ["defines no `problem`"]),
    ("problem-int", (HEAD + "problem = 3\n").encode(), ["is a int, not a Problem", "problem = Problem("]),
    (
        "unknown-name",
        (HEAD + "problem = Problem('p', equations=[Eq(D(w, x), 0)])\n").encode(),
        ["unknown name", "line 2", "Define it first"],
    ),
    ("sys-exit-0", b"import sys\nsys.exit(0)\n", ["sys.exit(0)", "line 2", "Remove the exit call"]),
    ("sys-exit-3", b"import sys\nsys.exit(3)\n", ["sys.exit(3)", "Remove the exit call"]),
    ("raises", (HEAD + "raise ValueError('boom')\n").encode(), ["ValueError: boom", "line 2", "--debug"]),
    ("import", b"import no_such_module_xyz\n", ["import failed", "line 1", "import what they use"]),
    ("param-nan", (ODE + "k = Parameter('k', float('nan'))\n" + SOLVE).encode(), ["parameter 'k'", "finite"]),
    ("param-inf", (ODE + "k = Parameter('k', float('inf'))\n" + SOLVE).encode(), ["parameter 'k'", "finite"]),
    ("param-text", (ODE + "k = Parameter('k', 'abc')\n" + SOLVE).encode(), ["parameter 'k'", "not a number"]),
    ("range-reversed", (HEAD + "x = Space('x', 1, 0)\nu = Field('u', x)\n" + POISSON).encode(), ["line 2"]),
    ("range-empty", (HEAD + "x = Space('x', 1, 1)\nu = Field('u', x)\n" + POISSON).encode(), ["line 2"]),
    ("range-nan", (HEAD + "x = Space('x', 0, float('nan'))\nu = Field('u', x)\n" + POISSON).encode(), ["line 2"]),
    ("time-reversed", (HEAD + "t = Time('t', 1, 0)\nu = Field('u', t)\n" + SOLVE).encode(), ["line 2"]),
    (
        "under-determined",
        (
            PDE + "v = Field('v', x)\nproblem = Problem('p', equations=[Eq(D(u, x, 2), v)], "
            "conditions=[Dirichlet(u, 0)])\n"
        ).encode(),
        ["under-determined", "one equation per field"],
    ),
    (
        "over-determined",
        (
            PDE + "problem = Problem('p', equations=[Eq(D(u, x, 2), 1), Eq(D(u, x), 0)], "
            "conditions=[Dirichlet(u, 0)])\n"
        ).encode(),
        ["over-determined", "one equation per field"],
    ),
    (
        "space-time-same-name",
        (
            HEAD + "x = Space('x', 0, 1)\nt = Time('x', 0, 1)\nu = Field('u', x, t)\n"
            "problem = Problem('p', equations=[Eq(D(u, t), D(u, x, 2))], "
            "conditions=[Initial(u, 0), Dirichlet(u, 0)])\n"
        ).encode(),
        ["two coordinates"],
    ),
    (
        "data-outside",
        (
            PDE + "problem = Problem('p', equations=[Eq(D(u, x, 2), 1)], conditions=[Dirichlet(u, 0), "
            "Data(u, [[2.0]], [1.0])])\n"
        ).encode(),
        ["outside the domain", "x=2"],
    ),
    (
        "data-nan",
        (
            PDE + "problem = Problem('p', equations=[Eq(D(u, x, 2), 1)], conditions=[Dirichlet(u, 0), "
            "Data(u, [[0.5]], [float('nan')])])\n"
        ).encode(),
        ["NaN or infinite", "fix those measurements"],
    ),
    (
        "data-shape",
        (
            PDE + "problem = Problem('p', equations=[Eq(D(u, x, 2), 1)], conditions=[Dirichlet(u, 0), "
            "Data(u, [[0.5]], [1.0, 2.0])])\n"
        ).encode(),
        ["1 points but 2 values", "one value per point"],
    ),
    (
        "condition-field-unused",
        (
            PDE + "v = Field('v', x)\nproblem = Problem('p', equations=[Eq(D(u, x, 2), 1)], "
            "conditions=[Dirichlet(v, 0)])\n"
        ).encode(),
        ["appears in no equation"],
    ),
    ("equation-text", (PDE + "problem = Problem('p', equations=['hello'])\n").encode(), ["line 4", "not an equation"]),
    (
        "condition-int",
        (PDE + "problem = Problem('p', equations=[Eq(D(u, x, 2), 1)], conditions=[3])\n").encode(),
        ["is not a condition", "Dirichlet"],
    ),
    (
        "exact-unknown-field",
        (
            PDE + "problem = Problem('p', equations=[Eq(D(u, x, 2), 1)], conditions=[Dirichlet(u, 0)],"
            " exact={'w': x})\n"
        ).encode(),
        ["not a field", "Fields are: u"],
    ),
    ("no-name", (PDE + "problem = Problem('', equations=[Eq(D(u, x, 2), 1)])\n").encode(), ["no name"]),
    ("no-equations", (PDE + "problem = Problem('p', equations=[])\n").encode(), ["has no equation"]),
    (
        "unknown-symbol",
        (
            PDE + "q = Symbol('q')\nproblem = Problem('p', equations=[Eq(D(u, x, 2), q)], "
            "conditions=[Dirichlet(u, 0)])\n"
        ).encode(),
        ["line"],
    ),
    (
        "missing-initial",
        (ODE + "problem = Problem('p', equations=[Eq(D(u, t), -u)])\n").encode(),
        ["no initial condition", "Initial("],
    ),
    (
        "neumann-on-time",
        (
            HEAD + "x = Space('x', 0, 1)\nt = Time('t', 0, 1)\nu = Field('u', x, t)\n"
            "problem = Problem('p', equations=[Eq(D(u, t), D(u, x, 2))], conditions=[Initial(u, 0), "
            "Dirichlet(u, 0, on=t.max)])\n"
        ).encode(),
        ["time coordinate"],
    ),
    (
        "mesh-missing",
        (
            HEAD + "x = Space('x'); y = Space('y')\nu = Field('u', x, y)\n"
            "problem = Problem('p', equations=[Eq(laplacian(u), 1)], conditions=[Dirichlet(u, 0)], "
            "domain=MeshDomain('nowhere.msh', coords=(x, y)))\n"
        ).encode(),
        ["nowhere.msh"],
    ),
    (
        "mesh-corrupt",
        (
            HEAD + "x = Space('x'); y = Space('y')\nu = Field('u', x, y)\n"
            "problem = Problem('p', equations=[Eq(laplacian(u), 1)], conditions=[Dirichlet(u, 0)], "
            "domain=MeshDomain('bad.msh', coords=(x, y)))\n"
        ).encode(),
        ["bad.msh"],
    ),
]


@pytest.mark.parametrize("source, words", [c[1:] for c in PROBLEM_FILES], ids=[c[0] for c in PROBLEM_FILES])
def test_malformed_problem_file(tmp_path, run_cli, source, words, quick_flags):
    path = tmp_path / "problem.py"
    path.write_bytes(source)
    (tmp_path / "bad.msh").write_bytes(b"$MeshFormat\ngarbage\n")
    code, err = run_cli(["show", str(path)])
    assert code == 2 and err.startswith("error: ") and "problem.py" in err, err
    for word in words:
        assert word in err, (word, err)
    code, _ = run_cli(["solve", str(path), *quick_flags, "--out", str(tmp_path / "run")])
    assert code == 2 and not (tmp_path / "run").exists()


def test_missing_problem_file_and_a_folder(tmp_path, run_cli):
    for target, word in ((tmp_path / "nope.py", "no such problem file"), (tmp_path, "it is a directory")):
        code, err = run_cli(["show", str(target)])
        assert code == 2 and str(target) in err and word in err


# -- bad flag values on every subcommand: (argv after the problem, words) --------------------------------
SOLVE_FLAGS = [
    (["--lr", "nan"], ["--lr"]),
    (["--lr", "-1"], ["--lr", "> 0"]),
    (["--lr", "0"], ["--lr"]),
    (["--seed", "-1"], ["--seed", "≥ 0"]),
    (["--seed", "x"], ["--seed"]),
    (["--weight", "foo=3"], ["--weight foo", "pde"]),
    (["--weight", "ic=-10"], ["--weight ic=-10", "≥ 0"]),
    (["--weight", "ic=abc"], ["--weight", "not a number"]),
    (["--weight", "ic"], ["--weight", "name=value"]),
    (["--weight", "ic=nan"], ["--weight ic=nan", "finite"]),
    (["--points", "0"], ["--points 0", "≥ 1"]),
    (["--points", "-5"], ["--points", "≥ 1"]),
    (["--points", "1000000000"], ["--points", "largest that fits"]),
    (["--boundary-points", "0"], ["--boundary-points 0"]),
    (["--steps", "-1"], ["--steps", "≥ 0"]),
    (["--lbfgs-steps", "-2"], ["--lbfgs-steps"]),
    (["--width", "0"], ["--width 0"]),
    (["--depth", "0"], ["--depth 0"]),
    (["--grid", "x=1"], ["--grid", "at least 2"]),
    (["--grid", "y=10"], ["--grid", "'y'", "coordinates"]),
    (["--grid", "x=abc"], ["--grid", "whole number"]),
    (["--grid", "x=1000000000000"], ["--grid", "largest that fits"]),
    (["--method", "nope"], ["--method", "invalid choice"]),
    (["--dtype", "float16"], ["--dtype"]),
    (["--device", "tpu"], ["--device tpu"]),
    (["--threads", "0"], ["--threads 0", "positive"]),
    (["--checkpoint-every", "0"], ["--checkpoint-every"]),
    (["--set", "nope=1"], ["--set nope", "parameters"]),
    (["--set", "gamma=abc"], ["--set gamma=abc", "not a number"]),
    (["--set", "gamma=nan"], ["--set gamma=nan"]),
    (["--activation", "nope"], ["--activation"]),
    (["--sampler", "nope"], ["--sampler"]),
]


@pytest.mark.parametrize("flags, words", SOLVE_FLAGS, ids=[" ".join(f) for f, _ in SOLVE_FLAGS])
def test_bad_solve_flag(problems_dir, tmp_path, run_cli, flags, words, quick_flags):
    run = tmp_path / "run"
    code, err = run_cli(["solve", str(problems_dir / "decay.py"), *quick_flags, *flags, "--out", str(run)])
    assert code == 2, err
    for word in words:
        assert word in err, (word, err)
    assert not run.exists()


OTHER_FLAGS = [
    (["reference", "{heat}", "--grid", "x=2"], ["--grid x=2", "at least 3"]),
    (["reference", "{heat}", "--grid", "x=100000000"], ["--grid", "largest that fits"]),
    (["reference", "{heat}", "--grid", "q=10"], ["--grid", "'q'"]),
    (["reference", "{heat}", "--scheme", "nope"], ["--scheme"]),
    (["reference", "{heat}", "--threads", "0"], ["--threads 0"]),
    (["reference", "{heat}", "--set", "nope=1"], ["--set nope"]),
    (["validate", "{decay}", "--methods", "nope"], ["nope"]),
    (["validate", "{decay}", "--threads", "0"], ["--threads 0"]),
    (["validate", "--suite", "{tmp}/missing.toml"], ["missing.toml"]),
    (["show", "{decay}", "--set", "gamma=abc"], ["--set gamma=abc"]),
    (["show", "{decay}", "--set", "=3"], ["--set", "name=value"]),
    (["plot", "{tmp}/no-run"], ["no-run"]),
    (["solve", "--resume", "{tmp}/no-run"], ["--resume", "nothing to continue"]),
    (["solve"], ["needs a problem file"]),
]


@pytest.mark.parametrize("argv, words", OTHER_FLAGS, ids=[" ".join(a[:1] + a[2:]) for a, _ in OTHER_FLAGS])
def test_bad_flag_on_other_subcommands(problems_dir, tmp_path, run_cli, argv, words):
    names = {"heat": problems_dir / "heat1d.py", "decay": problems_dir / "decay.py", "tmp": tmp_path}
    argv = [a.format(**names) for a in argv] + ["--out", str(tmp_path / "out")] * (argv[0] in ("reference", "validate"))
    code, err = run_cli(argv)
    assert code == 2, err
    for word in words:
        assert word in err, (word, err)
    assert not (tmp_path / "out").exists()


# -- missing or corrupt run-directory files ----------------------------------------------------------------
@pytest.fixture(scope="module")
def finished_run(tmp_path_factory, quick_flags) -> Path:
    run = tmp_path_factory.mktemp("corpus") / "run"
    root = Path(__file__).resolve().parents[1]
    argv = ["solve", str(root / "problems" / "decay.py"), *quick_flags, "--steps", "6", "--checkpoint-every", "3"]
    assert main([*argv, "--out", str(run)]) == 0
    return run


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: max(1, path.stat().st_size // 3)])


RUN_FILES = [
    (
        "checkpoint-both-truncated",
        lambda r: [_truncate(r / "checkpoint.pt"), _truncate(r / "checkpoint.prev.pt")],
        ["solve", "--resume", "{run}"],
        ["checkpoint.pt", "no whole checkpoint", "start it again"],
    ),
    (
        "checkpoint-both-missing",
        lambda r: [(r / "checkpoint.pt").unlink(), (r / "checkpoint.prev.pt").unlink()],
        ["solve", "--resume", "{run}"],
        ["--resume", "checkpoint.pt", "nothing to continue"],
    ),
    (
        "config-garbage",
        lambda r: (r / "config.json").write_text("{not json"),
        ["solve", "--resume", "{run}"],
        ["config.json is corrupt", "--overwrite"],
    ),
    (
        "config-missing-keys",
        lambda r: (r / "config.json").write_text("{}"),
        ["solve", "--resume", "{run}"],
        ["config.json is corrupt"],
    ),
    (
        "metrics-garbage-resume",
        lambda r: [
            (r / "metrics.json").write_text("{"),
            (r / "checkpoint.pt").unlink(),
            (r / "checkpoint.prev.pt").unlink(),
        ],
        ["solve", "--resume", "{run}"],
        ["nothing to continue"],
    ),
    ("solution-truncated", lambda r: _truncate(r / "solution.npz"), ["plot", "{run}"], ["solution.npz"]),
    ("solution-missing", lambda r: (r / "solution.npz").unlink(), ["plot", "{run}"], ["solution.npz"]),
    (
        "history-garbage-plot",
        lambda r: (r / "history.csv").write_bytes(b"\xff\xfe\x00garbage"),
        ["plot", "{run}"],
        ["history.csv"],
    ),
]


@pytest.mark.parametrize("damage, argv, words", [c[1:] for c in RUN_FILES], ids=[c[0] for c in RUN_FILES])
def test_damaged_run_directory(finished_run, tmp_path, run_cli, assert_no_half_written, damage, argv, words):
    run = tmp_path / "run"
    shutil.copytree(finished_run, run)
    damage(run)
    before = sorted(p.name for p in run.iterdir())
    code, err = run_cli([a.format(run=run) for a in argv] + ["--threads", "1"] * (argv[0] == "solve"))
    assert code == 2, err
    for word in words:
        assert word in err, (word, err)
    assert_no_half_written(run)
    assert sorted(p.name for p in run.iterdir()) == before  # nothing added, nothing half-written
