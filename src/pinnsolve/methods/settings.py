"""Settings shared by the neural methods, with defaults that converge on the shipped problems."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class MethodSettings:
    """What a user can set from the CLI for a neural method.

    ``points`` is the number of interior collocation points; ``None`` picks a default
    from the number of coordinates (recorded in config.json).
    """

    width: int = 32
    depth: int = 3
    activation: str = "tanh"
    init: str = "glorot"
    points: int | None = None
    boundary_points: int | None = None
    sampler: str = "sobol"
    weights: dict[str, float] = field(default_factory=dict)
    derivatives: str = "auto"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def default_points(n_coords: int) -> int:
    """Interior collocation points: enough to resolve smooth solutions on each shipped problem."""
    return {1: 256, 2: 2048, 3: 4096}.get(n_coords, 8192)
