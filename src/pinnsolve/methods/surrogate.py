"""The trained object: networks that map points to fields."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sympy as sp
import torch
from torch import nn

from pinnsolve.dsl.problem import Problem
from pinnsolve.nets import MLP
from pinnsolve.residual import torch_function


def coordinate_bounds(problem: Problem) -> tuple[list[float], list[float]]:
    """Lower and upper ends of every coordinate (space from the domain's bounding box)."""
    lo: list[float] = []
    hi: list[float] = []
    if problem.domain is not None:
        dlo, dhi = problem.domain.bounds()
        lo += [float(v) for v in dlo]
        hi += [float(v) for v in dhi]
    if problem.time is not None:
        lo.append(problem.time.lo)
        hi.append(problem.time.hi)
    return lo, hi


class Surrogate(nn.Module):
    """u_θ: points (N, d) over the problem's coordinates → fields (N, m).

    Fields that depend on the same coordinates share one MLP with several outputs;
    a field of fewer coordinates gets its own network of just those inputs.
    """

    def __init__(self, problem: Problem, settings: Any) -> None:
        super().__init__()
        self.field_names = problem.field_names
        coords = list(problem.coords)
        lo, hi = coordinate_bounds(problem)
        groups: dict[tuple[int, ...], list[int]] = {}
        for j, f in enumerate(problem.fields):
            groups.setdefault(tuple(coords.index(c) for c in f.args), []).append(j)
        self.inputs = [list(cols) for cols in groups]
        self.outputs = list(groups.values())
        self.nets = nn.ModuleList(
            MLP(
                len(cols),
                len(fields),
                settings.width,
                settings.depth,
                settings.activation,
                settings.init,
                lo=[lo[c] for c in cols],
                hi=[hi[c] for c in cols],
            )
            for cols, fields in zip(self.inputs, self.outputs)
        )
        self.unknowns = nn.ParameterDict(
            {
                name: nn.Parameter(torch.tensor(problem.parameter_values[name]))
                for name, p in problem.parameters.items()
                if p.trainable
            }
        )

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        if len(self.nets) == 1 and len(self.inputs[0]) == points.shape[1]:
            return self.nets[0](points)
        columns: list[torch.Tensor | None] = [None] * len(self.field_names)
        for net, cols, fields in zip(self.nets, self.inputs, self.outputs):
            out = net(points[:, cols])
            for k, j in enumerate(fields):
                columns[j] = out[:, k]
        return torch.stack(columns, dim=1)


class TrialSurrogate(nn.Module):
    """u = A + B·N: a network N wrapped so that conditions hold by construction (Lagaris et al. 1998).

    ``particular[j]`` (A) satisfies the Dirichlet and initial conditions of field j and
    ``distance[j]`` (B) vanishes where they are imposed; both are sympy expressions of the
    coordinates, differentiated symbolically when an engine asks for their derivatives.
    """

    def __init__(
        self,
        network: Surrogate,
        particular: Sequence[sp.Expr],
        distance: Sequence[sp.Expr],
        coords: Sequence[sp.Symbol],
    ) -> None:
        super().__init__()
        self.network = network
        self.field_names = network.field_names
        self.unknowns = network.unknowns
        self.exprs = (list(particular), list(distance))
        self.coords = list(coords)
        self._functions: dict[tuple[int, int, tuple[int, ...]], Callable[[torch.Tensor], torch.Tensor]] = {}
        self._cached_at: tuple | None = None
        self._cache: dict[tuple[int, int, tuple[int, ...]], torch.Tensor] = {}

    def part(self, which: int, field: int, orders: tuple[int, ...], points: torch.Tensor) -> torch.Tensor:
        """A (which=0) or B (which=1) of ``field``, differentiated by the multi-index ``orders``.

        A and B do not depend on the network, so their values at the (fixed) collocation
        points are computed once and reused every step.
        """
        key = (which, field, orders)
        if key not in self._functions:
            expr = self.exprs[which][field]
            spec = [(c, o) for c, o in zip(self.coords, orders) if o]
            self._functions[key] = torch_function(sp.diff(expr, *spec) if spec else expr, self.coords)
        if points.requires_grad:  # autograd differentiates through A and B: no caching
            return self._functions[key](points)
        where = (points.data_ptr(), tuple(points.shape), points._version, points.dtype)
        if self._cached_at != where:
            self._cached_at, self._cache = where, {}
        if key not in self._cache:
            self._cache[key] = self._functions[key](points)
        return self._cache[key]

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        n = self.network(points)
        zero = (0,) * points.shape[1]
        return torch.stack(
            [
                self.part(0, j, zero, points) + self.part(1, j, zero, points) * n[:, j]
                for j in range(len(self.field_names))
            ],
            dim=1,
        )

    def combine(
        self,
        points: torch.Tensor,
        n: torch.Tensor,
        n1: dict[int, torch.Tensor],
        n2: dict[tuple[int, int], torch.Tensor],
    ) -> tuple[torch.Tensor, dict, dict]:
        """u, u_i, u_ij from N and its derivatives by the Leibniz rule for A + B·N."""
        d = points.shape[1]

        def unit(*axes: int) -> tuple[int, ...]:
            return tuple(sum(1 for a in axes if a == k) for k in range(d))

        def stack(fn: Callable[[int], torch.Tensor]) -> torch.Tensor:
            return torch.stack([fn(j) for j in range(n.shape[1])], dim=1)

        A = lambda j, *ax: self.part(0, j, unit(*ax), points)  # noqa: E731
        B = lambda j, *ax: self.part(1, j, unit(*ax), points)  # noqa: E731
        u = stack(lambda j: A(j) + B(j) * n[:, j])
        u1 = {i: stack(lambda j: A(j, i) + B(j, i) * n[:, j] + B(j) * n1[i][:, j]) for i in n1}
        u2 = {
            (i, k): stack(
                lambda j: (
                    A(j, i, k)
                    + B(j, i, k) * n[:, j]
                    + B(j, i) * n1[k][:, j]
                    + B(j, k) * n1[i][:, j]
                    + B(j) * n2[(i, k)][:, j]
                )
            )
            for i, k in n2
        }
        return u, u1, u2
