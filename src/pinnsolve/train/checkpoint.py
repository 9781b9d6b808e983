"""Checkpoints for --resume: tensors and plain values only, loaded with weights_only=True."""

from __future__ import annotations

from pathlib import Path

import torch


def save_checkpoint(state: dict, path: Path) -> None:
    from pinnsolve.io import atomic_write

    with atomic_write(path) as tmp:
        torch.save(state, tmp)


def load_checkpoint(path: Path) -> dict:
    """Load without unpickling arbitrary objects (a checkpoint from elsewhere cannot run code)."""
    return torch.load(path, map_location="cpu", weights_only=True)
