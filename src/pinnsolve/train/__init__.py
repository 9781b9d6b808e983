"""Training: the Adam → L-BFGS loop, its settings, progress and checkpoints."""

from __future__ import annotations

from pinnsolve.train.checkpoint import CheckpointEvery, load_checkpoint, previous_checkpoint, save_checkpoint
from pinnsolve.train.config import TrainConfig
from pinnsolve.train.progress import ProgressReporter
from pinnsolve.train.records import StepRecord, history_csv, parse_history_csv, records_from_history
from pinnsolve.train.trainer import Callback, Trainer, TrainingDiverged

__all__ = [
    "Callback",
    "CheckpointEvery",
    "ProgressReporter",
    "StepRecord",
    "TrainConfig",
    "Trainer",
    "TrainingDiverged",
    "history_csv",
    "load_checkpoint",
    "parse_history_csv",
    "previous_checkpoint",
    "records_from_history",
    "save_checkpoint",
]
