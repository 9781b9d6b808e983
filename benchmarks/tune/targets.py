"""Measure the targets of issue 15 on this machine: tuning heat1d, worker throughput, DDP scaling.

    PYTHONPATH=src python benchmarks/tune/targets.py [--quick] [--out runs/bench-tune] [--only tune,throughput,ddp]
        [--space narrow|default]

``--space default`` runs the study with ``pinnsolve tune``'s own defaults (its default space and trial budget,
200 Adam + 50 L-BFGS steps): what a user gets with no --space. ``narrow`` (the default here) is the space of
the first measurement (benchmarks/tune/README.md), with the same step budget.

Writes ``results.json`` in --out and prints every command it runs; benchmarks/tune/README.md
quotes the numbers. Every run uses one thread per process (OMP_NUM_THREADS=1).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAT = str(ROOT / "problems" / "heat1d.py")
BUDGET = ["--steps", "200", "--lbfgs-steps", "50"]
SPACE = ("width=16:96,depth=2:5,lr=1e-3:2e-2:log,activation=tanh|sin|silu,points=500:3000,"
         "steps=200,lbfgs_steps=50")


def sh(words: list[str], log: list[dict], **kw: object) -> float:
    """Run a command (printed first), return its wall time."""
    print("$", shlex.join(words), flush=True)
    started = time.perf_counter()
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT / "src")}
    subprocess.run(words, check=True, env=env, **kw)
    wall = time.perf_counter() - started
    log.append({"command": shlex.join(words), "wall_s": wall, "load": os.getloadavg()})
    return wall


def pinnsolve(*args: str) -> list[str]:
    return [sys.executable, "-m", "pinnsolve", *args]


def metrics(path: Path) -> dict:
    return json.loads((path / "metrics.json").read_text())


def tune_target(out: Path, trials: int, log: list[dict], space: str | None = None) -> dict:
    """Defaults vs the best of a 2-worker study at the same step budget; the best rerun.

    ``space`` None: tune's default space and trial budget (no --space)."""
    sh(pinnsolve("solve", HEAT, *BUDGET, "--threads", "1", "--quiet", "--out", str(out / "defaults")), log,
       stdout=subprocess.DEVNULL)
    default = metrics(out / "defaults")["l2_relative_error"]
    searched = ["--space", space] if space else []
    wall = sh(pinnsolve("tune", HEAT, "--trials", str(trials), "--workers", "2", "--threads", "2", *searched,
                        "--timeout", "900", "--out", str(out / "study")), log)
    study = metrics(out / "study")
    seconds = _trial_seconds(out / "study")
    rerun_words = shlex.split(study["best_command"])[1:]
    rerun_words[rerun_words.index("--out") + 1] = str(out / "best-rerun")
    sh(pinnsolve(*rerun_words, "--quiet"), log, stdout=subprocess.DEVNULL)
    rerun = metrics(out / "best-rerun")["l2_relative_error"]
    return {"default_l2": default, "best_l2": study["best_value"], "improvement": default / study["best_value"],
            "study_wall_s": wall, "n_trials": study["n_trials"], "n_pruned": study["n_pruned"],
            "best_params": study["best_params"], "rerun_l2": rerun,
            "rerun_deviation": abs(rerun - study["best_value"]) / study["best_value"],
            "trials_in_15_min": sum(1 for end in seconds["ends"] if end <= 900),
            "trial_wall_s_mean": seconds["mean"], "trial_wall_s_max": seconds["max"]}


def _trial_seconds(study_dir: Path) -> dict:
    """Wall seconds of each finished trial, and when each ended, counted from the study's first trial start."""
    import optuna

    study = optuna.load_study(study_name="heat1d-pinn", storage=f"sqlite:///{study_dir / 'tune.db'}")
    ended = [t for t in study.trials if t.datetime_complete is not None]
    first = min(t.datetime_start for t in study.trials)
    walls = [(t.datetime_complete - t.datetime_start).total_seconds() for t in ended]
    return {"ends": [(t.datetime_complete - first).total_seconds() for t in ended],
            "mean": sum(walls) / max(len(walls), 1), "max": max(walls, default=0.0)}


def throughput(out: Path, seconds: float, log: list[dict]) -> dict:
    """Trials per hour with 1 and with 2 workers (1 thread each), identical trials (only the seed varies)."""
    space = "seed=0:100000,width=32,depth=3,points=1000,steps=100,lbfgs_steps=0"
    rates = {}
    for workers in (1, 2):
        study = out / f"throughput-{workers}"
        wall = sh(pinnsolve("tune", HEAT, "--trials", "1000", "--workers", str(workers), "--threads", str(workers),
                            "--space", space, "--sampler", "random", "--pruner", "none", "--timeout", str(seconds),
                            "--out", str(study)), log, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        done, span = _span(study)
        rates[workers] = {"trials": done, "command_wall_s": wall, "trials_span_s": span,
                          "trials_per_hour": 3600 * done / span}
    return {"workers": rates, "speedup": rates[2]["trials_per_hour"] / rates[1]["trials_per_hour"]}


def _span(study_dir: Path) -> tuple[int, float]:
    """Completed trials, and the seconds from the first trial's start to the last one's end."""
    import optuna

    study = optuna.load_study(study_name="heat1d-pinn", storage=f"sqlite:///{study_dir / 'tune.db'}")
    done = [t for t in study.trials if t.state.name == "COMPLETE"]
    first = min(t.datetime_start for t in study.trials)
    return len(done), (max(t.datetime_complete for t in done) - first).total_seconds()


def ddp(out: Path, steps: int, log: list[dict]) -> dict:
    """Strong scaling (4096 points in all) and weak scaling (2048 points per process), P = 1, 2."""
    rows = {}
    for kind, per_p in (("strong", False), ("weak", True)):
        for p in (1, 2):
            points = 2048 * p if per_p else 4096
            run = out / f"ddp-{kind}-{p}"
            launch = ["--nproc", str(p)] if p > 1 else []
            sh(pinnsolve("solve", HEAT, "--steps", str(steps), "--lbfgs-steps", "0", "--points", str(points),
                         "--threads", "1", "--grid", "x=51,t=21", "--quiet", "--out", str(run), *launch), log,
               stdout=subprocess.DEVNULL)
            m = metrics(run)
            rows[f"{kind}-{p}"] = {"points": points, "train_s": m["train_time_s"],
                                   "steps_per_s": m["steps"] / m["train_time_s"],
                                   "points_steps_per_s": points * m["steps"] / m["train_time_s"]}
    strong = rows["strong-1"]["train_s"] / (2 * rows["strong-2"]["train_s"])
    weak = rows["weak-1"]["train_s"] / rows["weak-2"]["train_s"]
    return {"runs": rows, "strong_efficiency": strong, "weak_efficiency": weak}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="runs/bench-tune")
    parser.add_argument("--quick", action="store_true", help="a smoke test: few trials, short runs")
    parser.add_argument("--only", default="tune,throughput,ddp")
    parser.add_argument("--space", choices=["narrow", "default"], default="narrow",
                        help="the study's space: the first measurement's (narrow) or pinnsolve tune's defaults")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    if out.is_dir() and any(out.iterdir()):
        sys.exit(f"{out}: holds an earlier measurement, which the runs would refuse to overwrite. Give a new --out.")
    out.mkdir(parents=True, exist_ok=True)
    log: list[dict] = []
    results: dict = {"uptime_before": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()}
    parts = args.only.split(",")
    if args.quick:
        global BUDGET, SPACE
        BUDGET = ["--steps", "20", "--lbfgs-steps", "5", "--grid", "x=21,t=11"]
        SPACE = "width=8:16,lr=1e-3:2e-2:log,points=100:200,steps=20,lbfgs_steps=5"
    if "tune" in parts:
        space = None if args.space == "default" and not args.quick else SPACE
        results["tune"] = tune_target(out, 4 if args.quick else 30, log, space)
    if "throughput" in parts:
        results["throughput"] = throughput(out, 30 if args.quick else 240, log)
    if "ddp" in parts:
        results["ddp"] = ddp(out, 10 if args.quick else 100, log)
    results["uptime_after"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    results["commands"] = log
    (out / "results.json").write_text(json.dumps(results, indent=2))
    print(json.dumps({k: v for k, v in results.items() if k != "commands"}, indent=2))


if __name__ == "__main__":
    main()
