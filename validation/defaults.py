"""Solve every shipped problem at default settings and print the table for validation/README.md.

    .venv/bin/python validation/defaults.py [--out runs/defaults] [--only heat1d,decay]

Each row is one `pinnsolve solve PROBLEM --method M` with nothing else set (seed 0); the
table records the error against the exact solution, steps and wall time.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import sys
import time
from pathlib import Path

import torch

from pinnsolve import load_problem
from pinnsolve.dsl.errors import PinnsolveError
from pinnsolve.run import RunOptions, default_threads, solve

ROOT = Path(__file__).resolve().parents[1]
#: (problem, method) pairs measured; the trial method where its conditions can be built in
CASES = [("decay", "trial"), ("decay", "pinn"), ("logistic", "trial"), ("logistic", "pinn"), ("poisson1d", "trial"),
         ("poisson1d", "pinn"), ("heat1d", "pinn"), ("heat1d", "trial"), ("wave1d", "trial"), ("wave1d", "pinn"),
         ("oscillator", "trial"), ("oscillator", "pinn"), ("lorenz", "pinn"), ("burgers1d", "pinn"),
         ("poisson2d", "trial"), ("poisson2d", "pinn"), ("poisson_disk", "pinn"), ("heat_neumann", "pinn")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="runs/defaults")
    parser.add_argument("--only", help="comma-separated problem names")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    rows = []
    print(f"# {platform.processor() or platform.machine()}, {default_threads()} threads, torch {torch.__version__}",
          file=sys.stderr)
    torch.set_num_threads(default_threads())
    for name, method in CASES:
        if only and name not in only:
            continue
        problem = load_problem(ROOT / "problems" / f"{name}.py")
        started = time.perf_counter()
        try:
            result = solve(problem, RunOptions(method=method), out=Path(args.out) / f"{name}-{method}", plain=True,
                           stream=io.StringIO())
        except PinnsolveError as exc:
            print(f"{name} {method}: {exc}", file=sys.stderr)
            continue
        m = result.metrics
        row = {"problem": name, "method": method, "l2_relative_error": m.get("l2_relative_error"),
               "max_abs_error": m.get("max_abs_error"), "steps": m["steps"],
               "wall_time_s": time.perf_counter() - started,
               "command": f"pinnsolve solve problems/{name}.py --method {method}"}
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    print("| problem | method | L2 relative error | max abs error | steps | wall time (s) | command |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        l2 = "—" if r["l2_relative_error"] is None else f"{r['l2_relative_error']:.2e}"
        mx = "—" if r["max_abs_error"] is None else f"{r['max_abs_error']:.2e}"
        print(f"| {r['problem']} | {r['method']} | {l2} | {mx} | {r['steps']} | {r['wall_time_s']:.0f} | "
              f"`{r['command']}` |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
