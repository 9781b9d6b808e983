"""Where one Adam step of a pinnsolve PINN spends its time, and what torch.compile changes.

    .venv/bin/python benchmarks/vs_deepxde/profile_step.py [--problem heat1d] [--net 3x32] [--points 2048]

Prints it/s of the eager step with each derivative engine (Taylor mode, nested autograd) and
of the Taylor-mode loss under ``torch.compile`` (inductor, CPU), then the torch.profiler table
of the eager Taylor-mode step: the operators that take the time. float32, 2 threads, the same
collocation points as bench.py.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from pinnsolve import load_problem
from pinnsolve.methods import MethodSettings, pinn
from pinnsolve.residual import get_engine

ROOT = Path(__file__).resolve().parents[2]
NETS = {"3x32": (32, 3), "5x100": (100, 5)}


def build(problem_name: str, net: str, points: int, derivatives: str):
    torch.manual_seed(0)
    width, depth = NETS[net]
    problem = load_problem(ROOT / "problems" / f"{problem_name}.py")
    settings = MethodSettings(width=width, depth=depth, points=points, derivatives=derivatives)
    return pinn.build(problem, settings, np.random.default_rng(0), torch.float32, torch.device("cpu"))


def steps_per_second(setup, loss_fn, steps: int) -> float:
    optimizer = torch.optim.Adam(setup.model.parameters(), lr=1e-3)

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        loss_fn().backward()
        optimizer.step()

    for _ in range(20):  # warm-up (and compilation)
        step()
    started = time.perf_counter()
    for _ in range(steps):
        step()
    return steps / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problem", default="heat1d")
    parser.add_argument("--net", default="3x32", choices=sorted(NETS))
    parser.add_argument("--points", type=int, default=2048)
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()
    torch.set_num_threads(2)

    rows = []
    for engine in ("taylor", "autograd"):
        setup = build(args.problem, args.net, args.points, engine)
        rows.append((f"eager, {engine}", steps_per_second(setup, lambda s=setup: sum(s.objective(s.model).values()),
                                                          args.steps)))
    setup = build(args.problem, args.net, args.points, "taylor")
    compiled = torch.compile(lambda: sum(setup.objective(setup.model).values()))
    started = time.perf_counter()
    compiled().backward()
    compile_s = time.perf_counter() - started
    rows.append((f"torch.compile, taylor (compiled in {compile_s:.0f} s)",
                 steps_per_second(setup, compiled, args.steps)))
    print(f"{args.problem}, {args.net} tanh, {setup.objective.points.shape[0]} points, float32, 2 threads")
    print("| step | it/s |\n|---|---|")
    for name, its in rows:
        print(f"| {name} | {its:.1f} |")

    setup = build(args.problem, args.net, args.points, "taylor")
    optimizer = torch.optim.Adam(setup.model.parameters(), lr=1e-3)
    engine = get_engine("taylor")
    assert type(setup.objective.engine) is type(engine)
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        for _ in range(50):
            optimizer.zero_grad(set_to_none=True)
            sum(setup.objective(setup.model).values()).backward()
            optimizer.step()
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=15))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
