"""Run directories and the training history file."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from pinnsolve.errors import RunDirectoryError
from pinnsolve.io import make_run_dir, read_history

NOW = datetime(2024, 5, 17, 9, 3, 7)


def test_default_name(tmp_path):
    run = make_run_dir(tmp_path / "runs", "heat1d", "pinn", now=NOW)
    assert run == tmp_path / "runs" / "heat1d-pinn-20240517-090307"
    assert run.is_dir()


def test_never_reuses_a_directory_with_files(tmp_path):
    first = make_run_dir(tmp_path, "heat1d", "pinn", now=NOW)
    (first / "config.json").write_text("{}")
    second = make_run_dir(tmp_path, "heat1d", "pinn", now=NOW)
    assert second.name == "heat1d-pinn-20240517-090307-2"
    (second / "x").write_text("")
    assert make_run_dir(tmp_path, "heat1d", "pinn", now=NOW).name.endswith("-3")


def test_empty_directory_is_used(tmp_path):
    run = make_run_dir(tmp_path, "a", "b", now=NOW)
    assert make_run_dir(tmp_path, "a", "b", now=NOW) == run


def test_exact_path(tmp_path):
    out = tmp_path / "my-run"
    assert make_run_dir(out, "heat1d", "pinn", exact=True) == out
    (out / "history.csv").write_text("")
    # an --out that holds an earlier run is refused (never a silent my-run-2), replaced with overwrite
    with pytest.raises(RunDirectoryError, match="--overwrite"):
        make_run_dir(out, "heat1d", "pinn", exact=True)
    assert make_run_dir(out, "heat1d", "pinn", exact=True, overwrite=True) == out
    assert not (out / "history.csv").exists() and not (tmp_path / "my-run-2").exists()
    with pytest.raises(ValueError):
        make_run_dir(None, "p", "m", exact=True)


def test_unsafe_names_are_slugged(tmp_path):
    run = make_run_dir(tmp_path, "heat 1d/../x", "pinn", now=NOW)
    assert run.parent == tmp_path and "/" not in run.name and " " not in run.name


def test_a_run_that_wrote_only_its_config_is_removed_and_any_other_is_kept(tmp_path):
    from pinnsolve.io.rundir import RunDirectory

    bare = RunDirectory.create(tmp_path / "bare", "heat1d", "pinn")
    bare.write_config({"method": "pinn"}, result_kind="solution")
    (bare.path / "members").mkdir()  # an empty folder is nothing written
    assert bare.remove_if_only_config() and not bare.path.exists()
    kept = RunDirectory.create(tmp_path / "kept", "heat1d", "pinn")
    kept.write_config({"method": "pinn"}, result_kind="solution")
    (kept.path / "dataset").mkdir()
    (kept.path / "dataset" / "chunk-0.npz").write_bytes(b"draws")  # one file, however deep, keeps it
    assert not kept.remove_if_only_config()
    assert sorted(p.name for p in kept.path.rglob("*")) == ["chunk-0.npz", "config.json", "dataset"]


HISTORY = """step,phase,wall_time_s,loss,residual,initial,l2_relative_error,lr
0,adam,0.0100,1.00000000e+00,9.00000000e-01,1.00000000e-01,5.00000000e-01,1.000000e-03
1,adam,0.0200,5.00000000e-01,4.00000000e-01,1.00000000e-01,,1.000000e-03
2,lbfgs,0.0300,1.00000000e-01,9.00000000e-02,1.00000000e-02,2.00000000e-02,1.000000e+00
"""


def test_read_history(tmp_path):
    (tmp_path / "history.csv").write_text(HISTORY)
    for where in (tmp_path, tmp_path / "history.csv"):
        h = read_history(where)
        assert list(h) == ["step", "phase", "wall_time_s", "loss", "residual", "initial", "l2_relative_error", "lr"]
        assert h["step"].dtype == np.int64 and h["step"].tolist() == [0, 1, 2]
        assert h["phase"].tolist() == ["adam", "adam", "lbfgs"]
        np.testing.assert_allclose(h["residual"], [0.9, 0.4, 0.09])
        assert np.isnan(h["l2_relative_error"][1]) and h["l2_relative_error"][2] == 0.02
        assert h["lr"][-1] == 1.0


def test_read_empty_history(tmp_path):
    (tmp_path / "history.csv").write_text("")
    assert read_history(tmp_path) == {}
    (tmp_path / "history.csv").write_text("step,phase,loss\n")
    h = read_history(tmp_path)
    assert set(h) == {"step", "phase", "loss"} and h["loss"].size == 0
