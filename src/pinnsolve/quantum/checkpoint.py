"""Checkpoints of ``--method vmc``: every ``--checkpoint-every`` iterations or seconds, on Ctrl-C and SIGTERM.

A checkpoint holds what the next iteration depends on — the parameters θ, the chains' positions
and step, the random generator, the optimizer's moments — and the per-iteration history, so
``pinnsolve solve --resume RUN_DIR`` continues at the next iteration and ends at the same final
iteration count (the same numbers as the uninterrupted run: same seed, same stream). Files are
written by `pinnsolve.train.save_checkpoint` (atomic, the previous one kept as checkpoint.prev.pt),
read back by the runner (`pinnsolve.run`) into ``context.resume``.
"""

from __future__ import annotations

import time
from typing import Any

import torch

from pinnsolve.methods.contract import Context

__all__ = ["VMCCheckpoints", "restore"]


class VMCCheckpoints:
    """Snapshots after every iteration; one written to the run directory when due, or when asked.

    ``snapshot`` keeps references (every tensor it holds is replaced, never changed in place, by the
    iteration that follows), so it costs nothing; ``save`` writes the last one. Without a run
    directory (the Python API in memory) nothing is written.
    """

    def __init__(self, context: Context) -> None:
        self.run = context.run
        self.steps, self.seconds = context.extra.get("checkpoint_every", (1000, 60.0))
        self.state: dict[str, Any] | None = None
        self._iteration, self._time = 0, time.monotonic()
        self.saves = 0

    def snapshot(self, theta: torch.Tensor, sampler: Any, optimizer: Any, history: list[dict[str, Any]]) -> None:
        """Remember the state after the last whole iteration; write it when an interval has passed."""
        self.state = {
            "model": {"theta": theta},
            "step": len(history),
            "vmc": {
                "positions": sampler.positions,
                "sampler_step": float(sampler.step),
                "generator": sampler.generator.get_state(),
                "optimizer": optimizer.state_dict(),
            },
            "records": [dict(row) for row in history],
        }
        due_steps = self.steps is not None and len(history) - self._iteration >= self.steps
        due_time = self.seconds is not None and time.monotonic() - self._time >= self.seconds
        if due_steps or due_time:
            self.save()

    def save(self) -> Any:
        """Write the last snapshot (atomically, the previous kept); the run directory, or None without one."""
        if self.run is None or self.state is None:
            return None
        from pinnsolve.train import save_checkpoint

        save_checkpoint(self.state, self.run.file(self.run.CHECKPOINT))
        self.run.write_history(self.state["records"])
        self._iteration, self._time = int(self.state["step"]), time.monotonic()
        self.saves += 1
        return self.run.path


def restore(state: dict[str, Any], sampler: Any, optimizer: Any, set_theta: Any) -> list[dict[str, Any]]:
    """Put a checkpoint back: θ, the chains, the generator, the optimizer; return the history so far."""
    vmc = state["vmc"]
    set_theta(state["model"]["theta"])
    sampler.positions = vmc["positions"]
    sampler.step = float(vmc["sampler_step"])
    sampler.generator.set_state(vmc["generator"])
    optimizer.load_state_dict(vmc["optimizer"])
    return [dict(row) for row in state["records"]]
