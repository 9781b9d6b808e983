"""Checkpoints for --resume: tensors and plain values only, loaded with weights_only=True.

Each save is atomic (a temporary file renamed over ``checkpoint.pt``) and keeps the one before as
``checkpoint.prev.pt``: a process killed at any moment (``kill -9``, a power cut) leaves at least
one whole checkpoint, and a truncated or corrupt one falls back to the previous with a message.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from pinnsolve.errors import RunDirectoryError, SettingsError

__all__ = ["CheckpointEvery", "checkpoint_interval", "load_checkpoint", "previous_checkpoint", "save_checkpoint"]


def previous_checkpoint(path: Path) -> Path:
    """``checkpoint.prev.pt`` beside ``checkpoint.pt``: the checkpoint before the last."""
    path = Path(path)
    return path.with_name(f"{path.stem}.prev{path.suffix}")


def save_checkpoint(state: dict, path: Path) -> None:
    """Write ``state`` atomically to ``path``, the checkpoint there before kept as `previous_checkpoint`."""
    from pinnsolve.io import atomic_write

    path = Path(path)
    with atomic_write(path) as tmp:
        torch.save(state, tmp)
        if path.exists():  # the new one is whole on disk: only now retire the old one
            os.replace(path, previous_checkpoint(path))


def _read(path: Path) -> dict:
    state = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(state, dict) or "model" not in state or "step" not in state:
        raise ValueError("it holds no trainer state")
    return state


def load_checkpoint(path: Path, notify: Callable[[str], Any] | None = None) -> dict:
    """The last whole checkpoint: ``path``, or the previous one (saying so through ``notify``) if it is corrupt.

    Loaded without unpickling arbitrary objects (a checkpoint from elsewhere cannot run code).
    """
    path = Path(path)
    errors = []
    for candidate in (path, previous_checkpoint(path)):
        if not candidate.is_file():
            errors.append(f"{candidate.name} is missing")
            continue
        try:
            state = _read(candidate)
        except Exception as exc:  # torch raises RuntimeError, EOFError, UnpicklingError, ... on a bad file
            errors.append(f"{candidate.name} is unreadable ({type(exc).__name__}: {str(exc).splitlines()[0][:120]})")
            continue
        if candidate != path and notify is not None:
            notify(
                f"{path} is corrupt or missing ({errors[0]}); continuing from the previous checkpoint, "
                f"{candidate.name} (step {state['step']})."
            )
        return state
    raise RunDirectoryError(
        f"{path}: no whole checkpoint to continue from: {'; '.join(errors)}. The run cannot be "
        "resumed; start it again (with --overwrite to reuse the folder)."
    )


class CheckpointEvery:
    """A trainer callback that saves every ``steps`` steps or ``seconds`` of training, whichever comes first.

    ``save(trainer)`` writes the checkpoint (and the history) atomically, so a ``kill -9`` loses
    at most one interval. ``seconds`` is measured on the monotonic clock from the last save.
    """

    def __init__(self, save: Callable[[Any], Any], steps: int | None = 1000, seconds: float | None = 60.0) -> None:
        self.save = save
        self.steps = steps
        self.seconds = seconds
        self._step = 0
        self._time = time.monotonic()
        self.saves = 0

    def on_start(self, trainer: Any) -> None:
        self._step, self._time = trainer.step, time.monotonic()

    def on_step(self, trainer: Any, record: Any) -> None:
        due_steps = self.steps is not None and trainer.step - self._step >= self.steps
        due_time = self.seconds is not None and time.monotonic() - self._time >= self.seconds
        if due_steps or due_time:
            self.save(trainer)
            self.saves += 1
            self._step, self._time = trainer.step, time.monotonic()

    def on_end(self, trainer: Any) -> None:
        pass


def checkpoint_interval(text: str | None) -> tuple[int | None, float | None]:
    """``--checkpoint-every``: ``500`` (steps), ``30s`` (seconds of training) or ``30s,500`` (whichever first).

    Default (None): 60 s or 1000 steps, whichever comes first (`CheckpointEvery`'s defaults).
    """
    if text is None:
        return 1000, 60.0
    steps: int | None = None
    seconds: float | None = None
    for part in filter(None, (p.strip() for p in str(text).split(","))):
        try:
            if part.endswith("s"):
                seconds = float(part[:-1])
                ok = seconds > 0 and seconds < float("inf")
            else:
                steps = int(part)
                ok = steps > 0
        except ValueError:
            ok = False
        if not ok:
            raise SettingsError(
                f"--checkpoint-every {text}: '{part}' is neither a positive number of steps (500) "
                "nor of seconds (30s). Give e.g. --checkpoint-every 30s,500."
            )
    if steps is None and seconds is None:
        raise SettingsError("--checkpoint-every is empty; give e.g. --checkpoint-every 30s,500.")
    return steps, seconds
