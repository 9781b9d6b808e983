"""The reduced-order model of the ``autoencoder`` method and the loss it is trained on.

`ReducedModel` holds the encoder, the decoder and the latent dynamics with the snapshot
normalisation x = (u − ū)/σ; `AutoencoderObjective` is the weighted sum of the reconstruction,
latent, rollout and physics terms written out in `pinnsolve.methods.autoencoder`;
`physics_loss` is the Crank–Nicolson residual of decoded state pairs, in units of F_s, the RMS
of F(t, u) on the reference (`physics_systems`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from torch import nn

from pinnsolve.nets.autoencoder import LatentMLPStep
from pinnsolve.reference import TorchSystem, Trajectory

__all__ = [
    "PHYSICS_STEPS",
    "AutoencoderObjective",
    "ReducedModel",
    "TrajectoryBatch",
    "physics_loss",
    "physics_systems",
]

#: time steps per trajectory of the physics term when the problem is not autonomous
PHYSICS_STEPS = 16


class ReducedModel(nn.Module):
    """Encoder, decoder and latent dynamics, with the snapshot normalisation x = (u − ū)/σ as buffers."""

    def __init__(self, coder: nn.Module, dynamics: nn.Module, mean: torch.Tensor, scale: torch.Tensor) -> None:
        super().__init__()
        self.coder, self.dynamics = coder, dynamics
        self.register_buffer("mean", mean.clone())
        self.register_buffer("scale", scale.clone())

    def encode(self, states: torch.Tensor) -> torch.Tensor:
        """States u (..., n) → latent z (..., k)."""
        return self.coder.encode((states - self.mean) / self.scale)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Latent z (..., k) → states u (..., n)."""
        return self.mean + self.scale * self.coder.decode(z)

    def rollout(self, initial: torch.Tensor, parameters: torch.Tensor, steps: int) -> torch.Tensor:
        """Initial states (B, n) → decoded states (B, steps + 1, n): encode once, step the latent, decode."""
        return self.decode(self.dynamics.rollout(self.encode(initial), parameters, steps))


class TrajectoryBatch:
    """Trajectories of equal length as tensors: states (M, T, n) and parameters (M, P)."""

    def __init__(self, items: list[Trajectory], dtype: torch.dtype, device: torch.device) -> None:
        self.items = items
        self.states = torch.as_tensor(np.stack([t.states for t in items]), dtype=dtype, device=device)
        values = np.stack([t.parameter_values for t in items])
        self.parameters = torch.as_tensor(values, dtype=dtype, device=device)


class AutoencoderObjective:
    """The weighted loss terms of the `pinnsolve.methods.autoencoder` docstring, on the training trajectories.

    The rollout term runs the latent dynamics over consecutive windows of ``window`` steps (and
    one ending at the last snapshot), decoded. A rollout of the whole trajectory costs one
    sequential network call per step; windows teach the same stability at a fraction of the
    cost. The reported rollout errors are over whole trajectories from the initial state.
    """

    def __init__(
        self,
        batch: TrajectoryBatch,
        weights: Mapping[str, float],
        window: int,
        mean: torch.Tensor,
        scale: torch.Tensor,
        physics: list[tuple] | None = None,
    ) -> None:
        self.batch = batch
        self.weights = dict(weights)
        self.physics = physics or []
        self.x = (batch.states - mean) / scale  # (M, T, n): the normalisation is fixed, so once
        steps = self.x.shape[1] - 1
        self.window = max(1, min(window, steps))
        starts = np.unique(np.r_[np.arange(0, steps - self.window + 1, self.window), steps - self.window])
        self.starts = torch.as_tensor(starts, device=self.x.device)
        windows = self.starts[:, None] + torch.arange(1, self.window + 1, device=self.x.device)  # (S, W)
        self.targets = self.x[:, windows]  # (M, S, W, n)

    @property
    def names(self) -> list[str]:
        return list(self.weights)

    def __call__(self, model: ReducedModel) -> dict[str, torch.Tensor]:
        x = self.x
        z = model.coder.encode(x)
        m, s = x.shape[0], len(self.starts)
        terms = {"reconstruction": (model.coder.decode(z) - x).square().mean()}
        predicted = model.dynamics.teacher_forced(z[:, :-1], self.batch.parameters)
        spread = z.reshape(-1, z.shape[-1]).var(dim=0).mean().detach().clamp_min(1e-12)
        terms["latent"] = (predicted - z[:, 1:]).square().mean() / spread
        parameters = self.batch.parameters.repeat_interleave(s, dim=0)
        start = z[:, self.starts].reshape(m * s, -1)
        extra = {"start": self.starts.repeat(m)} if isinstance(model.dynamics, LatentMLPStep) else {}
        rolled = model.coder.decode(model.dynamics.rollout(start, parameters, self.window, **extra)[:, 1:])
        terms["rollout"] = (rolled.reshape(self.targets.shape) - self.targets).square().mean()
        if "physics" in self.weights:
            before = model.mean + model.scale * model.coder.decode(z[:, :-1])
            after = model.mean + model.scale * model.coder.decode(predicted)
            terms["physics"] = physics_loss(before, after, self.batch.items, self.physics)
        return {name: self.weights[name] * value for name, value in terms.items()}


def physics_loss(
    before: torch.Tensor, after: torch.Tensor, items: list[Trajectory], systems: list[tuple]
) -> torch.Tensor:
    """Mean squared Crank–Nicolson residual of state pairs (M, T − 1, n), each trajectory in units of F_s.

    Pair n of trajectory m is (state at t_n, state at t_{n+1}) of that trajectory.
    """
    total = before.new_zeros(())
    for m, (trajectory, (system, scale, steps)) in enumerate(zip(items, systems)):
        u0, u1 = before[m].to(system.dtype), after[m].to(system.dtype)
        if steps is None:  # autonomous: every pair in one batch, t does not matter
            r = system.theta_residual(u0, u1, float(trajectory.times[0]), trajectory.dt)
        else:
            r = torch.cat(
                [
                    system.theta_residual(u0[n : n + 1], u1[n : n + 1], float(trajectory.times[n]), trajectory.dt)
                    for n in steps
                ]
            )
        total = total + (r / scale).square().mean().to(before.dtype)
    return total / len(items)


def physics_systems(items: list[Trajectory], device: torch.device) -> list[tuple]:
    """(TorchSystem, F_s, time steps or None when autonomous) per trajectory."""
    out = []
    for t in items:
        system = TorchSystem(t.evolution, torch.float64, device)
        scale = float(np.sqrt(np.mean([np.mean(t.evolution.rhs(float(s), y) ** 2) for s, y in zip(t.times, t.states)])))
        steps = None
        if not t.evolution.autonomous:
            steps = np.unique(np.linspace(0, len(t.times) - 2, PHYSICS_STEPS).astype(int))
        out.append((system, scale if scale > 0 else 1.0, steps))
    return out
