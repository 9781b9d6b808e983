"""Does the physics term help the supervised surrogate (`ffnn`) extrapolate in time? heat1d, both ways.

    .venv/bin/python validation/ffnn_extrapolation.py [--threads 1] [--weights 0,1] [--out runs/ffnn-extrapolation]

`ffnn` is trained on the finite-difference reference of problems/heat1d.py for t ≤ 0.5 (the
default --horizon 0.5: 80 % of those points train, 20 % are held out) at its default budget,
once per physics weight. Prints a Markdown table: the L2 relative error on the held-out points
and beyond the horizon (0.5 < t ≤ 1), both against the reference, the error over the whole
evaluation grid against the exact solution, and the training time.
"""

from __future__ import annotations

import argparse
import io
import platform
import shlex
import sys
import time
from pathlib import Path

import torch

from pinnsolve import load_problem
from pinnsolve.run import RunOptions, solve

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--weights", default="0,1", help="physics weights, comma-separated")
    parser.add_argument("--out", default="runs/ffnn-extrapolation")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)  # a script sets its process's threads; the library does not
    problem = load_problem(ROOT / "problems" / "heat1d.py")
    rows = []
    started = time.perf_counter()
    for weight in (float(w) for w in args.weights.split(",")):
        options = RunOptions(method="ffnn", settings={"physics_weight": weight}, threads=args.threads)
        result = solve(problem, options, out=Path(args.out) / f"heat1d-ffnn-pw{weight:g}", plain=True,
                       stream=io.StringIO())
        m = result.metrics
        rows.append(f"| {weight:g} | {m['l2_heldout']:.2e} | {m['l2_extrapolation']:.2e} | "
                    f"{m['l2_relative_error']:.2e} | {m['train_time_s']:.0f} s ({m['steps']} steps) |")
        print(rows[-1], file=sys.stderr, flush=True)
    print(f"    {shlex.join(['.venv/bin/python', 'validation/ffnn_extrapolation.py', *sys.argv[1:]])}")
    print(f"\n{platform.machine()}, {args.threads} thread(s), torch {torch.__version__}, float64, seed 0; "
          f"total {time.perf_counter() - started:.0f} s. Held-out and extrapolation errors are against the "
          "finite-difference reference; the last error column is against the exact solution, on the whole "
          "evaluation grid (t in [0, 1]).\n")
    print("| physics weight | L2 held-out (t ≤ 0.5) | L2 extrapolation (t > 0.5) | L2 overall vs exact | train time |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
