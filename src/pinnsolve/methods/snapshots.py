"""Reference trajectories for the data-driven surrogates: now `pinnsolve.reference.snapshots` (kept importable)."""

from __future__ import annotations

from pinnsolve.reference import (
    Trajectory,
    TrajectorySets,
    horizon_index,
    parse_vary,
    reference_sizes,
    trajectories,
    trajectory_sets,
)

__all__ = [
    "Trajectory",
    "TrajectorySets",
    "horizon_index",
    "parse_vary",
    "reference_sizes",
    "trajectories",
    "trajectory_sets",
]
