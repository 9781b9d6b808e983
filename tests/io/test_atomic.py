"""Atomic writes: the target appears whole or not at all."""

from __future__ import annotations

import json
import os
import stat

import numpy as np
import pytest

from pinnsolve.io import atomic_write, temp_name, write_json, write_text


def test_temp_name_is_hidden_beside_target_and_keeps_suffix(tmp_path):
    tmp = temp_name(tmp_path / "solution.npz")
    assert tmp.parent == tmp_path
    assert tmp.name.startswith(".solution.tmp-") and tmp.suffix == ".npz"
    assert temp_name(tmp_path / "solution.npz") != tmp


def test_success_replaces_target(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with atomic_write(target) as tmp:
        assert tmp != target and tmp.parent == tmp_path
        tmp.write_text("new")
        assert target.read_text() == "old"  # nothing visible until the block ends
    assert target.read_text() == "new"
    assert os.listdir(tmp_path) == ["a.txt"]


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_exception_leaves_no_file(tmp_path, error):
    target = tmp_path / "sub" / "b.npz"
    with pytest.raises(error):
        with atomic_write(target) as tmp:
            np.savez(tmp, u=np.ones(3))
            raise error("killed half-way")
    assert not target.exists()
    assert os.listdir(tmp_path / "sub") == []


def test_exception_keeps_old_content(tmp_path):
    target = tmp_path / "c.json"
    write_json(target, {"v": 1})
    with pytest.raises(ValueError):
        with atomic_write(target) as tmp:
            tmp.write_text("{ half")
            raise ValueError
    assert json.loads(target.read_text()) == {"v": 1}
    assert os.listdir(tmp_path) == ["c.json"]


def test_numpy_writes_to_the_temporary_name_itself(tmp_path):
    # np.savez appends .npz to names without it; the kept suffix prevents a stray file.
    with atomic_write(tmp_path / "s.npz") as tmp:
        np.savez(tmp, u=np.arange(4))
    assert os.listdir(tmp_path) == ["s.npz"]
    with np.load(tmp_path / "s.npz", allow_pickle=False) as data:
        assert data["u"].tolist() == [0, 1, 2, 3]


def test_permissions_follow_umask(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_text(tmp_path / "r.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_write_json_plain_types(tmp_path):
    path = write_json(
        tmp_path / "m.json",
        {"l2": np.float64(0.5), "n": np.int64(3), "a": np.arange(2), "bad": float("nan"), "p": tmp_path},
    )
    assert json.loads(path.read_text()) == {"l2": 0.5, "n": 3, "a": [0, 1], "bad": None, "p": str(tmp_path)}


def test_write_text(tmp_path):
    assert write_text(tmp_path / "t.md", "ΔT = 1 K\n").read_text(encoding="utf-8") == "ΔT = 1 K\n"
