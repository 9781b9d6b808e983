"""``--method deepxde`` on the shipped problems: L2 error against the exact solution and wall time.

    PYTHONPATH=src OMP_NUM_THREADS=1 .venv/bin/python benchmarks/vs_deepxde/method.py heat1d poisson2d \\
        [--set steps=500 --set lbfgs_steps=500 --set points=512 ...]

Calls the registered method directly (float64, seed 0, one thread) and prints one Markdown table
row per problem: the settings, the relative L2 error of the Solution, the steps taken and the
wall time. The rows in README.md were measured this way.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from pinnsolve import load_problem
from pinnsolve.methods.contract import Context, get_method
from pinnsolve.methods.deepxde import DeepXDESettings

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("problems", nargs="+")
    parser.add_argument("--set", action="append", default=[], help="a setting of --method deepxde, name=value")
    args = parser.parse_args()
    torch.set_num_threads(1)
    values = {}
    for item in args.set:
        name, value = item.split("=", 1)
        values[name] = int(value) if value.isdigit() else float(value) if "." in value or "e" in value else value
    settings = DeepXDESettings(**values)
    print("| problem | settings | L2 relative error | steps | wall time (s) |\n|---|---|---|---|---|")
    for name in args.problems:
        problem = load_problem(ROOT / "problems" / f"{name}.py")
        context = Context(dtype=torch.float64, device=torch.device("cpu"), rng=np.random.default_rng(0), seed=0)
        started = time.perf_counter()
        outcome = get_method("deepxde").run(problem, settings, context)
        wall = time.perf_counter() - started
        error = outcome.result.errors()["l2_relative_error"]
        print(f"| {name} | {' '.join(args.set) or 'defaults'} | {error:.2e} | {outcome.metrics['steps']} | "
              f"{wall:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
