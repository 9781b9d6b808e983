"""Wall time of `pinnsolve classify` on the five shipped cases, end to end, as a user runs it.

    PYTHONPATH=src python validation/classify_timing.py [--threads 2] [--cases damped_oscillator,...]
        [--models logistic] [--out validation/classify]

Each case is the bare command `pinnsolve classify problems/regimes/<case>.py --threads N` (the
problem file's defaults, seed 0) in a fresh Python process, timed from start to exit: start-up
(imports), the dataset, cross-validation, the final fit and the four figures. The target
(issue 14) is ≤ 60 s per case on 2 cores; run it on an otherwise idle machine. The times and
each run's accuracy go to <out>/timing.json and a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ["damped_oscillator", "burgers_shock", "heat_ftcs_stability", "brusselator_hopf", "lorenz_chaos"]
TARGET_S = 60.0


def time_case(case: str, model: str, threads: int, scratch: Path) -> dict:
    out = scratch / f"{case}-{model}"
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-m", "pinnsolve", "classify", str(ROOT / "problems" / "regimes" / f"{case}.py")]
    command += ["--model", model, "--threads", str(threads), "--out", str(out), "--quiet"]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    total = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{case} ({model}) failed with exit {done.returncode}:\n{done.stderr}")
    m = json.loads((out / "metrics.json").read_text())
    keys = ("accuracy_outside_band", "boundary_error", "wall_time_s", "solve_time_s", "train_time_s")
    return {"total_s": total, "threads": threads, **{k: m[k] for k in keys}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--models", default="logistic")
    parser.add_argument("--out", default=str(ROOT / "validation" / "classify"))
    args = parser.parse_args()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for case in args.cases.split(","):
            for model in args.models.split(","):
                r = time_case(case, model, args.threads, Path(scratch))
                results.setdefault(case, {})[model] = r
                print(f"{case} {model}: {r['total_s']:.1f} s", file=sys.stderr, flush=True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "timing.json").write_text(json.dumps({"threads": args.threads, "results": results}, indent=1))
    print(
        f"| case | model | total (s), {args.threads} thread(s) | of which the run (s) | dataset (s) | "
        "outside ±2 % band | boundary error | ≤ 60 s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for case, by_model in results.items():
        for model, r in by_model.items():
            print(
                f"| {case} | {model} | {r['total_s']:.1f} | {r['wall_time_s']:.1f} | {r['solve_time_s']:.1f} | "
                f"{r['accuracy_outside_band']:.4f} | {r['boundary_error']:.2e} | "
                f"{'yes' if r['total_s'] <= TARGET_S else 'NO'} |"
            )
    return 0 if all(r["total_s"] <= TARGET_S for m in results.values() for r in m.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
