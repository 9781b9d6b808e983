"""The loss: weighted mean squared residuals of the equations and the conditions.

All point sets are stacked into one tensor, so each step runs the network and its
derivative engine once, over every collocation point, and slices the result per term.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import torch

from pinnsolve.residual import CompiledExpression, DerivativeKey
from pinnsolve.residual.causal import CausalWeights


@dataclass
class LossTerm:
    """One term  w · mean(r²)  with r the compiled residual on its points.

    ``partner`` (periodicity) makes r = e(points) − e(partner); ``target`` (data)
    makes r = e(points) − target.
    """

    name: str
    kind: str
    expr: CompiledExpression
    points: np.ndarray
    weight: float = 1.0
    normals: np.ndarray | None = None
    partner: np.ndarray | None = None
    target: np.ndarray | None = None
    slices: tuple[slice, ...] = field(default=(), repr=False)


class Objective:
    """Evaluates every loss term from one pass of the derivative engine.

    With ``causal`` (`CausalWeights`), the equation terms' mean squared residuals are weighted
    per time bin while first-order optimizers run (see `pinnsolve.residual.causal`).
    """

    def __init__(
        self,
        terms: list[LossTerm],
        engine: object,
        dtype: torch.dtype,
        device: torch.device,
        causal: CausalWeights | None = None,
    ) -> None:
        self.terms = terms
        self.engine = engine
        self.causal = causal
        self.dtype, self.device = dtype, device
        self.added = np.zeros((0, terms[0].points.shape[1]))  # interior points added while training (`adaptive_points`)
        self._stack()

    def _stack(self) -> None:
        """Every term's point sets as one tensor, with each term's slices of it (and its causal time bins)."""
        causal = self.causal
        self.bins = {
            t.name: torch.as_tensor(causal.bin_index(t.points), device=self.device)
            for t in self.terms
            if causal is not None and t.kind == "pde"
        }
        blocks, start = [], 0
        for term in self.terms:
            sets = [term.points] + ([term.partner] if term.partner is not None else [])
            term.slices = tuple(
                slice(start + sum(len(s) for s in sets[:i]), start + sum(len(s) for s in sets[: i + 1]))
                for i in range(len(sets))
            )
            start = term.slices[-1].stop
            blocks += sets
        self.points = self._tensor(np.concatenate(blocks))
        self.normals = {t.name: self._tensor(t.normals) for t in self.terms if t.normals is not None}
        self.targets = {t.name: self._tensor(t.target) for t in self.terms if t.target is not None}
        self.keys: set[DerivativeKey] = {k for t in self.terms for k in t.expr.keys}

    def _tensor(self, a: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(np.asarray(a), dtype=self.dtype, device=self.device)

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.terms]

    def residuals(self, model: torch.nn.Module, create_graph: bool = True) -> dict[str, torch.Tensor]:
        """r for every term, unweighted."""
        values = self.engine(model, self.points, self.keys, create_graph=create_graph)
        unknowns: Mapping[str, torch.Tensor] = dict(getattr(model, "unknowns", {}) or {})
        out: dict[str, torch.Tensor] = {}
        for t in self.terms:
            parts = []
            for s in t.slices:
                local = {k: values[k][s] for k in t.expr.keys}
                parts.append(t.expr(local, self.points[s], self.normals.get(t.name), unknowns))
            r = parts[0] - parts[1] if len(parts) == 2 else parts[0]
            if t.name in self.targets:
                r = r - self.targets[t.name]
            out[t.name] = r
        return out

    def __call__(self, model: torch.nn.Module) -> dict[str, torch.Tensor]:
        """Weighted mean squared residual per term (their sum is the loss)."""
        residuals = self.residuals(model)
        if self.causal is not None and self.causal.active and self.bins:
            return self._causal(residuals)
        return {t.name: t.weight * r.square().mean() for t, r in zip(self.terms, residuals.values())}

    def equation_residual(self, model: torch.nn.Module, points: np.ndarray, chunk: int = 8192) -> np.ndarray:
        """|r(x)| of the equations at ``points`` (no graph): √(Σ_e w_e r_e²) over the equation terms ``pde*``."""
        pde = [t for t in self.terms if t.kind == "pde"]
        keys = {k for t in pde for k in t.expr.keys}
        unknowns: Mapping[str, torch.Tensor] = dict(getattr(model, "unknowns", {}) or {})
        out = []
        for start in range(0, len(points), chunk):
            x = self._tensor(points[start : start + chunk])
            values = self.engine(model, x, keys, create_graph=True)  # nested autograd needs the graph for u_xx
            r2 = sum(t.weight * t.expr({k: values[k] for k in t.expr.keys}, x, None, unknowns).square() for t in pde)
            out.append(torch.sqrt(r2.detach()).expand(len(x)).cpu().numpy())
        return np.concatenate(out) if out else np.zeros(0)

    def add_points(self, points: np.ndarray) -> None:
        """Add interior points to every equation term (they share the interior set), recorded in ``added``."""
        points = np.asarray(points, dtype=float).reshape(-1, self.added.shape[1])
        for t in self.terms:
            if t.kind == "pde":
                t.points = np.concatenate([t.points, points])
        self.added = np.concatenate([self.added, points])
        self._stack()

    def collocation_sets(self) -> dict[str, np.ndarray]:
        """The point sets by role for ``collocation.npz``: ``interior`` (as drawn), ``added`` (adaptively),
        ``boundary_<term>``, ``initial_<term>``, ``data_<term>``."""
        role = {"pde": "interior", "bc": "boundary", "periodic": "boundary", "ic": "initial", "data": "data"}
        sets: dict[str, np.ndarray] = {}
        for t in self.terms:
            if t.kind == "pde":
                sets.setdefault("interior", t.points[: len(t.points) - len(self.added)])
            else:
                sets[f"{role.get(t.kind, t.kind)}_{t.name}"] = t.points
        if len(self.added):
            sets["added"] = self.added
        return sets

    def training_state(self) -> dict[str, torch.Tensor]:
        """What --resume needs besides the network: the adaptively added points (a tensor, loads with weights_only)."""
        return {"added_points": torch.as_tensor(self.added, dtype=torch.float64)}

    def load_training_state(self, state: dict[str, torch.Tensor]) -> None:
        """Restore the added points of a checkpoint onto freshly drawn ones (the same seed draws the same)."""
        added = state.get("added_points")
        if added is not None and len(added) and not len(self.added):
            self.add_points(added.numpy())

    def first_order(self, active: bool) -> None:
        """Told by the trainer whether a first-order stage runs: causal weights only then, since a
        line search needs one fixed function of the parameters."""
        if self.causal is not None:
            self.causal.active = active

    def _causal(self, residuals: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        causal = self.causal
        assert causal is not None
        per_bin = {
            t.name: t.weight * causal.per_bin(residuals[t.name].square(), self.bins[t.name])
            for t in self.terms
            if t.name in self.bins
        }
        w = causal.weights(sum(per_bin.values()))
        return {
            t.name: (w * per_bin[t.name]).mean() if t.name in per_bin else t.weight * residuals[t.name].square().mean()
            for t in self.terms
        }
