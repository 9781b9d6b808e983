"""Helper of test_distributed.py: train heat1d for 50 steps and dump the loss history.

Run as ``python ddp_losses.py OUT.json [DEVICE]`` (one process) or under ``torchrun --nproc-per-node 2``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pinnsolve import load_problem
from pinnsolve.run import RunOptions, solve

ROOT = Path(__file__).resolve().parents[2]

if __name__ == "__main__":
    out = Path(sys.argv[1])
    problem = load_problem(ROOT / "problems" / "heat1d.py")
    # 301 interior and 65 boundary points: odd counts, so the two shards differ in size
    options = RunOptions(
        settings=dict(width=12, depth=2, points=301, boundary_points=65, steps=40, lbfgs_steps=10),
        threads=1,
        grid={"x": 21, "t": 11},
        device=sys.argv[2] if len(sys.argv) > 2 else "cpu",
    )
    result = solve(problem, options, out=out.with_suffix(""), plain=True)
    out.write_text(json.dumps([r["loss"] for r in result.history]))
    from pinnsolve.train.distributed import leave_and_exit

    leave_and_exit(0)  # before gloo's teardown, which can abort a process at exit
