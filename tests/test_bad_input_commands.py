"""Bad input to ``tune``, ``generate`` and ``classify`` (and ``classify --predict``) never shows a traceback:
each case asserts the exit code, that the message names the flag or file and the fix, and that no output is
left half-written (issue 16; the solve/reference/validate corpus is tests/test_bad_input_corpus.py).

The CLI runs in-process, and every case is refused before any training starts, so the corpus takes seconds.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from pinnsolve.cli import main

ROOT = Path(__file__).resolve().parents[1]
PROBLEMS = ROOT / "problems"
DECAY = str(PROBLEMS / "decay.py")
RANDOM = str(PROBLEMS / "stochastic_decay.py")
REGIMES = str(PROBLEMS / "regimes" / "damped_oscillator.py")


# -- tune: (argv after the problem, words the message must hold) ------------------------------------------------
TUNE = [
    (["--trials", "0"], ["--trials 0", "at least 1"]),
    (["--trials", "abc"], ["--trials", "invalid int"]),
    ([], ["--trials"]),
    (["--trials", "1", "--space", "width"], ["--space 'width'", "width=16:128"]),
    (["--trials", "1", "--space", "width=a:b"], ["--space width=a:b", "not a number"]),
    (["--trials", "1", "--space", "width=16:8"], ["--space width=16:8", "low:high"]),
    (["--trials", "1", "--space", "nope=1:2"], ["--space nope=1:2", "Known:"]),
    (["--trials", "1", "--space", "lr=0:1:log"], ["--space lr=0:1:log", "positive low end"]),
    (["--trials", "1", "--space", ""], ["--space searches nothing", "--space 'width"]),
    (["--trials", "1", "--space", "activation=tanh|nope"], ["'nope'", "tanh"]),
    (["--trials", "1", "--storage", "nosuchdb://x"], ["--storage nosuchdb://x", "sqlite:///"]),
    (["--trials", "1", "--storage", "garbage"], ["--storage garbage", "postgresql://"]),
    (["--trials", "1", "--workers", "0"], ["--workers 0"]),
    (["--trials", "1", "--timeout", "-1"], ["--timeout -1"]),
    (["--trials", "1", "--timeout", "nan"], ["--timeout nan", "positive"]),
    (["--trials", "1", "--seed", "-1"], ["--seed -1", "≥ 0"]),
    (["--trials", "1", "--threads", "0"], ["--threads 0"]),
    (["--trials", "1", "--set", "nope=1"], ["--set nope", "gamma"]),
    (["--trials", "1", "--space", "width=nan:5"], ["--space width=nan:5", "not a number"]),
    (["--trials", "1", "--space", "lr=-1:1"], ["--space lr=-1:1", "learning rate must be positive"]),
    (["--trials", "1", "--space", "weight.bc=-1:1"], ["--space weight.bc=-1:1", "cannot be negative"]),
    (["--trials", "1", "--overwrite", "--storage", "sqlite:///{tmp}/x.db"], ["--overwrite", "--storage", "--study"]),
]


@pytest.mark.parametrize("argv, words", TUNE, ids=[" ".join(a) or "no-trials" for a, _ in TUNE])
def test_bad_tune_flag(tmp_path, run_cli, assert_no_half_written, argv, words):
    out = tmp_path / "tune"
    if "--overwrite" in argv:
        out.mkdir()
    code, err = run_cli(["tune", DECAY, *[a.format(tmp=tmp_path) for a in argv], "--out", str(out)])
    assert code == 2, err
    for word in words:
        assert word in err, (word, err)
    assert not (out / "trials").exists()  # no trial started
    assert_no_half_written(tmp_path)


def test_tune_sqlite_in_a_missing_folder(tmp_path, run_cli):
    url = f"sqlite:///{tmp_path}/no/such/dir/x.db"
    code, err = run_cli(["tune", DECAY, "--trials", "1", "--storage", url, "--out", str(tmp_path / "t")])
    assert code == 2 and f"--storage {url}" in err and "cannot open" in err, err


def test_tune_missing_problem_file(tmp_path, run_cli):
    code, err = run_cli(["tune", str(tmp_path / "missing.py"), "--trials", "1"])
    assert code == 2 and "missing.py" in err and "no such problem file" in err, err


# -- generate --------------------------------------------------------------------------------------------------
GENERATE = [
    (RANDOM, ["--model", "nope"], ["--model", "vae"]),
    (RANDOM, [], ["--model"]),
    (RANDOM, ["--model", "vae", "--train-samples", "0"], ["--train-samples 0", "positive"]),
    (RANDOM, ["--model", "vae", "--train-samples", "-5"], ["--train-samples -5", "positive"]),
    (RANDOM, ["--model", "vae", "--train-samples", "x"], ["--train-samples", "invalid int"]),
    (RANDOM, ["--model", "vae", "--train-samples", "1"], ["--train-samples", "at least 2"]),
    (RANDOM, ["--model", "vae", "--samples", "0"], ["--samples 0"]),
    (RANDOM, ["--model", "vae", "--grid", "t=1"], ["--grid t=1", "at least 2"]),
    (RANDOM, ["--model", "vae", "--grid", "q=10"], ["--grid", "'q'", "coordinates are: t"]),
    (RANDOM, ["--model", "vae", "--grid", "t"], ["--grid 't'", "name=value"]),
    (RANDOM, ["--model", "vae", "--grid", "t=100000000"], ["--grid", "largest that fits"]),
    (RANDOM, ["--model", "gan", "--threads", "0"], ["--threads 0"]),
    (RANDOM, ["--model", "vae", "--lr", "nan"], ["--lr nan", "--lr 1e-3"]),
    (RANDOM, ["--model", "gan", "--lr", "-1"], ["--lr -1", "positive"]),
    (RANDOM, ["--model", "vae", "--physics-weight", "nan"], ["--physics-weight nan", "≥ 0"]),
    (RANDOM, ["--model", "vae", "--set", "nope=1"], ["--set nope", "k"]),
    (RANDOM, ["--model", "vae", "--seed", "-1"], ["--seed -1", "≥ 0"]),
    (DECAY, ["--model", "vae"], ["no random input", "Random("]),
]


@pytest.mark.parametrize("problem, argv, words", GENERATE, ids=[" ".join(a) or "no-model" for _, a, _ in GENERATE])
def test_bad_generate_input(tmp_path, run_cli, problem, argv, words):
    out = tmp_path / "gen"
    code, err = run_cli(["generate", problem, *argv, "--out", str(out)])
    assert code == 2, err
    for word in words:
        assert word in err, (word, err)
    assert not out.exists()


@pytest.mark.parametrize("content", [b"\x00\x01garbage", b"from pinnsolve import *\nproblem = 3\n"])
def test_generate_unreadable_problem_file(tmp_path, run_cli, content):
    bad = tmp_path / "bad.py"
    bad.write_bytes(content)
    code, err = run_cli(["generate", str(bad), "--model", "vae", "--out", str(tmp_path / "g")])
    assert code == 2 and str(bad) in err, err
    assert not (tmp_path / "g").exists()


# -- classify --------------------------------------------------------------------------------------------------
CLASSIFY = [
    (["--vary", "nope"], ["--vary 'nope'", "name=lo:hi:n"]),
    (["--vary", "gamma=0:2"], ["--vary gamma=0:2", "lo:hi:n"]),
    (["--vary", "gamma=2:0:10"], ["--vary gamma=2:0:10", "lo < hi"]),
    (["--vary", "zzz=0:2:10"], ["--vary zzz=0:2:10", "gamma, omega0"]),
    (["--vary", "gamma=0:2:0"], ["--vary gamma=0:2:0", "n ≥ 2"]),
    (["--vary", "gamma=nan:1:10"], ["--vary gamma=nan:1:10"]),
    (["--vary", "gamma=0:2:100000000000"], ["--vary", "largest that fits"]),
    (["--label", "nonsense"], ["--label 'nonsense'", "name=relation"]),
    (["--label", "a=gamma <"], ["--label 'a=gamma <'", "underdamped=gamma < omega0"]),
    (["--label", "a=zzz < 1", "--label", "b=zzz >= 1"], ["'zzz'", "gamma, omega0"]),
    (["--label", "a=gamma < 100"], ["--label", "two or more"]),
    (["--folds", "0"], ["--folds 0", "positive"]),
    (["--folds", "1"], ["--folds 1", "at least 2"]),
    (["--folds", "x"], ["--folds", "invalid int"]),
    (["--noise", "-1"], ["--noise -1", "≥ 0"]),
    (["--noise", "nan"], ["--noise nan", "finite"]),
    (["--noise", "inf"], ["--noise inf", "finite"]),
    (["--epochs", "0"], ["--epochs 0"]),
    (["--lookback", "-2"], ["--lookback -2"]),
    (["--grid", "t=1"], ["--grid t=1", "at least 2"]),
    (["--model", "nope"], ["--model", "logistic"]),
    (["--seed", "-1"], ["--seed -1", "≥ 0"]),
    (["--threads", "0"], ["--threads 0"]),
    (["--set", "nope=1"], ["--set nope", "gamma"]),
]


@pytest.mark.parametrize("argv, words", CLASSIFY, ids=[" ".join(a) for a, _ in CLASSIFY])
def test_bad_classify_input(tmp_path, run_cli, argv, words):
    out = tmp_path / "cls"
    code, err = run_cli(["classify", REGIMES, *argv, "--out", str(out)])
    assert code == 2, err
    for word in words:
        assert word in err, (word, err)
    assert not out.exists()


def test_classify_folds_above_the_rarest_class(tmp_path, run_cli):
    out = tmp_path / "cls"
    code, err = run_cli(
        ["classify", REGIMES, "--vary", "gamma=0:2:8", "--folds", "100000", "--out", str(out), "--quiet"]
    )
    assert code == 2 and "--folds 100000" in err and "fewer folds" in err, err
    assert (out / "dataset").is_dir()  # found once the dataset is solved: it is kept, not lost


def test_classify_without_ranges(tmp_path, run_cli):
    code, err = run_cli(["classify", DECAY, "--out", str(tmp_path / "c")])
    assert code == 2 and "--vary" in err, err


# -- classify --predict: missing or corrupt data files and run directories -------------------------------------
@pytest.fixture(scope="module")
def classify_run(tmp_path_factory) -> Path:
    run = tmp_path_factory.mktemp("classify") / "run"
    argv = ["classify", REGIMES, "--vary", "gamma=0:2:16", "--folds", "2", "--quiet", "--threads", "1"]
    assert main([*argv, "--out", str(run)]) == 0
    return run


def _data_files(folder: Path, points: int) -> dict[str, Path]:
    files = {
        "pickled.npz": lambda p: np.save(p.with_suffix(".npy"), np.array([object()], dtype=object), allow_pickle=True),
        "garbage.npz": lambda p: p.write_bytes(b"\x00\x01garbage"),
        "wrongkeys.npz": lambda p: np.savez(p, a=np.zeros(3)),
        "nan.npz": lambda p: np.savez(p, features=np.full((2, points), np.nan)),
        "header.csv": lambda p: p.write_text("a,b\nx,y\n"),
        "empty.csv": lambda p: p.write_text(""),
        "shape.csv": lambda p: np.savetxt(p, np.zeros((2, 7)), delimiter=","),
        "data.txt": lambda p: p.write_text("1,2"),
    }
    out = {}
    for name, make in files.items():
        path = folder / name
        make(path)
        if name == "pickled.npz":
            path.with_suffix(".npy").rename(path)  # an .npy with pickled objects under an .npz name
        out[name] = path
    return out


PREDICT_DATA = [
    ("pickled.npz", ["pickled.npz", "not a readable .npz"]),
    ("garbage.npz", ["garbage.npz", "not a readable .npz", "one array per field"]),
    ("wrongkeys.npz", ["wrongkeys.npz", "'features'"]),
    ("nan.npz", ["nan.npz", "NaN"]),
    ("header.csv", ["header.csv", "no header"]),
    ("empty.csv", ["empty.csv", "no samples"]),
    ("shape.csv", ["shape.csv", "7 values per sample", "run's grid"]),
    ("data.txt", ["data.txt", ".npz or a .csv"]),
    ("missing.npz", ["missing.npz", "no such data file"]),
]


@pytest.mark.parametrize("name, words", PREDICT_DATA, ids=[n for n, _ in PREDICT_DATA])
def test_predict_bad_data_file(classify_run, tmp_path, run_cli, name, words):
    points = json.loads((classify_run / "config.json").read_text())["choices"]["model_spec"]["field_shape"][-1]
    files = _data_files(tmp_path, points)
    code, err = run_cli(["classify", "--predict", str(classify_run), str(files.get(name, tmp_path / name))])
    assert code == 2, err
    for word in words:
        assert word in err, (word, err)


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:30])


def _edit_config(change):
    def damage(run: Path) -> None:
        config = json.loads((run / "config.json").read_text())
        change(config)
        (run / "config.json").write_text(json.dumps(config))

    return damage


DAMAGE = [
    ("no model.pt", lambda r: (r / "model.pt").unlink(), ["model.pt", "missing", "rerun pinnsolve classify"]),
    ("truncated model.pt", lambda r: _truncate(r / "model.pt"), ["model.pt", "corrupt", "Rerun pinnsolve classify"]),
    ("garbage model.pt", lambda r: (r / "model.pt").write_bytes(b"garbage" * 9), ["model.pt", "corrupt"]),
    ("truncated labels", lambda r: _truncate(r / "labels.npz"), ["labels.npz", "corrupt", "Rerun pinnsolve classify"]),
    ("no labels", lambda r: (r / "labels.npz").unlink(), ["labels.npz", "missing", "rerun"]),
    ("truncated config", lambda r: _truncate(r / "config.json"), ["config.json", "not valid JSON", "rerun"]),
    ("no model_spec", _edit_config(lambda c: c["choices"].pop("model_spec")), ["config.json", "model_spec", "Rerun"]),
    (
        "empty model_spec",
        _edit_config(lambda c: c["choices"]["model_spec"].clear()),
        ["config.json", "model_spec", "Rerun"],
    ),
    ("not a classify run", _edit_config(lambda c: c.update(result="solution")), ["not a classify run"]),
]


@pytest.mark.parametrize("what, damage, words", DAMAGE, ids=[d[0] for d in DAMAGE])
def test_predict_damaged_run_directory(classify_run, tmp_path, run_cli, what, damage, words):
    run = tmp_path / "run"
    shutil.copytree(classify_run, run)
    damage(run)
    data = tmp_path / "data.csv"
    np.savetxt(data, np.zeros((2, 7)), delimiter=",")
    code, err = run_cli(["classify", "--predict", str(run), str(data)])
    assert code == 2, err
    for word in words:
        assert word in err, (word, err)


def test_predict_labels_good_data(classify_run, tmp_path, run_cli):
    """The corpus' reference point: data on the run's grid is labelled (one row per sample, probabilities)."""
    import numpy as np

    labels = np.load(classify_run / "labels.npz")
    data = tmp_path / "good.npz"
    np.savez(data, features=labels["examples"][:3].reshape(3, -1))
    code, out = run_cli(["classify", "--predict", str(classify_run), str(data)])
    assert code == 0, out
    rows = [line.split(",") for line in out.strip().splitlines()]
    assert rows[0][:2] == ["index", "label"] and len(rows) == 4
    assert all(abs(sum(float(v) for v in r[2:]) - 1) < 1e-5 for r in rows[1:])
