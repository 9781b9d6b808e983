"""Optimizer chains on heat1d and poisson2d: the error each reaches and the time it takes.

Runs ``pinnsolve solve`` as a user would (one process per run, one thread) for each chain and
network size given, and prints one Markdown table row per run from the run's metrics.json.
The numbers recorded in validation/OPTIMIZERS.md come from:

    PYTHONPATH=src python validation/optimizers.py --out /tmp/optimizer-runs

Runs take minutes each; on a shared machine the times are inflated (see OPTIMIZERS.md).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: (problem, --optimizer or None for the default chain, width, depth)
RUNS = [
    ("heat1d", "adam:200,gauss-newton:400", 20, 2),
    ("poisson2d", "adam:200,gauss-newton:400", 20, 2),
    ("heat1d", None, None, None),
    ("poisson2d", None, None, None),
    ("heat1d", "adam:1000,gauss-newton:200", 20, 3),
    ("poisson2d", "adam:1000,gauss-newton:200", 20, 3),
    ("poisson2d", "adam:300,gauss-newton:300", 20, 3),
    ("heat1d", "adam:200,gauss-newton:1000", 20, 2),
    ("poisson2d", "adam:200,gauss-newton:1000", 20, 2),
]


def run(problem: str, chain: str | None, width: int | None, depth: int | None, out: Path) -> dict:
    name = f"{problem}-{(chain or 'default').replace(':', '').replace(',', '-')}-w{width}d{depth}"
    command = [sys.executable, "-m", "pinnsolve.cli", "solve", str(ROOT / "problems" / f"{problem}.py"),
               "--threads", "1", "--quiet", "--out", str(out / name)]
    command += ["--optimizer", chain] if chain else []
    command += ["--width", str(width), "--depth", str(depth)] if width else []
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL)
    metrics = json.loads((out / name / "metrics.json").read_text())
    return {"command": " ".join(command[2:]), **metrics}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/optimizer-runs"))
    parser.add_argument("--only", type=int, nargs="*", help="indices into RUNS")
    args = parser.parse_args()
    print("| problem | --optimizer | width×depth | L2 relative error | wall s | train s | steps | stop |")
    print("|---|---|---|---|---|---|---|---|")
    for i, (problem, chain, width, depth) in enumerate(RUNS):
        if args.only and i not in args.only:
            continue
        m = run(problem, chain, width, depth, args.out)
        size = f"{width}×{depth}" if width else "32×3 (default)"
        print(f"| {problem} | {chain or 'default (adam,lbfgs)'} | {size} | {m['l2_relative_error']:.2e} | "
              f"{m['wall_time_s']:.0f} | {m['train_time_s']:.0f} | {m['steps']} | {m['stop_reason']} |", flush=True)


if __name__ == "__main__":
    main()
