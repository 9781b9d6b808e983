"""Settings pieces the neural methods compose their own settings dataclasses from.

Each method has its own settings dataclass (`pinn.PinnSettings`, `rnn.RnnSettings`, ...), made
of the pieces here that it uses and of its own fields. Every field is made with
`setting(default, help)`: the CLI flag (``--boundary-points``), its ``--help`` line and the
suite-file key (``boundary_points``) all come from it (`pinnsolve.methods.options`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pinnsolve.geometry import SAMPLERS
from pinnsolve.methods.contract import setting
from pinnsolve.nets import ACTIVATIONS, INITIALISERS

__all__ = [
    "CollocationSettings",
    "InteriorSettings",
    "NetworkSettings",
    "StoppingSettings",
    "TrainSettings",
    "default_points",
    "train_config",
]

_ACTIVATIONS = sorted(ACTIVATIONS)
_INITIALISERS = sorted(INITIALISERS)
_SAMPLERS = list(SAMPLERS)


@dataclass
class NetworkSettings:
    """The multilayer perceptron u_θ: width, depth, activation and weight initialiser."""

    width: int = setting(32, "hidden units per layer")
    depth: int = setting(3, "hidden layers")
    activation: str = setting("tanh", "activation function", choices=_ACTIVATIONS)
    init: str = setting("glorot", "weight initialiser", choices=_INITIALISERS)


@dataclass
class InteriorSettings:
    """Interior collocation points, their loss weights and the derivative engine."""

    points: int | None = setting(
        None, "interior collocation points (default by number of coordinates: 256, 2048, 4096, 8192)"
    )
    sampler: str = setting("sobol", "collocation sampler", choices=_SAMPLERS)
    weights: dict[str, float] = setting(
        None,
        "loss weight by term kind (pde, bc, ic, periodic, data) or name (bc2), as TERM=W; repeatable",
        flag="weight",
        factory=dict,
    )
    derivatives: str = setting(
        "auto", "derivative engine (auto: Taylor mode for MLPs, else autograd)", choices=["auto", "autograd", "taylor"]
    )


@dataclass
class CollocationSettings(InteriorSettings):
    """Interior points, and points on each boundary and at the initial time."""

    boundary_points: int | None = setting(None, "points per boundary or initial condition (default max(64, points/8))")


@dataclass
class TrainSettings:
    """The trainer's budget: Adam with a decaying step size, then L-BFGS."""

    steps: int | None = setting(
        None, "Adam steps (default: the method's budget; 2000, or 1000 for one-coordinate problems)"
    )
    lbfgs_steps: int | None = setting(None, "L-BFGS iterations after Adam (default 1000; 500 for one coordinate)")
    lr: float = setting(2e-3, "Adam learning rate (decaying tenfold over the Adam steps)")
    compile: bool = setting(
        False, "evaluate the loss through torch.compile: ~2x steps/s after 10-35 s of compiling (long PINN runs)"
    )
    optimizer: str | None = setting(
        None,
        "optimizer chain run in order, NAME[:STEPS],... (default adam:STEPS,"
        "lbfgs:LBFGS_STEPS; a stage without a count takes --steps or --lbfgs-steps); "
        "names: sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, lbfgs, "
        "gauss-newton, bfgs, ssbroyden, cmaes; e.g. adam:1000,gauss-newton:200",
    )


@dataclass
class StoppingSettings:
    """Look-back early stopping and k-fold cross-validation of the data-driven methods (ffnn, rnn, autoencoder)."""

    patience: int | None = setting(
        None,
        "look-back early stopping: stop when the validation loss has not improved for this many steps, "
        "keeping the best step's weights (default: off)",
    )
    folds: int | None = setting(
        None,
        "k-fold cross-validation over the training data (K >= 2): mean and spread of the validation error "
        "in metrics.json, then the final model trained on all of it (default: off)",
    )
    validation_fraction: float = setting(
        0.2, "share of the training data held out to validate --patience when there are no --folds"
    )


def train_config(settings: Any) -> Any:
    """The `TrainConfig` of a method's settings (their `TrainSettings` fields)."""
    from pinnsolve.train import TrainConfig

    return TrainConfig(
        steps=settings.steps,
        lbfgs_steps=settings.lbfgs_steps,
        lr=settings.lr,
        compile=bool(settings.compile),
        optimizer=settings.optimizer,
    )


def default_points(n_coords: int) -> int:
    """Interior collocation points: enough to resolve smooth solutions on each shipped problem."""
    return {1: 256, 2: 2048, 3: 4096}.get(n_coords, 8192)
