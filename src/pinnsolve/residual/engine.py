"""Derivative engines: values of a network's input derivatives at collocation points.

An engine takes a model (points (N, d) → fields (N, m)), the points and the set of
`DerivativeKey`s the residuals need, and returns each derivative once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch

from pinnsolve.errors import SettingsError
from pinnsolve.residual.keys import DerivativeKey

Model = Callable[[torch.Tensor], torch.Tensor]


class AutogradEngine:
    """Nested reverse-mode differentiation, caching every gradient it computes.

    One ``autograd.grad`` call gives all first partials of a quantity at once, so
    u_xx and u_xt share the gradient of u_x. Works for any network.
    """

    name = "autograd"

    def __call__(
        self, model: Model, points: torch.Tensor, keys: Iterable[DerivativeKey], create_graph: bool = True
    ) -> dict[DerivativeKey, torch.Tensor]:
        keys = sorted(set(keys), key=lambda k: (k.total_order, k))
        needs_grad = any(k.total_order > 0 for k in keys)
        x = points.detach().requires_grad_(needs_grad) if needs_grad else points
        out = model(x)
        values: dict[tuple[int, tuple[int, ...]], torch.Tensor] = {}
        gradients: dict[tuple[int, tuple[int, ...]], torch.Tensor] = {}

        def value(field: int, orders: tuple[int, ...]) -> torch.Tensor:
            if (field, orders) in values:
                return values[(field, orders)]
            if sum(orders) == 0:
                v = out[:, field]
            else:
                axis = max(i for i, o in enumerate(orders) if o > 0)
                parent = orders[:axis] + (orders[axis] - 1,) + orders[axis + 1 :]
                if (field, parent) not in gradients:
                    p = value(field, parent)
                    g = (
                        torch.autograd.grad(
                            p, x, grad_outputs=torch.ones_like(p), create_graph=create_graph, allow_unused=True
                        )[0]
                        if p.requires_grad
                        else None
                    )
                    gradients[(field, parent)] = g if g is not None else torch.zeros_like(x)
                v = gradients[(field, parent)][:, axis]
            values[(field, orders)] = v
            return v

        return {k: value(k.field, k.orders) for k in keys}


def _engines() -> dict[str, type]:
    from pinnsolve.residual.taylor import TaylorEngine

    return {"autograd": AutogradEngine, "taylor": TaylorEngine}


ENGINE_NAMES = ("autograd", "taylor")


def get_engine(name: str) -> object:
    engines = _engines()
    if name not in engines:
        raise SettingsError(
            f"unknown derivative engine '{name}' (--derivatives); choose one of: {', '.join(sorted(engines))}."
        )
    return engines[name]()
