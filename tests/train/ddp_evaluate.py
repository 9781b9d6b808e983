"""Helper of test_distributed.py: the evaluation grid of a fixed model, split over the torchrun processes.

Run as ``python ddp_evaluate.py OUT`` (one process) or under ``torchrun --nproc-per-node 2``: writes
``OUT-RANK.npz`` with the solution's field and exact values and how many points this process evaluated.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch

from pinnsolve import load_problem
from pinnsolve.evaluate import ErrorMonitor, evaluate_model
from pinnsolve.train import distributed

ROOT = Path(__file__).resolve().parents[2]


class Counted(torch.nn.Module):
    """u(x, t) = sin(x) e^{-t} + 0.01 x t, counting the points it is evaluated at."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        self.count += len(points)
        x, t = points[:, :1], points[:, 1:]
        return torch.sin(torch.pi * x) * torch.exp(-t) + 0.01 * x * t


if __name__ == "__main__":
    torch.set_num_threads(1)
    group = distributed.join("cpu")
    problem = load_problem(ROOT / "problems" / "heat1d.py")
    model = Counted()
    solution = evaluate_model(problem, "test", model, {"x": 31, "t": 17}, torch.float64, torch.device("cpu"), group)
    evaluated = model.count
    monitor = ErrorMonitor(problem, torch.float64, torch.device("cpu"), group=group)
    error = monitor(model)
    rank = group.rank if group is not None else 0
    np.savez(
        f"{sys.argv[1]}-{rank}.npz",
        u=solution.fields["u"],
        exact=solution.exact["u"],
        evaluated=evaluated,
        error=error,
        monitored=model.count - evaluated,
    )
    distributed.leave_and_exit(0)  # before gloo's teardown, which can abort a process at exit
