"""Forward-mode (Taylor) derivatives of an MLP with respect to its inputs.

For z = W a + b and a = σ(z) the input derivatives propagate layer by layer as

.. math::
    z_i = W a_i,\\quad z_{ij} = W a_{ij},\\qquad
    a_i = σ'(z)\\, z_i,\\quad a_{ij} = σ'(z)\\, z_{ij} + σ''(z)\\, z_i z_j

so a residual with first and second derivatives costs one forward sweep of a few stacked
matrix products and one backward pass for the parameters, instead of nested reverse-mode
passes. Orders above two, and networks that are not plain MLPs, use autograd.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch

from pinnsolve.residual.keys import DerivativeKey


def _tanh(z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    a = torch.tanh(z)
    d1 = 1 - a * a
    return a, d1, -2 * a * d1


def _sin(z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    a = torch.sin(z)
    return a, torch.cos(z), -a


def _silu(z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    s = torch.sigmoid(z)
    a = z * s
    d1 = s * (1 + z * (1 - s))
    return a, d1, s * (1 - s) * (2 + z * (1 - 2 * s))


#: activation name → (σ, σ', σ'') evaluated together
ACTIVATION_SERIES: dict[str, Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor, torch.Tensor]]] = {
    "tanh": _tanh,
    "sin": _sin,
    "silu": _silu,
}


def mlp_jet(
    mlp: torch.nn.Module, x: torch.Tensor, first: list[int], second: list[tuple[int, int]]
) -> tuple[torch.Tensor, dict[int, torch.Tensor], dict[tuple[int, int], torch.Tensor]]:
    """Values (N, m), first derivatives {i: (N, m)} and second {(i, j): (N, m)} of an MLP."""
    series = ACTIVATION_SERIES[mlp.activation_name]
    dirs = sorted(set(first) | {i for pair in second for i in pair})
    col = {i: k for k, i in enumerate(dirs)}
    h = (x - mlp.shift) * mlp.scale
    layers = list(mlp.linears)
    w0 = layers[0].weight * mlp.scale  # ∂z/∂x_i of the first layer: a column of W, scaled
    z = torch.nn.functional.linear(h, layers[0].weight, layers[0].bias)
    z1 = w0.t()[dirs].unsqueeze(1).expand(len(dirs), x.shape[0], -1) if dirs else None  # (k, N, w)
    z2 = None  # second derivatives of the first pre-activation vanish
    for layer in layers[1:]:
        a, d1, d2 = series(z)
        a1 = d1 * z1 if z1 is not None else None
        if second:
            prod = torch.stack([z1[col[i]] * z1[col[j]] for i, j in second])
            a2 = d2 * prod + (d1 * z2 if z2 is not None else 0)
        else:
            a2 = None
        z = torch.nn.functional.linear(a, layer.weight, layer.bias)
        z1 = a1 @ layer.weight.t() if a1 is not None else None
        z2 = a2 @ layer.weight.t() if a2 is not None else None
    firsts = {i: z1[col[i]] for i in first}
    seconds = {pair: z2[k] for k, pair in enumerate(second)}
    return z, firsts, seconds


def _split(keys: Iterable[DerivativeKey]) -> tuple[list[int], list[tuple[int, int]]]:
    first: set[int] = set()
    second: set[tuple[int, int]] = set()
    for k in keys:
        axes = [i for i, o in enumerate(k.orders) for _ in range(o)]
        if len(axes) == 1:
            first.add(axes[0])
        elif len(axes) == 2:
            second.add((axes[0], axes[1]))
    return sorted(first), sorted(second)


def _plain_mlp(model: torch.nn.Module, n_inputs: int) -> torch.nn.Module | None:
    """The single MLP of a Surrogate that sees every input, if that is what the model is."""
    nets = getattr(model, "nets", None)
    if nets is None or len(nets) != 1 or len(model.inputs[0]) != n_inputs:
        return None
    mlp = nets[0]
    return mlp if getattr(mlp, "activation_name", None) in ACTIVATION_SERIES else None


class TaylorEngine:
    """Input derivatives of order ≤ 2 by forward propagation through the MLP.

    Handles a `Surrogate` with one MLP over all coordinates and a `TrialSurrogate`
    around one (combining A + B·N by the Leibniz rule with symbolic derivatives of A, B).
    """

    name = "taylor"

    @staticmethod
    def supports(model: torch.nn.Module, keys: Iterable[DerivativeKey], n_inputs: int) -> bool:
        if any(k.total_order > 2 for k in keys):
            return False
        inner = getattr(model, "network", model)
        return _plain_mlp(inner, n_inputs) is not None

    def __call__(
        self, model: torch.nn.Module, points: torch.Tensor, keys: Iterable[DerivativeKey], create_graph: bool = True
    ) -> dict[DerivativeKey, torch.Tensor]:
        keys = list(set(keys))
        first, second = _split(keys)
        trial = hasattr(model, "network")
        mlp = _plain_mlp(model.network if trial else model, points.shape[1])
        if trial:  # N needs every derivative that the Leibniz rule combines
            first = sorted(set(first) | {i for pair in second for i in pair})
        n, n1, n2 = mlp_jet(mlp, points, first, second)
        if trial:
            n, n1, n2 = model.combine(points, n, n1, n2)
        out: dict[DerivativeKey, torch.Tensor] = {}
        for k in keys:
            axes = [i for i, o in enumerate(k.orders) for _ in range(o)]
            if not axes:
                out[k] = n[:, k.field]
            elif len(axes) == 1:
                out[k] = n1[axes[0]][:, k.field]
            else:
                out[k] = n2[(axes[0], axes[1])][:, k.field]
        return out
