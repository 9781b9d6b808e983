"""A recurrent time-stepper: the state on the grid at one time → the state one step later."""

from __future__ import annotations

import torch
from torch import nn

from pinnsolve.errors import SettingsError

__all__ = ["CELLS", "RecurrentStepper"]

#: the recurrent cells a user can choose: Elman (tanh RNN), GRU, LSTM
CELLS = {"elman": nn.RNNCell, "gru": nn.GRUCell, "lstm": nn.LSTMCell}

Hidden = torch.Tensor | tuple[torch.Tensor, torch.Tensor]


class RecurrentStepper(nn.Module):
    """y^{n+1} = y^n + s ⊙ W h^{n+1},   h^{n+1} = cell([(y^n − m)/σ, p̂], h^n).

    The cell reads the current state (shifted by ``mean`` and divided by ``scale``, per
    component) and the problem's normalised parameters p̂; a linear read-out of its hidden
    state gives the increment to the next state in units of ``step_scale`` (the typical size
    of one step's change). The read-out starts near zero, so the untrained stepper is close
    to the identity map y^{n+1} = y^n, a sensible start for a time-stepper.
    """

    def __init__(
        self,
        size: int,
        n_parameters: int,
        hidden: int,
        cell: str,
        mean: torch.Tensor,
        scale: torch.Tensor,
        step_scale: torch.Tensor,
        parameter_lo: torch.Tensor | None = None,
        parameter_hi: torch.Tensor | None = None,
    ) -> None:
        super().__init__()
        if cell not in CELLS:
            raise SettingsError(f"unknown recurrent cell '{cell}'; choose one of: {', '.join(CELLS)}.")
        self.cell_name = cell
        self.cell = CELLS[cell](size + n_parameters, hidden)
        self.head = nn.Linear(hidden, size)
        nn.init.normal_(self.head.weight, std=1e-3 / hidden**0.5)
        nn.init.zeros_(self.head.bias)
        self.hidden = hidden
        self.register_buffer("mean", mean.clone())
        self.register_buffer("scale", scale.clone())
        self.register_buffer("step_scale", step_scale.clone())
        lo = parameter_lo if parameter_lo is not None else torch.zeros(n_parameters)
        hi = parameter_hi if parameter_hi is not None else torch.ones(n_parameters)
        width = torch.where(hi > lo, hi - lo, torch.ones_like(hi))
        self.register_buffer("parameter_shift", ((hi + lo) / 2).to(mean.dtype))
        self.register_buffer("parameter_scale", (2 / width).to(mean.dtype))

    def initial_hidden(self, batch: int, like: torch.Tensor) -> Hidden:
        h = like.new_zeros(batch, self.hidden)
        return (h, h.clone()) if self.cell_name == "lstm" else h

    def step(self, y: torch.Tensor, parameters: torch.Tensor, hidden: Hidden) -> tuple[torch.Tensor, Hidden]:
        """One step of every state of the batch (B, size), with the parameters (B, n_parameters)."""
        p = (parameters - self.parameter_shift) * self.parameter_scale
        hidden = self.cell(torch.cat([(y - self.mean) / self.scale, p], dim=1), hidden)
        out = hidden[0] if isinstance(hidden, tuple) else hidden
        return y + self.step_scale * self.head(out), hidden

    def rollout(self, y0: torch.Tensor, parameters: torch.Tensor, steps: int) -> torch.Tensor:
        """Autoregressive: each prediction is the next input. (B, steps + 1, size), y0 first."""
        hidden = self.initial_hidden(y0.shape[0], y0)
        states, y = [y0], y0
        for _ in range(steps):
            y, hidden = self.step(y, parameters, hidden)
            states.append(y)
        return torch.stack(states, dim=1)

    def teacher_forced(self, states: torch.Tensor, parameters: torch.Tensor) -> torch.Tensor:
        """The next state predicted from each true state of a sequence (B, T, size) → (B, T, size)."""
        hidden = self.initial_hidden(states.shape[0], states)
        out = []
        for n in range(states.shape[1]):
            y, hidden = self.step(states[:, n], parameters, hidden)
            out.append(y)
        return torch.stack(out, dim=1)

    def forward(self, y0: torch.Tensor, parameters: torch.Tensor, steps: int) -> torch.Tensor:
        return self.rollout(y0, parameters, steps)
