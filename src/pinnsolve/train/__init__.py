"""Training: the optimizer chain (Adam → L-BFGS by default), its settings, progress and checkpoints."""

from __future__ import annotations

from pinnsolve.train.chain import StageSpec, parse_chain, resolve_chain
from pinnsolve.train.checkpoint import CheckpointEvery, load_checkpoint, previous_checkpoint, save_checkpoint
from pinnsolve.train.config import TrainConfig
from pinnsolve.train.optimizers import OPTIMIZERS
from pinnsolve.train.progress import ProgressReporter
from pinnsolve.train.records import StepRecord, history_csv, parse_history_csv, records_from_history
from pinnsolve.train.trainer import Callback, Trainer, TrainingDiverged

__all__ = [
    "CheckpointEvery",
    "previous_checkpoint",
    "OPTIMIZERS",
    "Callback",
    "ProgressReporter",
    "StageSpec",
    "StepRecord",
    "TrainConfig",
    "Trainer",
    "TrainingDiverged",
    "history_csv",
    "load_checkpoint",
    "parse_chain",
    "parse_history_csv",
    "records_from_history",
    "resolve_chain",
    "save_checkpoint",
]
