"""--loss-weights on heat1d, poisson2d and Burgers: the error each rule reaches at the defaults, and its time.

Runs ``pinnsolve solve`` as a user would (one process per run, one thread, the default
optimizer chain and seed) for each problem and rule, and prints one Markdown table row per
run from its metrics.json and the largest adaptive weight of its history.csv. The numbers in
validation/LOSS_WEIGHTS.md, on which ``--loss-weights auto`` chooses, come from:

    PYTHONPATH=src python validation/loss_weights.py --out /tmp/loss-weight-runs --jobs 2

Runs take one to a few minutes each; on a shared machine the times are inflated.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBLEMS = ["heat1d", "poisson2d", "burgers1d"]
RULES = ["fixed", "annealing", "relobralo"]


def run(problem: str, rule: str, out: Path, extra: list[str]) -> dict:
    """One run of ``problem`` with ``--loss-weights rule``; its metrics and the largest weight it reached."""
    target = out / f"{problem}-{rule}"
    command = [sys.executable, "-m", "pinnsolve", "solve", str(ROOT / "problems" / f"{problem}.py"), "--method",
               "pinn", "--loss-weights", rule, "--threads", "1", "--quiet", "--overwrite", "--out", str(target)]
    subprocess.run(command + extra, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    metrics = json.loads((target / "metrics.json").read_text())
    with open(target / "history.csv") as f:
        rows = list(csv.DictReader(f))
    columns = [c for c in rows[0] if c.startswith("weight_")] if rows else []
    last = {c[len("weight_"):]: float(rows[-1][c]) for c in columns}
    return {"problem": problem, "rule": rule, "weights": last, **metrics}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/loss-weight-runs"))
    parser.add_argument("--jobs", type=int, default=1, help="runs at once (one thread each)")
    parser.add_argument("--problems", nargs="*", default=PROBLEMS)
    parser.add_argument("--rules", nargs="*", default=RULES)
    parser.add_argument("extra", nargs="*", help="further solve flags after --, e.g. -- --seed 1")
    args = parser.parse_args()
    cases = [(p, r) for p in args.problems for r in args.rules]
    print("| problem | --loss-weights | L2 relative error | wall s | train s | steps | final λ |")
    print("|---|---|---|---|---|---|---|")
    with ThreadPoolExecutor(args.jobs) as pool:
        for m in pool.map(lambda c: run(*c, args.out, args.extra), cases):
            weights = ", ".join(f"{k} {v:.3g}" for k, v in m["weights"].items()) or "—"
            print(f"| {m['problem']} | {m['rule']} | {m['l2_relative_error']:.2e} | {m['wall_time_s']:.0f} | "
                  f"{m['train_time_s']:.0f} | {m['steps']} | {weights} |", flush=True)


if __name__ == "__main__":
    main()
