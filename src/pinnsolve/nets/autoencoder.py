"""Autoencoders of state vectors (MLP, or 1-D convolutional) and an MLP latent time-stepper."""

from __future__ import annotations

import math

import torch
from torch import nn

from pinnsolve.nets.mlp import ACTIVATIONS, MLP

__all__ = ["ConvAutoencoder", "LatentMLPStep", "MLPAutoencoder"]


class MLPAutoencoder(nn.Module):
    """u ↦ z = E(u) ∈ ℝ^k ↦ D(z) ∈ ℝ^n, each an MLP of ``depth`` hidden layers of ``width`` units."""

    def __init__(self, size: int, latent: int, width: int, depth: int, activation: str, init: str = "glorot") -> None:
        super().__init__()
        self.encoder = MLP(size, latent, width, depth, activation, init)
        self.decoder = MLP(latent, size, width, depth, activation, init)

    def encode(self, u: torch.Tensor) -> torch.Tensor:
        """(..., n) → (..., k)."""
        return self.encoder(u)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """(..., k) → (..., n)."""
        return self.decoder(z)


class ConvAutoencoder(nn.Module):
    """A 1-D convolutional autoencoder of states made of ``channels`` blocks of ``length`` nodes.

    Encoder: ``depth`` convolutions (kernel 5, stride 2) doubling the channels up to ``width``,
    then a linear map to the k latent values. Decoder: the mirror image, with linear
    upsampling by 2 before each convolution (no checkerboard artefacts of transposed
    convolutions), cropped to ``length`` and a last kernel-5 convolution to ``channels``.
    Local filters shared along the grid suit travelling structures such as Burgers' front.
    """

    def __init__(self, channels: int, length: int, latent: int, width: int, depth: int, activation: str) -> None:
        super().__init__()
        act = ACTIVATIONS[activation]
        widths = [max(4, width // 2 ** (depth - 1 - i)) for i in range(depth)]
        self.channels, self.length = channels, length
        self.reduced = length
        layers: list[nn.Module] = []
        previous = channels
        for w in widths:
            layers += [nn.Conv1d(previous, w, 5, stride=2, padding=2), act()]
            previous = w
            self.reduced = math.ceil(self.reduced / 2)
        self.encoder_convs = nn.Sequential(*layers)
        self.encoder_head = nn.Linear(previous * self.reduced, latent)
        self.decoder_head = nn.Linear(latent, previous * self.reduced)
        layers = [act()]
        for w in reversed(widths):
            layers += [
                nn.Upsample(scale_factor=2, mode="linear", align_corners=False),
                nn.Conv1d(previous, w, 5, padding=2),
                act(),
            ]
            previous = w
        self.decoder_convs = nn.Sequential(*layers)
        self.decoder_out = nn.Conv1d(previous, channels, 5, padding=2)

    def encode(self, u: torch.Tensor) -> torch.Tensor:
        """(..., channels · length) → (..., k)."""
        lead = u.shape[:-1]
        h = self.encoder_convs(u.reshape(-1, self.channels, self.length))
        return self.encoder_head(h.flatten(1)).reshape(*lead, -1)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """(..., k) → (..., channels · length)."""
        lead = z.shape[:-1]
        h = self.decoder_head(z.reshape(-1, z.shape[-1]))
        h = h.reshape(-1, h.shape[-1] // self.reduced, self.reduced)
        h = self.decoder_convs(h)[..., : self.length]
        return self.decoder_out(h).reshape(*lead, self.channels * self.length)


class LatentMLPStep(nn.Module):
    """z^{n+1} = z^n + s ⊙ f([z^n, p̂, t̂_n]): a residual MLP step of the latent state.

    p̂ are the parameters mapped to [-1, 1] over the training range; t̂_n the time of step n
    mapped to [-1, 1], given only when the problem is not autonomous (``times`` not None).
    ``step_scale`` s is the typical size of one step's latent change; the last layer starts
    small, so the untrained step is close to the identity. Same interface as the rnn
    method's `RecurrentStepper` (``rollout``, ``teacher_forced``), so either advances the latent.
    """

    def __init__(
        self,
        latent: int,
        n_parameters: int,
        width: int,
        depth: int,
        activation: str,
        parameter_lo: torch.Tensor,
        parameter_hi: torch.Tensor,
        step_scale: torch.Tensor,
        times: torch.Tensor | None = None,
    ) -> None:
        super().__init__()
        n_in = latent + n_parameters + (times is not None)
        sizes = [n_in] + [width] * depth + [latent]
        layers: list[nn.Module] = []
        for a, b in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(a, b), ACTIVATIONS[activation]()]
        self.net = nn.Sequential(*layers[:-1])
        with torch.no_grad():
            self.net[-1].weight.mul_(1e-2)
            self.net[-1].bias.zero_()
        width_p = torch.where(parameter_hi > parameter_lo, parameter_hi - parameter_lo, torch.ones_like(parameter_hi))
        self.register_buffer("parameter_shift", (parameter_hi + parameter_lo) / 2)
        self.register_buffer("parameter_scale", 2 / width_p)
        self.register_buffer("step_scale", step_scale.clone())
        self.timed = times is not None
        if times is not None:
            span = (times[-1] - times[0]).clamp_min(torch.finfo(times.dtype).tiny)
            self.register_buffer("times", 2 * (times - times[0]) / span - 1)

    def _inputs(self, z: torch.Tensor, p: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        """[z, p̂, t̂] with t̂ the normalised time of step ``index`` (broadcast to z's leading shape)."""
        parts = [z, p]
        if self.timed:
            parts.append(self.times[index].expand(z.shape[:-1]).unsqueeze(-1))
        return torch.cat(parts, dim=-1)

    def rollout(
        self, z0: torch.Tensor, parameters: torch.Tensor, steps: int, start: torch.Tensor | int = 0
    ) -> torch.Tensor:
        """(B, k) → (B, steps + 1, k), z0 first, each prediction the next input.

        ``start`` (an int or (B,) step indices) is the time index of z0, for non-autonomous steps.
        """
        p = (parameters - self.parameter_shift) * self.parameter_scale
        start = torch.as_tensor(start, device=z0.device)
        out, z = [z0], z0
        for n in range(steps):
            z = z + self.step_scale * self.net(self._inputs(z, p, start + n))
            out.append(z)
        return torch.stack(out, dim=1)

    def teacher_forced(self, states: torch.Tensor, parameters: torch.Tensor) -> torch.Tensor:
        """The next latent state from each true one of a sequence: (B, T, k) → (B, T, k)."""
        p = (parameters - self.parameter_shift) * self.parameter_scale
        p = p[:, None, :].expand(-1, states.shape[1], -1)
        index = torch.arange(states.shape[1], device=states.device)
        return states + self.step_scale * self.net(self._inputs(states, p, index))
