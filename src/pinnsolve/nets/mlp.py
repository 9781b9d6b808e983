"""Fully connected networks u_θ(x) with inputs scaled to [-1, 1]."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from pinnsolve.errors import SettingsError


class Sine(nn.Module):
    """sin as an activation (SIREN-style smooth periodic features)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sin(x)


ACTIVATIONS = {"tanh": nn.Tanh, "sin": Sine, "gelu": nn.GELU, "silu": nn.SiLU}
INITIALISERS = {"glorot": nn.init.xavier_normal_, "he": nn.init.kaiming_normal_}


def _lookup(table: dict, name: str, what: str) -> object:
    if name not in table:
        raise SettingsError(f"unknown {what} '{name}'; choose one of: {', '.join(sorted(table))}.")
    return table[name]


class MLP(nn.Module):
    """A multilayer perceptron: ``depth`` hidden layers of ``width`` units.

    The inputs are mapped affinely from the box [lo, hi] to [-1, 1] first, so that the
    activations see O(1) arguments whatever the physical units of the coordinates.
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        width: int = 32,
        depth: int = 3,
        activation: str = "tanh",
        init: str = "glorot",
        lo: Sequence[float] | None = None,
        hi: Sequence[float] | None = None,
    ) -> None:
        super().__init__()
        act = _lookup(ACTIVATIONS, activation, "activation")
        initialise = _lookup(INITIALISERS, init, "initialiser")
        self.activation_name = activation
        lo_t = torch.as_tensor(lo if lo is not None else [-1.0] * n_in, dtype=torch.get_default_dtype())
        hi_t = torch.as_tensor(hi if hi is not None else [1.0] * n_in, dtype=torch.get_default_dtype())
        self.register_buffer("shift", (hi_t + lo_t) / 2)
        self.register_buffer("scale", 2 / (hi_t - lo_t))
        sizes = [n_in] + [width] * depth + [n_out]
        self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.act = act()
        for layer in self.linears:
            if init == "he":
                initialise(layer.weight, nonlinearity="relu")
            else:
                initialise(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = (x - self.shift) * self.scale
        for layer in self.linears[:-1]:
            h = self.act(layer(h))
        return self.linears[-1](h)
