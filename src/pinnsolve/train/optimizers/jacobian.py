"""The weighted residual vector of a PINN objective and its Jacobian with respect to the parameters.

The loss is a sum of weighted mean squares, L = Σ_t w_t/n_t Σ_i r_t(x_i)², so with

.. math::  R = \\big(\\sqrt{w_t/n_t}\\; r_t(x_i)\\big)_{t,i}, \\qquad L(θ) = \\lVert R(θ) \\rVert^2,

Gauss–Newton needs R and J = ∂R/∂θ (N × P). Each residual depends on its own point only, so J is
a batch of per-point gradients: ``torch.func.vmap`` over the points of ``jacrev`` of one point's
residual costs about one backward pass over all points (reverse mode over the whole vector would
cost N of them, forward mode P forward passes). Models or derivative engines that torch.func cannot
trace (nested ``autograd.grad``, the trial function's cached factors) fall back to reverse mode over
the whole vector in batches of rows: exact, slower.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from pinnsolve.errors import SettingsError


def _weight(objective: Any, term: Any) -> float:
    """The term's weight in the loss: its fixed weight times its adaptive one (frozen while this stage runs)."""
    return term.weight * objective.weight_values().get(term.name, 1.0)


def residual_vector(objective: Any, model: nn.Module) -> torch.Tensor:
    """R stacked term by term, weighted so that ‖R‖² is the loss."""
    residuals = objective.residuals(model)
    return torch.cat(
        [
            math.sqrt(_weight(objective, t) / max(r.numel(), 1)) * r.reshape(-1)
            for t, r in zip(objective.terms, residuals.values())
        ]
    )


class _Row(nn.Module):
    """One term's residual at one point (and its partner, normal and target), for functional_call."""

    def __init__(self, model: nn.Module, objective: Any, term: Any) -> None:
        super().__init__()
        self.model, self.objective, self.term = model, objective, term

    def forward(
        self, p: torch.Tensor, q: torch.Tensor | None, normal: torch.Tensor | None, target: torch.Tensor | None
    ) -> torch.Tensor:
        t, engine = self.term, self.objective.engine
        unknowns = dict(getattr(self.model, "unknowns", {}) or {})

        def at(x: torch.Tensor) -> torch.Tensor:
            values = engine(self.model, x[None], t.expr.keys)
            return t.expr(
                {k: values[k] for k in t.expr.keys}, x[None], None if normal is None else normal[None], unknowns
            )

        r = at(p) - at(q) if q is not None else at(p)
        if target is not None:
            r = r - target
        return r.reshape(())


def _per_point(objective: Any, model: nn.Module, names: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    from torch.func import functional_call, jacrev, vmap

    params = {n: p.detach() for n, p in model.named_parameters() if n in names}
    rows, jac = [], []
    for t in objective.terms:
        row = _Row(model, objective, t)
        args = [
            objective.points[t.slices[0]],
            objective.points[t.slices[1]] if len(t.slices) == 2 else None,
            objective.normals.get(t.name),
            objective.targets.get(t.name),
        ]

        def r_of(
            theta: dict, p: Any, q: Any, n: Any, g: Any, row: nn.Module = row
        ) -> tuple[torch.Tensor, torch.Tensor]:
            r = functional_call(row, {f"model.{k}": v for k, v in theta.items()}, (p, q, n, g))
            return r, r

        in_dims = (None, *[None if a is None else 0 for a in args])
        grads, r = vmap(jacrev(r_of, has_aux=True), in_dims=in_dims)(params, *args)
        scale = math.sqrt(_weight(objective, t) / max(len(args[0]), 1))
        rows.append(scale * r)
        jac.append(scale * torch.cat([grads[n].reshape(len(r), -1) for n in names], dim=1))
    return torch.cat(rows), torch.cat(jac)


def _by_rows(
    objective: Any, model: nn.Module, params: list[torch.Tensor], batch: int = 256
) -> tuple[torch.Tensor, torch.Tensor]:
    """Reverse mode over R in batches of rows (any engine, any model)."""
    r = residual_vector(objective, model)
    eye = torch.eye(len(r), dtype=r.dtype, device=r.device)
    blocks = []
    for start in range(0, len(r), batch):
        cot = eye[start : start + batch]
        grads = torch.autograd.grad(
            r, params, grad_outputs=cot, retain_graph=True, is_grads_batched=True, allow_unused=True
        )
        blocks.append(
            torch.cat(
                [
                    (g if g is not None else torch.zeros(len(cot), *p.shape, dtype=r.dtype)).reshape(len(cot), -1)
                    for g, p in zip(grads, params)
                ],
                dim=1,
            )
        )
    return r.detach(), torch.cat(blocks)


class ResidualJacobian:
    """R(θ) and J(θ) of a residual `Objective` at the model's current parameters.

    The first call tries the per-point path and keeps to the batched-rows path if torch.func
    cannot trace this model; both give the same J to round-off (tested).
    """

    def __init__(self, objective: Any, model: nn.Module) -> None:
        from pinnsolve.residual.objective import Objective

        if not isinstance(objective, Objective):
            raise SettingsError(
                "--optimizer gauss-newton needs a residual objective (the loss of --method pinn or trial: "
                "weighted mean squares of PDE and condition residuals), and this method minimises a loss "
                "that is not a sum of squared residuals it can hand over. Use adam, lbfgs, bfgs or ssbroyden "
                "in --optimizer instead."
            )
        self.objective, self.model = objective, model
        self.names = [n for n, p in model.named_parameters() if p.requires_grad]
        self.params = [p for p in model.parameters() if p.requires_grad]
        self.fast: bool | None = None

    def __call__(self) -> tuple[torch.Tensor, torch.Tensor]:
        if self.fast is not False:
            try:
                out = _per_point(self.objective, self.model, self.names)
                self.fast = True
                return out
            except Exception:  # torch.func cannot trace this model or engine: use plain autograd
                if self.fast:
                    raise
                self.fast = False
        return _by_rows(self.objective, self.model, self.params)
