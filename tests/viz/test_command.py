"""``pinnsolve plot`` and ``pinnsolve render`` as the CLI runs them, on run directories."""

from __future__ import annotations

import argparse

import numpy as np
import pytest

from pinnsolve.dsl.errors import PinnsolveError
from pinnsolve.viz import save_collocation
from pinnsolve.viz.command import add_plot_arguments, add_render_arguments, run_plot, run_render


def _args(add, argv):
    parser = argparse.ArgumentParser()
    add(parser)
    return parser.parse_args(argv)


def _run_dir(tmp_path, solution, history=True):
    run = tmp_path / "run"
    run.mkdir()
    solution.save_npz(run / "solution.npz")
    if history:
        step = np.arange(0, 60)
        rows = ["step,phase,wall_time_s,loss,pde,bc,l2_relative_error,lr"]
        for k in step:
            l2 = f"{0.5 / (1 + k):.6g}" if k % 10 == 0 else ""
            rows.append(
                f"{k},{'adam' if k < 40 else 'lbfgs'},{0.02 * k + 0.001 * k**1.5:.6g},"
                f"{1 / (1 + k):.6g},{0.6 / (1 + k):.6g},{0.4 / (1 + k):.6g},{l2},0.001"
            )
        (run / "history.csv").write_text("\n".join(rows) + "\n")
    return run


def test_plot_chosen_kinds_times_and_format(tmp_path, cases, capsys, pics):
    run = _run_dir(tmp_path, cases.heat1d())
    save_collocation(
        run / "collocation.npz",
        {"interior": np.random.default_rng(0).random((200, 2)), "added": np.random.default_rng(1).random((20, 2))},
        ("x", "t"),
    )
    args = _args(
        add_plot_arguments, [str(run), "--kind", "profiles", "--kind", "collocation", "--times", "0, 0.25,0.5"]
    )
    assert run_plot(args) == 0
    printed = capsys.readouterr().out.split()
    assert [p.rsplit("/", 1)[1] for p in printed] == ["profiles.png", "collocation.png"]
    for name in ("profiles.png", "collocation.png"):
        pics.picture(run / "plots" / name)
    args = _args(add_plot_arguments, [str(run), "--kind", "error", "--format", "svg", "--out", str(tmp_path / "figs")])
    assert run_plot(args) == 0
    assert (tmp_path / "figs" / "error.svg").read_text().lstrip().startswith("<?xml")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--kind", "contour"], "--kind contour is not a kind of plot; choose from: solution"),
        (["--times", "0,half"], "'half' is not a number"),
        (["--times", "5"], r"outside the solution's time range \[0, 1\]"),
        (["--kind", "phase"], "cannot draw the 'phase' plot for heat1d"),
    ],
)
def test_plot_bad_input(tmp_path, cases, argv, message):
    run = _run_dir(tmp_path, cases.heat1d(), history=False)
    with pytest.raises(PinnsolveError, match=message):
        run_plot(_args(add_plot_arguments, [str(run), *argv]))


@pytest.mark.parametrize("add, run", [(add_plot_arguments, run_plot), (add_render_arguments, run_render)])
def test_run_dir_without_a_solution(tmp_path, add, run):
    with pytest.raises(PinnsolveError, match="is not a directory"):
        run(_args(add, [str(tmp_path / "missing")]))
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(PinnsolveError, match="holds no solution.npz, so there is nothing to"):
        run(_args(add, [str(tmp_path)]))
    (tmp_path / "solution.npz").write_bytes(b"not an npz")
    with pytest.raises(PinnsolveError, match="solution.npz cannot be read"):
        run(_args(add, [str(tmp_path)]))


def test_render_without_pyvista_says_what_to_install(tmp_path, cases, capsys, monkeypatch):
    import pinnsolve.viz.command as command

    run = _run_dir(tmp_path, cases.poisson2d(), history=False)
    monkeypatch.setattr(command, "_missing_pyvista", lambda: True)
    assert run_render(_args(add_render_arguments, [str(run)])) == 3
    assert "pip install pyvista" in capsys.readouterr().err
    with pytest.raises(PinnsolveError, match="--size 10x10"):
        run_render(_args(add_render_arguments, [str(run), "--size", "10x10"]))
