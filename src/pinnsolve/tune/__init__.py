"""Hyper-parameter search over a method's settings with Optuna (``pinnsolve tune``).

`space` parses ``--space``; `objective` scores a trial and reports to the pruner; `study` opens
the shared study and runs the workers; `report` writes the tables and the best settings;
`adapter` is the one place that calls pinnsolve's run function.
"""

from __future__ import annotations

from pinnsolve.tune.space import Dimension, SpaceError, parse_space

__all__ = ["Dimension", "SpaceError", "parse_space"]
