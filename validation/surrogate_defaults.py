"""The surrogates at their defaults: ffnn, rnn and autoencoder on heat1d and heat2d_neumann, over the whole time range.

    PYTHONPATH=src OMP_NUM_THREADS=1 python validation/surrogate_defaults.py [--src DIR] [--label NAME]
        [--cases heat1d:ffnn,heat2d_neumann:rnn,...] [--out runs/surrogate-defaults]

Each case is one fresh `pinnsolve solve PROBLEM --method M --threads 1` process (the command a
user types; nothing else set, except the reference grid of the 2-D problem's rnn and autoencoder,
41 × 41 in space, so that a run stays within minutes on the shared machine), with the package
from ``--src`` on the path: this checkout's ``src`` by default, or another checkout's (``git
archive main src | tar -x -C /tmp/main`` then ``--src /tmp/main/src``) for the numbers before a
change. Prints a Markdown table: the L2 relative error against the exact solution over the whole
time range (metrics.json ``l2_relative_error``), the wall time of the run (``wall_time_s``),
the steps, and the choices the method recorded in config.json (physics weight, horizon, latent size).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = {
    "heat1d:ffnn": [],
    "heat1d:rnn": [],
    "heat1d:autoencoder": [],
    "heat2d_neumann:ffnn": [],
    "heat2d_neumann:rnn": ["--grid", "x=41,y=41"],
    "heat2d_neumann:autoencoder": ["--grid", "x=41,y=41"],
}


def run_case(case: str, src: Path, out: Path) -> str:
    """One case in a fresh process; its Markdown table row."""
    problem, method = case.split(":")
    run_dir = out / f"{problem}-{method}"
    command = [sys.executable, "-m", "pinnsolve", "solve", str(ROOT / "problems" / f"{problem}.py")]
    command += ["--method", method, "--threads", "1", "--out", str(run_dir), "--overwrite", *CASES[case]]
    env = {**os.environ, "PYTHONPATH": str(src), "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        return f"| {problem} | {method} | failed (exit {done.returncode}): {done.stderr.strip()[-200:]} | | | |"
    metrics = json.loads((run_dir / "metrics.json").read_text())
    choices = json.loads((run_dir / "config.json").read_text()).get("choices", {})
    chosen = ", ".join(
        f"{key} {choices[key]}"
        for key in ("physics_weight", "horizon", "latent", "latent_dynamics", "losses")
        if key in choices
    )
    flags = " ".join(CASES[case])
    return (
        f"| {problem} | {method} {flags} | {metrics['l2_relative_error']:.2e} | {metrics['wall_time_s']:.0f} s | "
        f"{metrics.get('steps', '')} | {chosen} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", default=str(ROOT / "src"), help="the package's source folder to run")
    parser.add_argument("--label", default="this checkout")
    parser.add_argument("--cases", default=",".join(CASES), help="PROBLEM:METHOD, comma-separated")
    parser.add_argument("--out", default="runs/surrogate-defaults")
    args = parser.parse_args()
    out = Path(args.out) / args.label.replace(" ", "-")
    print(f"{args.label}: {shlex.join(sys.argv)}\n")
    print("| problem | method | L2 vs exact, all t | wall time | steps | choices (config.json) |")
    print("|---|---|---|---|---|---|")
    for case in args.cases.split(","):
        print(run_case(case, Path(args.src).resolve(), out), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
