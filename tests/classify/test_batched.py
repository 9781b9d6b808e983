"""Batched method of lines: many parameter values in one integration equal the reference solved one by one;
chunks cached and read back; chunks solved by worker processes equal those solved here."""

from __future__ import annotations

import numpy as np

from pinnsolve.classify.chunks import DatasetStore, solve_chunks
from pinnsolve.classify.dataset import build_dataset, chunk_solver, solve_point
from pinnsolve.dsl import load_problem
from pinnsolve.reference.batch import BatchedReference, batch_obstacle


def test_parameters_in_the_equations_and_initial_data_are_batched(problems_dir):
    burgers = load_problem(problems_dir / "regimes" / "burgers_shock.py")
    assert batch_obstacle(burgers, ["A"]) is None  # u(x, 0) = -A sin πx
    assert batch_obstacle(burgers, ["A", "nu"]) is None  # ν is in the equation
    solve, chunk, how = chunk_solver(burgers, ["A", "nu"], 100, grid={"x": 41, "t": 6})
    assert chunk == 50 and "one stacked system" in how


def test_batched_burgers_equals_the_reference_per_sample(problems_dir):
    problem = load_problem(problems_dir / "regimes" / "burgers_shock.py")
    grid = {"x": 41, "t": 6}
    amplitudes = np.array([[0.2], [0.3], [0.35], [0.45]])  # smooth and shocked
    fields = BatchedReference(problem, ["A"], grid).solve(amplitudes)["u"]
    assert fields.shape == (4, 41, 6)
    for row, (a,) in zip(fields, amplitudes):
        alone = solve_point(problem.with_parameters({"A": a}), grid).fields["u"]
        # both within the integrator's tolerance (rtol 1e-8) of the exact semi-discrete solution
        assert np.abs(row - alone).max() < 1e-6 * np.abs(alone).max()


def test_chunks_are_cached_and_read_back_not_solved(tmp_path):
    calls = []

    def solve(points):
        calls.append(len(points))
        return np.sin(points)[:, None, :] * np.ones((1, 2, 1)), {"t": np.arange(3.0)}

    points = np.linspace(0, 1, 10)[:, None] * np.ones((1, 3))
    store = DatasetStore(tmp_path / "dataset")
    first, axes, cached = solve_chunks(solve, points, 4, store=store)
    assert calls == [4, 4, 2] and cached == 0 and store.count() == 3
    store.path(1).write_bytes(b"not an npz")  # a corrupt chunk is solved again, never trusted
    again, axes2, cached = solve_chunks(solve, points, 4, store=store)
    assert calls == [4, 4, 2, 4] and cached == 2
    assert np.array_equal(first, again) and np.array_equal(axes2["t"], axes["t"])
    assert solve_chunks(solve, points + 1, 4, store=store)[2] == 0  # other points: nothing read back
    edited = DatasetStore(tmp_path / "dataset", key="the problem file was edited")
    assert solve_chunks(solve, points + 1, 4, store=edited)[2] == 0  # another key: nothing read back


def test_worker_processes_give_the_same_dataset(problems_dir):
    problem = load_problem(problems_dir / "regimes" / "burgers_shock.py")
    box, rng = np.array([[0.2, 0.45]]), np.random.default_rng
    here = build_dataset(problem, ["A"], box, 24, rng(0), grid={"x": 41, "t": 6})
    solve, _, _ = chunk_solver(problem, ["A"], 24, grid={"x": 41, "t": 6})
    forked, _, _ = solve_chunks(solve, here.points, 8, workers=2)
    alone, _, _ = solve_chunks(solve, here.points, 8, workers=1)
    assert np.array_equal(forked, alone)
    assert np.abs(forked - here.fields).max() < 1e-6  # chunks of 8 against one chunk of 24: tolerance apart
