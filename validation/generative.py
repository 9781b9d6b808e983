"""Measure the generative targets (validation/GENERATIVE.md): each model on each stochastic problem, defaults only.

    PYTHONPATH=src OMP_NUM_THREADS=1 python validation/generative.py [problem:model ...]

Runs ``pinnsolve generate PROBLEM --model MODEL --out validation/generative-runs/PROBLEM-MODEL`` with
no other flag and appends the run's metrics (and the command's wall time) to
validation/generative-runs/results.jsonl; ``--table`` prints the Markdown table of everything recorded.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = ROOT / "validation" / "generative-runs"
CASES = [f"{p}:{m}" for p in ("stochastic_decay", "stochastic_heat", "darcy1d_kl") for m in ("vae", "gan", "diffusion")]
KEYS = ["mean_l2_relative_error", "std_l2_relative_error", "std_ratio", "w1_over_std", "ks_pvalue", "train_time_s",
        "mc_time_s", "samples_per_s", "mc_solves_per_s", "sampling_speedup", "reference"]


def run(case: str) -> dict:
    problem, model = case.split(":")
    out = RUNS / f"{problem}-{model}"
    command = [sys.executable, "-m", "pinnsolve.cli", "generate", f"problems/{problem}.py", "--model", model,
               "--out", str(out.relative_to(ROOT)), "--overwrite", "--quiet"]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True)
    metrics = json.loads((out / "metrics.json").read_text())
    row = {"case": case, "command": " ".join(command[1:]).replace(sys.executable, "python"),
           "wall_time_s": time.perf_counter() - started, **{k: metrics.get(k) for k in KEYS}}
    with open(RUNS / "results.jsonl", "a") as f:
        f.write(json.dumps(row) + "\n")
    return row


def table() -> str:
    rows = [json.loads(line) for line in (RUNS / "results.jsonl").read_text().splitlines() if line.strip()]
    latest = {r["case"]: r for r in rows}
    header = ("| problem | model | mean rel. L2 | std rel. L2 | std ratio | W1/std | KS p | train s | MC s | "
              "samples/s | MC solves/s | whole run s |")
    lines = [header, "|" + "---|" * 12]
    for case, r in latest.items():
        p, m = case.split(":")
        lines.append(f"| {p} | {m} | {r['mean_l2_relative_error']:.2e} | {r['std_l2_relative_error']:.2e} | "
                     f"{r['std_ratio']:.3f} | {r['w1_over_std']:.3f} | {r['ks_pvalue']:.3f} | {r['train_time_s']:.0f} | "
                     f"{r['mc_time_s']:.0f} | {r['samples_per_s']:.0f} | {r['mc_solves_per_s']:.1f} | "
                     f"{r['wall_time_s']:.0f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:] == ["--table"]:
        print(table())
    else:
        RUNS.mkdir(parents=True, exist_ok=True)
        for case in sys.argv[1:] or CASES:
            print(json.dumps(run(case)), flush=True)
