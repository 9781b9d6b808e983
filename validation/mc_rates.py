"""Monte Carlo reference solves per second: batched on one discretisation against one solve per draw.

    PYTHONPATH=src OMP_NUM_THREADS=1 python validation/mc_rates.py

Times `pinnsolve.generative.montecarlo.monte_carlo` (what `pinnsolve generate` calls for its training
and reference draws) on the three stochastic problems at the reference's default grids, and its
one-by-one path (`solve_reference` per draw) on the same draws; prints solves per second and the
largest deviation between the two, relative to max|u|.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np

from pinnsolve.dsl.loader import load_problem
from pinnsolve.generative.law import RandomInputs
from pinnsolve.generative.montecarlo import _one_by_one, monte_carlo, progress_bar

PROBLEMS = Path(__file__).resolve().parents[1] / "problems"

for name, n in [("stochastic_decay", 200), ("stochastic_heat", 100), ("darcy1d_kl", 200)]:
    problem = load_problem(PROBLEMS / f"{name}.py")
    batched = monte_carlo(problem, "u", n, np.random.default_rng(0), stream=io.StringIO(), plain=True)
    started = time.perf_counter()
    with progress_bar(n, "one by one", io.StringIO(), plain=True) as bar:
        single, _, _ = _one_by_one(problem, RandomInputs.of(problem).names, "u", batched.inputs, None, bar)
    rate = n / (time.perf_counter() - started)
    deviation = np.max(np.abs(batched.fields - single)) / np.max(np.abs(single))
    print(f"{name}: {batched.solves_per_s:.0f} solves/s batched, {rate:.0f}/s one by one "
          f"({batched.solves_per_s / rate:.0f}x), largest deviation {deviation:.1e}", flush=True)
