"""What ``solve --resume RUN`` continues from: the last whole checkpoint and the history up to its step."""

from __future__ import annotations

import sys
from typing import Any

from pinnsolve.errors import PinnsolveError
from pinnsolve.io.rundir import RunDirectory
from pinnsolve.train.checkpoint import load_checkpoint
from pinnsolve.train.records import records_from_history

__all__ = ["resume_state"]

#: the columns every history.csv of a neural method holds
HISTORY_COLUMNS = frozenset({"step", "phase", "wall_time_s", "loss", "lr"})


def resume_state(run: RunDirectory) -> dict[str, Any]:
    """``{"checkpoint": ..., "history": [StepRecord, ...]}``: the last whole checkpoint of ``run`` and the
    logged steps up to its step (a corrupt history restarts at the checkpoint, with a note on stderr).

    A method that keeps its own history in the checkpoint (vmc: ``records``) gets that history back.
    """

    def note(text: str) -> None:
        print(f"warning: {text}", file=sys.stderr)

    checkpoint = load_checkpoint(run.file(run.CHECKPOINT), notify=note)
    if "records" in checkpoint:  # a method that keeps its own history in the checkpoint (vmc)
        return {"checkpoint": checkpoint, "history": list(checkpoint["records"])}
    try:
        columns = run.read_history()
        missing = sorted(HISTORY_COLUMNS - set(columns))
        if columns and missing:
            raise KeyError(f"no column {', '.join(missing)}")
        history = records_from_history(columns)
    except (PinnsolveError, KeyError, ValueError, TypeError, IndexError) as exc:
        note(
            f"{run.file(run.HISTORY)} is unreadable ({type(exc).__name__}: {exc}); the loss history restarts at "
            f"step {checkpoint['step']} (the model continues from the checkpoint)."
        )
        history = []
    return {"checkpoint": checkpoint, "history": [r for r in history if r.step <= int(checkpoint["step"])]}
