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
from pinnsolve.residual.loss_weights import LossWeights


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
    per time bin while first-order optimizers run (see `pinnsolve.residual.causal`). With
    ``loss_weights`` (`LossWeights`), each term is multiplied by its adaptive weight λ_i, which the
    trainer updates through `adapt` after first-order steps (see `pinnsolve.residual.loss_weights`).
    """

    def __init__(
        self,
        terms: list[LossTerm],
        engine: object,
        dtype: torch.dtype,
        device: torch.device,
        causal: CausalWeights | None = None,
        loss_weights: LossWeights | None = None,
    ) -> None:
        self.terms = terms
        self.loss_weights = loss_weights
        # λ as one tensor updated in place: a compiled loss reads it as an input, not a constant
        self._lam = torch.ones(len(terms), dtype=dtype, device=device)
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
        """Weighted mean squared residual per term (their sum is the loss), times λ_i with adaptive weights."""
        terms = self.unadapted(model)
        if self.loss_weights is None:
            return terms
        return {name: self._lam[i] * v for i, (name, v) in enumerate(terms.items())}

    def unadapted(self, model: torch.nn.Module) -> dict[str, torch.Tensor]:
        """L_i = w_i · mean(r_i²) per term (causally weighted where that is on), without the adaptive λ_i."""
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
        """Told by the trainer whether a first-order stage runs: causal weights and the updates of the
        adaptive weights only then, since a line search needs one fixed function of the parameters."""
        if self.causal is not None:
            self.causal.active = active
        if self.loss_weights is not None:
            self.loss_weights.active = active

    # -- adaptive weights --------------------------------------------------------------
    def adapt(self, model: torch.nn.Module, step: int, terms: Mapping[str, torch.Tensor]) -> bool:
        """Update λ after training step ``step`` where it is due; ``terms`` are that step's (λ-weighted) terms.
        Returns whether the weights changed."""
        rule = self.loss_weights
        if rule is None or not rule.due(step):
            return False
        if rule.needs_gradients:
            losses = self.unadapted(model)
        else:
            losses = {name: terms[name].detach() / self._lam[i] for i, name in enumerate(self.names)}
        before = dict(rule.values)
        rule.update(losses, [p for p in model.parameters() if p.requires_grad], step)
        self._sync()
        return rule.values != before

    def weight_values(self) -> dict[str, float]:
        """The adaptive weights λ_i now, by term ({} without adaptive weights)."""
        return {} if self.loss_weights is None else dict(self.loss_weights.values)

    def weights_state(self) -> dict:
        """The adaptive weights' state for --resume (plain values: loads with weights_only; {} without them)."""
        return {} if self.loss_weights is None else self.loss_weights.state_dict()

    def load_weights_state(self, state: Mapping) -> None:
        """Restore the adaptive weights of a checkpoint (or of the trainer's last good state, on a rollback)."""
        if self.loss_weights is not None and state:
            self.loss_weights.load_state_dict(dict(state))
            self._sync()

    def _sync(self) -> None:
        assert self.loss_weights is not None
        values = [self.loss_weights.values[n] for n in self.names]
        with torch.no_grad():
            self._lam.copy_(torch.as_tensor(values, dtype=self._lam.dtype))

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
