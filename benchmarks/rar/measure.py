"""RAR-D adaptive collocation on and off at the pinn defaults: L2 error and wall time per problem.

    PYTHONPATH=src OMP_NUM_THREADS=1 .venv/bin/python benchmarks/rar/measure.py [--only burgers1d] [--seeds 0]

Each row is ``pinnsolve solve problems/P.py --method pinn --rar on|off --threads 1 --seed S`` with
nothing else set. heat1d and poisson2d are measured against their exact solutions (metrics.json);
Burgers (ν = 0.01/π) against the Cole–Hopf solution, computed here by Gauss–Hermite quadrature.
Rows go to stdout as JSON lines and to benchmarks/rar/results.json.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from pinnsolve import load_problem
from pinnsolve.methods.options import make_settings
from pinnsolve.results import load_result, relative_l2
from pinnsolve.run import RunOptions, solve

ROOT = Path(__file__).resolve().parents[2]
PROBLEMS = ["heat1d", "poisson2d", "burgers1d"]


def burgers_cole_hopf(x: np.ndarray, t: np.ndarray, nu: float, nodes: int = 200) -> np.ndarray:
    """u(x, t) of u_t + u u_x = ν u_xx, u(x, 0) = −sin πx (Cole–Hopf; Basdevant et al. 1986), shape (len x, len t).

    u = −∫ sin π(x − η) f(x − η) e^{−η²/4νt} dη / ∫ f(x − η) e^{−η²/4νt} dη with f(y) = e^{−cos(πy)/2πν},
    η = √(4νt) z by Gauss–Hermite quadrature; the common factor e^{1/2πν} is divided out to stay finite.
    """
    z, w = np.polynomial.hermite.hermgauss(nodes)
    u = np.empty((len(x), len(t)))
    for j, tj in enumerate(t):
        if tj <= 0:
            u[:, j] = -np.sin(np.pi * x)
            continue
        y = x[:, None] - np.sqrt(4 * nu * tj) * z[None, :]
        f = np.exp(-(np.cos(np.pi * y) + 1.0) / (2 * np.pi * nu))
        u[:, j] = -(w * np.sin(np.pi * y) * f).sum(1) / (w * f).sum(1)
    return u


def l2_of(name: str, run_dir: Path, metrics: dict) -> float:
    if name != "burgers1d":
        return float(metrics["l2_relative_error"])
    solution = load_result(run_dir)
    x, t = solution.axes["x"], solution.axes["t"]
    return relative_l2(solution.fields["u"], burgers_cole_hopf(x, t, 0.01 / np.pi))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="runs/rar")
    parser.add_argument("--only", help="comma-separated problem names")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds")
    parser.add_argument("--modes", default="off,on")
    parser.add_argument("--settings", default="{}", help="other pinn settings as JSON, e.g. '{\"rar_every\": 100}'")
    parser.add_argument("--results", default="results.json", help="file name under benchmarks/rar/")
    args = parser.parse_args()
    torch.set_num_threads(1)
    names = args.only.split(",") if args.only else PROBLEMS
    extra = json.loads(args.settings)
    flags = "".join(f" --{k.replace('_', '-')} {v}" for k, v in extra.items())
    rows = []
    for name in names:
        problem = load_problem(ROOT / "problems" / f"{name}.py")
        for seed in [int(s) for s in args.seeds.split(",")]:
            for mode in args.modes.split(","):
                out = Path(args.out) / f"{name}-{mode}{flags.replace(' ', '')}-{seed}"
                settings = make_settings("pinn", {"rar": mode, **extra}, source="key")
                started = time.perf_counter()
                result = solve(
                    problem,
                    RunOptions(method="pinn", settings=settings, seed=seed, threads=1),
                    out=out,
                    overwrite=True,
                    plain=True,
                    stream=io.StringIO(),
                    plots=False,
                )
                wall = time.perf_counter() - started
                m = result.metrics
                row = {
                    "problem": name,
                    "rar": mode,
                    "seed": seed,
                    "l2_relative_error": l2_of(name, out, m),
                    "added_points": m.get("added_points", 0),
                    "train_time_s": round(m["train_time_s"], 1),
                    "wall_time_s": round(wall, 1),
                    "steps": m["steps"],
                    "command": f"pinnsolve solve problems/{name}.py --method pinn --rar {mode}{flags} --threads 1 "
                    f"--seed {seed}",
                }
                rows.append(row)
                print(json.dumps(row), flush=True)
    (Path(__file__).parent / args.results).write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
