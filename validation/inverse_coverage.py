"""Coverage study of the ensemble's 95 % interval for an identified diffusivity.

For each noise level and each seed s = 0 … S−1, problems/inverse_diffusivity.py is loaded with
``noise`` and ``noise_seed = s`` (a fresh draw of the measurement noise) and solved with
``--ensemble K`` (members seeded 1000 s … 1000 s + K − 1, each on a bootstrap resample of the
measurements); the run's metrics give κ's ensemble mean, its relative error against κ = 0.1 and
whether the 95 % interval covers 0.1. Targets (issue 12): error ≤ 1 % at 1 % noise, ≤ 3 % at
5 %; the interval of a 5-member ensemble covers the truth in ≥ 90 % of 20 seeds.

    PYTHONPATH=src OMP_NUM_THREADS=1 python validation/inverse_coverage.py               # 5 % noise, 20 seeds
    PYTHONPATH=src OMP_NUM_THREADS=1 python validation/inverse_coverage.py --noise 0.01 --seeds 5
    PYTHONPATH=src python validation/inverse_coverage.py --table                         # the table of results

Each run appends one JSON line to validation/inverse-coverage/results.jsonl (committed; the run
folders under validation/inverse-coverage/runs are not).
"""

from __future__ import annotations

import argparse
import io
import json
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROBLEM = HERE.parent / "problems" / "inverse_diffusivity.py"
OUT = HERE / "inverse-coverage"
#: the PINN's budget in this study (one member: ~10 s on one idle core)
SETTINGS = {"width": 20, "depth": 3, "points": 400, "steps": 600, "lbfgs_steps": 400}


def run_one(noise: float, seed: int, members: int, threads: int) -> dict:
    """One ensemble on one noise draw; returns its record (also appended to results.jsonl)."""
    import torch

    from pinnsolve.dsl import load_problem
    from pinnsolve.run import RunOptions, solve

    torch.set_num_threads(threads)
    problem = load_problem(PROBLEM, {"noise": noise, "noise_seed": seed})
    options = RunOptions(method="pinn", settings=SETTINGS, seed=1000 * seed, ensemble=members, threads=threads)
    started = time.perf_counter()
    out = OUT / "runs" / f"noise{noise:g}-seed{seed}"
    result = solve(problem, options, out=out, overwrite=True, plain=True, stream=io.StringIO())
    kappa = result.metrics["unknowns"]["kappa"]
    record = {
        "noise": noise,
        "seed": seed,
        "members": members,
        "settings": SETTINGS,
        "kappa_mean": kappa["mean"],
        "kappa_std": kappa["std"],
        "ci95": kappa["ci95"],
        "relative_error": kappa["relative_error"],
        "member_relative_errors": [abs(v - 0.1) / 0.1 for v in kappa["members"]],
        "covered": kappa["covered"],
        "l2_relative_error": result.metrics["l2_relative_error"],
        "wall_time_s": time.perf_counter() - started,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "results.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
    return record


def table() -> str:
    """Per noise level (latest record of each seed): seeds, coverage, errors."""
    records: dict[tuple[float, int, int], dict] = {}
    for line in (OUT / "results.jsonl").read_text().splitlines():
        r = json.loads(line)
        records[(r["noise"], r["members"], r["seed"])] = r
    lines = [
        "| noise | members | seeds | covered | mean rel. error of κ (ensemble) | max | median member error "
        "| mean interval half-width | field L2 (mean) | s per ensemble |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for noise, k in sorted({(n, m) for n, m, _ in records}):
        rows = [r for (n, m, _), r in sorted(records.items()) if (n, m) == (noise, k)]
        errors = [r["relative_error"] for r in rows]
        member = sorted(e for r in rows for e in r["member_relative_errors"])
        half = [(r["ci95"][1] - r["ci95"][0]) / 2 / 0.1 for r in rows]
        lines.append(
            f"| {noise:g} | {k} | {len(rows)} | {sum(r['covered'] for r in rows)}/{len(rows)} "
            f"| {sum(errors) / len(errors):.2%} | {max(errors):.2%} | {member[len(member) // 2]:.2%} "
            f"| {sum(half) / len(half):.2%} | {sum(r['l2_relative_error'] for r in rows) / len(rows):.2e} "
            f"| {sum(r['wall_time_s'] for r in rows) / len(rows):.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--noise", default="0.05", help="comma-separated noise levels (default 0.05)")
    parser.add_argument("--seeds", type=int, default=20, help="noise draws per level (default 20)")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--members", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--table", action="store_true", help="print the table of the recorded results")
    args = parser.parse_args()
    if args.table:
        print(table())
        return
    for noise in (float(n) for n in args.noise.split(",")):
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            r = run_one(noise, seed, args.members, args.threads)
            print(
                f"noise {noise:g} seed {seed}: kappa {r['kappa_mean']:.5f} [{r['ci95'][0]:.5f}, {r['ci95'][1]:.5f}] "
                f"error {r['relative_error']:.2%} covered {r['covered']} ({r['wall_time_s']:.0f} s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
