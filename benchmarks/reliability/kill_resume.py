"""Kill `pinnsolve solve` with SIGKILL at random moments, resume each, and check that every run ends.

    PYTHONPATH=src python benchmarks/reliability/kill_resume.py [--kills 20] [--steps 2000] [--every 250]

Each trial starts a fresh PINN run of problems/decay.py with ``--checkpoint-every EVERY``
(steps), kills it with SIGKILL at a random moment of its training (uniform over the time an
uninterrupted run takes, measured first), then runs ``--resume`` and
checks that the resumed run reaches the final step count. The lost interval is the steps
trained before the kill minus the step of the checkpoint it resumed from (read from the last
progress line): at most one checkpoint interval. Prints one line per trial and a summary.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# unbuffered: the progress lines printed before the SIGKILL are all read back (they say where training was)
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg",
       "PYTHONUNBUFFERED": "1"}
BASE = ["--width", "8", "--depth", "2", "--points", "32", "--quiet", "--threads", "1", "--lbfgs-steps", "0"]


def solve(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pinnsolve.cli", "solve", *args], env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def checkpoint_step(run: Path) -> int:
    import torch

    from pinnsolve.train import load_checkpoint

    torch.set_num_threads(1)
    return int(load_checkpoint(run / "checkpoint.pt")["step"])


def start(run: Path, steps: int, every: int) -> tuple[subprocess.Popen, float]:
    """A fresh run, and the moment its config.json appeared (training starts right after)."""
    proc = solve([str(ROOT / "problems" / "decay.py"), *BASE, "--steps", str(steps), "--checkpoint-every",
                  str(every), "--out", str(run)])
    while not (run / "config.json").exists():
        if proc.poll() is not None:
            raise RuntimeError(f"solve ended before it started training:\n{proc.communicate()[0]}")
        time.sleep(0.01)
    return proc, time.monotonic()


def calibrate(steps: int, every: int, root: Path) -> float:
    """Seconds from config.json to the end of an uninterrupted run (the training and the writing)."""
    proc, started = start(root / "calibration", steps, every)
    proc.communicate()
    return time.monotonic() - started


def trial(k: int, steps: int, every: int, rng: random.Random, root: Path, duration: float) -> dict:
    run = root / f"run{k}"
    proc, _ = start(run, steps, every)
    time.sleep(rng.uniform(0.02, 0.9) * duration)  # a random moment of the training
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate()
    reached = [int(m) for m in re.findall(r"step (\d+)", out)]
    saved = checkpoint_step(run) if (run / "checkpoint.pt").exists() else 0
    finished_before_kill = (run / "metrics.json").exists()
    resumed = solve(["--resume", str(run), "--quiet", "--threads", "1"]) if saved else solve(
        [str(ROOT / "problems" / "decay.py"), *BASE, "--steps", str(steps), "--out", str(run), "--overwrite"])
    resumed_out, _ = resumed.communicate()
    final = json.loads((run / "metrics.json").read_text())["steps"] if (run / "metrics.json").exists() else None
    row = {"trial": k, "saved_step": saved, "last_progress_step": max(reached, default=None),
           "finished_before_kill": finished_before_kill, "resume_rc": resumed.returncode, "final_steps": final}
    if resumed.returncode != 0:
        row["resume_output"] = resumed_out[-2000:]
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--every", type=int, default=250)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        duration = calibrate(args.steps, args.every, Path(tmp))
        print(f"an uninterrupted run trains and writes in {duration:.1f} s after config.json", flush=True)
        for k in range(args.kills):
            row = trial(k, args.steps, args.every, rng, Path(tmp), duration)
            rows.append(row)
            print(json.dumps(row), flush=True)
    ok = [r for r in rows if r["final_steps"] == args.steps and r["resume_rc"] == 0]
    killed = [r for r in rows if not r["finished_before_kill"]]
    lost = [r["last_progress_step"] - r["saved_step"] for r in killed if r["last_progress_step"] is not None]
    print(f"{len(ok)}/{len(rows)} runs reached step {args.steps} after SIGKILL and --resume; "
          f"{len(killed)} were killed while training; steps lost (last progress line - checkpoint): "
          f"max {max(lost, default=0)}, mean {sum(lost) / max(len(lost), 1):.0f} (interval {args.every}; progress "
          f"lines every {args.steps // 20} steps).")
    within = all(v < args.every for v in lost)
    print(f"at most one interval lost: {'yes' if within else 'NO'}")
    return 0 if len(ok) == len(rows) and within else 1


if __name__ == "__main__":
    sys.exit(main())
