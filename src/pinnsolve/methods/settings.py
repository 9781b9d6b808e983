"""Settings shared by the neural methods, with defaults that converge on the shipped problems."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class MethodSettings:
    """What a user can set from the CLI for a neural method.

    ``points`` is the number of interior collocation points; ``None`` picks a default
    from the number of coordinates (recorded in config.json).

    The data-driven surrogates (``ffnn``, ``rnn``, ``autoencoder``) also read:
    ``physics_weight`` (the weight of their physics term; None: the method's default),
    ``horizon`` (the fraction of the time range whose reference data trains the model, the
    rest being extrapolation; None: the method's default), ``cell`` (the recurrent cell:
    elman, gru or lstm; ``mlp`` for an autoencoder's latent step), ``losses`` (the rnn's
    loss terms: teacher, rollout, physics, comma-separated), ``latent`` (the autoencoder's
    latent size k), ``encoder`` (mlp or conv) and ``vary`` (snapshots over a parameter range,
    ``"nu=0.005:0.05:8"``: 8 values from 0.005 to 0.05).
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
    physics_weight: float | None = None
    horizon: float | None = None
    cell: str = "gru"
    losses: str | None = None
    latent: int = 4
    encoder: str = "mlp"
    vary: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def default_points(n_coords: int) -> int:
    """Interior collocation points: enough to resolve smooth solutions on each shipped problem."""
    return {1: 256, 2: 2048, 3: 4096}.get(n_coords, 8192)
