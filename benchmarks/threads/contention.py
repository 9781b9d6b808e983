"""Training speed of `pinnsolve solve` alone and beside a busy process, per OpenMP wait policy and thread count.

    PYTHONPATH=src python benchmarks/threads/contention.py [--problems heat1d,poisson2d] [--steps 300]

For each problem, wait policy (ACTIVE: OpenMP workers spin between parallel regions; PASSIVE: they
sleep; unset: libgomp's default, spin a while then sleep) and thread count (1, all cores, and 0 for
pinnsolve's default: the cores idle when the run starts), runs

    python -m pinnsolve solve problems/PROBLEM.py --steps N --lbfgs-steps 0 [--threads T] --quiet

once on the otherwise idle machine and once beside a busy-loop process pinned to nothing (it takes
one core), and reads the Adam steps per second from the run's history.csv. Side by side in one
run, so the ratios hold on a noisy machine; check `uptime` first (load well below 1). Writes
benchmarks/threads/results.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def _busy() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


#: OpenMP waiting as the environment sets it: spin forever, sleep at once, libgomp's own default (spin a
#: while, then sleep; an empty OMP_WAIT_POLICY is kept by the CLI and ignored by libgomp), and a short spin
POLICIES = {
    "ACTIVE": {"OMP_WAIT_POLICY": "ACTIVE"},
    "PASSIVE": {"OMP_WAIT_POLICY": "PASSIVE"},
    "unset": {"OMP_WAIT_POLICY": ""},
    "spin 10k": {"OMP_WAIT_POLICY": "", "GOMP_SPINCOUNT": "10000"},
}


def _rate(problem: str, steps: int, threads: int, policy: str) -> float:
    """Adam steps per second of one `pinnsolve solve` run, from its history (the first 10 % left out: warm-up)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        env = {**os.environ, **POLICIES[policy], "PYTHONPATH": str(ROOT / "src")}
        env.pop("OMP_NUM_THREADS", None)
        command = [sys.executable, "-m", "pinnsolve", "solve", f"problems/{problem}.py", "--steps", str(steps)]
        command += ["--lbfgs-steps", "0", "--quiet", "--out", str(out)]
        command += ["--threads", str(threads)] if threads else []  # 0: pinnsolve's default (the idle cores)
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
        with open(out / "history.csv", newline="") as f:
            rows = [r for r in csv.DictReader(f) if r.get("wall_time_s")]
        first = rows[len(rows) // 10]
        last = rows[-1]
        return (int(last["step"]) - int(first["step"])) / (float(last["wall_time_s"]) - float(first["wall_time_s"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", default="heat1d,poisson2d")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--policies", default=",".join(POLICIES), help=f"of: {', '.join(POLICIES)}")
    parser.add_argument("--threads", help="comma-separated thread counts, 0 for pinnsolve's default (default: 1,cores)")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    results = []
    for problem in args.problems.split(","):
        for policy in args.policies.split(","):
            for threads in [int(t) for t in args.threads.split(",")] if args.threads else sorted({1, cores}):
                idle = _rate(problem, args.steps, threads, policy)
                busy = _busy()
                try:
                    time.sleep(0.5)
                    loaded = _rate(problem, args.steps, threads, policy)
                finally:
                    busy.kill()
                row = {"problem": problem, "policy": policy, "threads": threads, "idle_it_s": idle,
                       "busy_it_s": loaded, "ratio": loaded / idle}
                results.append(row)
                print(json.dumps(row), flush=True)
    (HERE / "results.json").write_text(json.dumps({"load_before": os.getloadavg(), "rows": results}, indent=1))
    print("| problem | OMP waiting | threads (0: default) | idle it/s | beside a busy process it/s | ratio |")
    print("|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['problem']} | {r['policy']} | {r['threads']} | {r['idle_it_s']:.1f} | {r['busy_it_s']:.1f} | "
              f"{r['ratio']:.2f} |")


if __name__ == "__main__":
    main()
