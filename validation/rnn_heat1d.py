"""The recurrent time-stepper (`rnn`) on heat1d: its error over the training horizon and beyond it,
with the data losses alone and with the discrete physics loss added.

    .venv/bin/python validation/rnn_heat1d.py [--threads 2] [--losses teacher,rollout:teacher,rollout,physics]

`rnn` is trained on the Crank–Nicolson reference of problems/heat1d.py (201 nodes × 101 times)
for t ≤ 0.5 (the default --horizon 0.5) at its default budget, once per loss set, and rolled
out autoregressively from u(x, 0) over the whole range t ∈ [0, 1]. Prints a Markdown table
(L2 relative errors over the horizon and beyond it, against the reference and the exact
solution; training time) and draws both error-growth curves into one figure.
"""

from __future__ import annotations

import argparse
import io
import platform
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import torch

from pinnsolve import load_problem
from pinnsolve.run import RunOptions, solve
from pinnsolve.viz.growth import plot_error_growth

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--losses", default="teacher,rollout:teacher,rollout,physics",
                        help="loss sets to compare, separated by ':'")
    parser.add_argument("--out", default="runs/rnn-heat1d")
    parser.add_argument("--figure", default=str(ROOT / "validation" / "report" / "rnn_heat1d_growth.png"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)  # a script sets its process's threads; the library does not
    problem = load_problem(ROOT / "problems" / "heat1d.py")
    rows, curves, times, horizon = [], {}, None, None
    started = time.perf_counter()
    for losses in args.losses.split(":"):
        options = RunOptions(method="rnn", settings={"losses": losses}, threads=args.threads)
        result = solve(problem, options, out=Path(args.out) / losses.replace(",", "-"), plain=True,
                       stream=io.StringIO())
        m = result.metrics
        rows.append(f"| {losses} | {m['l2_training_horizon']:.2e} | {m['l2_beyond_horizon']:.2e} | "
                    f"{m['l2_training_horizon_exact']:.2e} | {m['l2_beyond_horizon_exact']:.2e} | "
                    f"{m['l2_relative_error']:.2e} | {m['train_time_s']:.0f} s ({m['steps']} steps) |")
        print(rows[-1], file=sys.stderr, flush=True)
        u, exact = result.solution.fields["u"], result.solution.exact["u"]
        curves[losses] = np.linalg.norm(u - exact, axis=0) / np.linalg.norm(exact, axis=0)
        times, horizon = result.solution.axes["t"], m["training_horizon_t"]
    plot_error_growth(times, curves, horizon, Path(args.figure), "heat1d: rnn rolled out from u(x, 0)",
                      ylabel=r"$\|u - u_{\mathrm{exact}}\| \,/\, \|u_{\mathrm{exact}}\|$ at each t")
    print(f"    {shlex.join(['.venv/bin/python', 'validation/rnn_heat1d.py', *sys.argv[1:]])}")
    print(f"\n{platform.machine()}, {args.threads} thread(s), torch {torch.__version__}, float64, seed 0; "
          f"total {time.perf_counter() - started:.0f} s. Training horizon t ≤ {horizon:g}.\n")
    print("| losses | L2 horizon vs reference | L2 beyond vs reference | L2 horizon vs exact | L2 beyond vs exact "
          "| L2 all t vs exact | train time |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
