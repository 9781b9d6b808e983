"""Supervised surrogate: an MLP fitted to reference data, with an optional physics term.

The network u_θ(x, t) (the same `Surrogate` as the PINN's) minimises

.. math:: L(θ) = Σ_f \\overline{(u_{θ,f} - u^{ref}_f)^2}
          + λ \\, Σ_i w_i \\, \\overline{r_i^2}

over reference values u^ref (a ``Problem(reference=...)`` file, else the finite-difference
reference solved on demand) at the training points, and, for λ = ``--physics-weight`` > 0,
the PINN's equation and condition residuals r_i (Raissi, Perdikaris & Karniadakis,
J. Comput. Phys. 378, 2019) with their own weights w_i; by default λ = (t1 − t0)² for a
time-dependent problem and 0 for a steady one (`default_physics_weight`). The data of a time-dependent
problem are cut at t ≤ t0 + h (t1 − t0), h = ``--horizon``: a random 80 % of those points
train, 20 % are held out, and the points beyond the horizon measure extrapolation in time.
The residuals' collocation points span the whole time range, which is what lets the
physics term inform the model where there is no data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import MethodNotApplicable, PinnsolveError
from pinnsolve.evaluate import predict
from pinnsolve.methods import collocation
from pinnsolve.methods.base import equation_terms, horizon_of, make_objective, physics_weight_of, weight_of
from pinnsolve.methods.contract import Context, setting
from pinnsolve.methods.neural import NeuralMethod, Setup
from pinnsolve.methods.pinn import condition_terms
from pinnsolve.methods.settings import CollocationSettings, NetworkSettings, StoppingSettings, TrainSettings
from pinnsolve.methods.surrogate import Surrogate
from pinnsolve.methods.validation import held_out
from pinnsolve.residual import compile_expression
from pinnsolve.residual.objective import LossTerm, Objective
from pinnsolve.results.measure import relative_l2
from pinnsolve.solution import Solution

#: share of the data-range points that train (the rest are held out)
TRAIN_SHARE = 0.8
#: most training points per field: more only slows each step down
MAX_TRAIN = 2048
#: (Adam, L-BFGS) steps, the same with and without the physics term so that the two compare. heat1d on one
#: thread of a busy 2-core machine: data only 33 s (held-out error 6.6e-3), with physics 144 s (2.3e-3)
BUDGET = (1000, 500)


@dataclass
class FieldData:
    """One field's reference values at full points (N, d), and index sets into them.

    ``data_range``: every point within the horizon; ``train`` and ``heldout`` split them
    (``unused`` training points left out above `MAX_TRAIN`); ``beyond``: past the horizon;
    ``validation``: training points held out for look-back stopping or a cross-validation fold.
    """

    name: str
    points: np.ndarray
    values: np.ndarray
    data_range: np.ndarray
    train: np.ndarray
    heldout: np.ndarray
    beyond: np.ndarray
    unused: int
    validation: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


class Objectives:
    """Several objectives summed as one, each with its own points and derivative engine.

    The data terms need the network's values only: kept apart from the residuals, their
    (many) points skip the derivatives that the residuals need at the collocation points.
    """

    def __init__(self, *parts: Objective) -> None:
        self.parts = parts
        self.terms = [t for p in parts for t in p.terms]
        self.engine = parts[-1].engine

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.terms]

    def __call__(self, model: torch.nn.Module) -> dict[str, torch.Tensor]:
        return {name: value for p in self.parts for name, value in p(model).items()}


def reference_data(problem: Problem, grid: Mapping[str, int] | None) -> tuple[Solution, str]:
    """The reference as a Solution, and a sentence saying where it comes from."""
    from pinnsolve.reference import load_reference, solve_reference  # the reference's public API

    if getattr(problem, "reference", None):
        data = load_reference(problem, grid=grid)
        return data, f"reference file {problem.reference}"
    if problem.domain is not None and not problem.domain.is_box:
        raise MethodNotApplicable(
            f"ffnn fits reference data, and '{problem.name}' names no reference file while its domain (a "
            f"{type(problem.domain).__name__}) is not a box the finite-difference solver can grid. Give data with "
            'Problem(..., reference="file.npz"), or use --method pinn.'
        )
    try:
        data, stats = solve_reference(problem, grid=grid)
    except PinnsolveError as exc:
        raise MethodNotApplicable(
            f"ffnn fits reference data, and the finite-difference solver could not make it for '{problem.name}': "
            f'{exc} Give data with Problem(..., reference="file.npz"), or use --method pinn.'
        ) from None
    sizes = "×".join(str(n) for n in stats["grid"].values())
    return data, f"finite-difference reference ({stats['scheme']}, {sizes} grid)"


def _flatten(problem: Problem, data: Solution, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Field ``name`` of ``data`` as full points (N, d) in the problem's coordinates and values (N,)."""
    if data.is_grid:
        coords = data.field_coords[name]
        mesh = np.meshgrid(*[data.axes[c] for c in coords], indexing="ij")
        own = np.column_stack([m.ravel() for m in mesh]) if coords else np.zeros((1, 0))
        by_name = {c.name: c for c in problem.coords}
        return collocation.padded(problem, tuple(by_name[c] for c in coords), own), data.fields[name].ravel()
    assert not data.axes and tuple(data.point_coords) == tuple(c.name for c in problem.coords), (
        "load_reference returns scattered data as points over every coordinate"
    )
    return np.asarray(data.points, dtype=float), np.asarray(data.fields[name], dtype=float)


def resolve_horizon(problem: Problem, settings: Any) -> float | None:
    """The horizon h in (0, 1], or None for a steady problem."""
    if problem.time is None:
        if settings.horizon is not None:
            raise MethodNotApplicable(
                f"'{problem.name}' is steady (no time coordinate): --horizon applies to "
                "time-dependent problems only. Leave --horizon out."
            )
        return None
    return horizon_of(settings)


def default_physics_weight(problem: Problem, settings: Any) -> tuple[float, str]:
    """λ of the physics term, and why: ``--physics-weight`` if given, else (t1 − t0)² for an evolution problem.

    Beyond the horizon there is no data, and a data-only network drifts as soon as the data stop
    (heat1d: relative error 1.2e2 past t = 0.5, 440× more than with the equations; SURROGATES.md).
    The residual of u_t = F(u) has the units of u per unit time: a state error δ that grows over
    the time range leaves a residual r ≈ δ/(t1 − t0), so λ = (t1 − t0)² weighs λ r² like the data
    term's δ², whatever the problem's time scale. A steady problem has no future to carry: its data
    cover the whole domain, and the term stays off unless asked for.
    """
    if settings.physics_weight is not None:
        return physics_weight_of(settings, 0.0), "given (--physics-weight)"
    if problem.time is None:
        return 0.0, "off: a steady problem, the data cover the whole domain (--physics-weight W turns it on)"
    if not problem.residuals:
        return 0.0, "off: the problem has no equations to add"
    span = float(problem.time.hi - problem.time.lo)
    return span**2, (
        f"(t1 - t0)^2 = {span**2:.6g}: the equations carry the model past the data's horizon, and the residual "
        "times the time range is in the data's units (a state error d growing over the range leaves r = d/(t1 - t0))"
    )


def split(problem: Problem, data: Solution, horizon: float | None, rng: np.random.Generator) -> list[FieldData]:
    """Every field's points, split into train / held-out (within the horizon) and beyond it."""
    out = []
    time = list(problem.coords).index(problem.time) if problem.time is not None else None
    for name in data.fields:
        points, values = _flatten(problem, data, name)
        inside = np.ones(len(points), dtype=bool)
        if time is not None:
            t = points[:, time]
            t0, t1 = float(t.min()), float(t.max())
            inside = t <= t0 + horizon * (t1 - t0) + 1e-12 * max(1.0, abs(t1 - t0))
        candidates = rng.permutation(np.flatnonzero(inside))
        n_train = int(round(TRAIN_SHARE * len(candidates)))
        train, heldout = candidates[:n_train], candidates[n_train:]
        unused = max(0, len(train) - MAX_TRAIN)
        out.append(
            FieldData(
                name,
                points,
                values,
                np.flatnonzero(inside),
                np.sort(train[:MAX_TRAIN]),
                np.sort(heldout),
                np.flatnonzero(~inside),
                unused,
            )
        )
    return out


def _l2(
    model: torch.nn.Module,
    problem: Problem,
    sets: list[FieldData],
    which: str,
    dtype: torch.dtype,
    device: torch.device,
) -> float | None:
    """L2 relative error of the model against the reference over one index set of every field."""
    predicted, reference = [], []
    for d in sets:
        index = getattr(d, which)
        if not len(index):
            continue
        j = problem.field_names.index(d.name)
        predicted.append(predict(model, d.points[index], dtype, device)[:, j])
        reference.append(d.values[index])
    if not predicted:
        return None
    return relative_l2(np.concatenate(predicted), np.concatenate(reference))


def _per_time(
    model: torch.nn.Module, problem: Problem, sets: list[FieldData], dtype: torch.dtype, device: torch.device
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Time levels, RMS error and relative L2 error at each (scattered times binned into 100)."""
    time = list(problem.coords).index(problem.time)
    ts, e2, r2 = [], [], []
    for d in sets:
        j = problem.field_names.index(d.name)
        ts.append(d.points[:, time])
        e2.append((predict(model, d.points, dtype, device)[:, j] - d.values) ** 2)
        r2.append(d.values**2)
    t, e2, r2 = np.concatenate(ts), np.concatenate(e2), np.concatenate(r2)
    levels, where = np.unique(t, return_inverse=True)
    if len(levels) > 200:  # scattered data: bin the times
        edges = np.linspace(t.min(), t.max(), 101)
        where = np.clip(np.searchsorted(edges, t, side="right") - 1, 0, 99)
        levels = 0.5 * (edges[:-1] + edges[1:])
    count = np.bincount(where, minlength=len(levels))
    keep = count > 0
    se, sr = np.bincount(where, e2, len(levels)), np.bincount(where, r2, len(levels))
    rms = np.sqrt(se[keep] / count[keep])
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(sr[keep] > 0, np.sqrt(se[keep] / sr[keep]), np.nan)
    return levels[keep], rms, rel


@dataclass
class FfnnSettings(StoppingSettings, TrainSettings, CollocationSettings, NetworkSettings):
    """Settings of --method ffnn: the network, the physics term's points and weight, the horizon, the budget."""

    physics_weight: float | None = setting(
        None,
        "weight λ of the physics term (default (t1 - t0)^2 for a time-dependent problem with equations, "
        "else 0: data only)",
    )
    horizon: float | None = setting(
        None, "fraction of the time range whose reference data trains (default 0.5); the rest measures extrapolation"
    )


class FFNN(NeuralMethod, name="ffnn"):
    """An MLP fitted to reference data, with the PINN's residuals as an optional physics term."""

    settings_type = FfnnSettings
    result_type = Solution
    summary = "MLP fitted to reference data, optional physics term"

    def build(self, problem: Problem, settings: FfnnSettings, context: Context) -> Setup:
        """An MLP, the data loss on reference values, and (physics weight > 0) the PINN's residuals."""
        dtype, device, rng = context.dtype, context.device, context.rng
        horizon = resolve_horizon(problem, settings)
        weight, weight_why = default_physics_weight(problem, settings)
        data, source = reference_data(problem, context.grid)
        sets = split(problem, data, horizon, rng)
        for i, d in enumerate(sets):  # --patience / --folds: validation points out of the training points
            mask = held_out(context, len(d.train), "training points", salt=i)
            if mask is not None:
                d.validation, d.train = d.train[mask], d.train[~mask]
        model = Surrogate(problem, settings).to(device=device, dtype=dtype)
        by_name = dict(zip(problem.field_names, problem.fields))
        terms = []
        for d in sets:
            name = f"data_{d.name}" if len(sets) > 1 else "data"
            terms.append(
                LossTerm(
                    name,
                    "data",
                    compile_expression(problem, by_name[d.name]),
                    d.points[d.train],
                    weight_of(settings, name, "data"),
                    target=d.values[d.train],
                )
            )
        physics: list[LossTerm] = []
        if weight > 0:
            physics = equation_terms(problem, settings, rng, balance=True) + condition_terms(problem, settings, rng)
            taken = {t.name for t in terms}
            for t in physics:
                t.weight *= weight
                if t.name in taken:  # the problem's own Data conditions
                    t.name = f"{t.name}_condition"
        objective, engine = make_objective(terms, settings, model, dtype, device)
        if physics:
            residuals, engine = make_objective(physics, settings, model, dtype, device)
            objective = Objectives(objective, residuals)
        choices = {
            "derivatives": engine,
            "data": source,
            "horizon": horizon,
            "physics_weight": weight,
            "physics_weight_why": weight_why,
            "horizon_why": (
                "none: a steady problem"
                if horizon is None
                else "given (--horizon)"
                if settings.horizon is not None
                else "half the time range trains, the rest measures extrapolation (the physics term carries it)"
                if weight > 0
                else "half the time range trains, the rest measures extrapolation (data only: expect drift there)"
            ),
            "train_points": sum(len(d.train) for d in sets),
            "heldout_points": sum(len(d.heldout) for d in sets),
            "extrapolation_points": sum(len(d.beyond) for d in sets),
            "train_points_left_out": sum(d.unused for d in sets),
            "validation_points": sum(len(d.validation) for d in sets),
            "max_train_points": MAX_TRAIN,
            "split": f"{TRAIN_SHARE:.0%} of the points within the horizon train, the rest are held out",
            "weights": {t.name: t.weight for t in terms + physics},
        }
        if physics:
            choices["physics_points"] = {t.name: len(t.points) for t in physics}
        state = {"sets": sets, "source": source, "data": data, "horizon": horizon, "weight": weight}
        setup = Setup(model, objective, choices, budget=BUDGET, state=state)
        if any(len(d.validation) for d in sets):
            setup.validation = _validation_loss(problem, sets, {t.name: t.weight for t in terms}, dtype, device)
            setup.validation_error = lambda m: _l2(m, problem, sets, "validation", dtype, device)
        return setup

    def measure(
        self, problem: Problem, settings: FfnnSettings, context: Context, setup: Setup, result: Solution
    ) -> dict[str, Any]:
        """Errors on the held-out points, over the data range and beyond the horizon; the error against time."""
        trained, dtype, device = setup.model, context.dtype, context.device
        sets, horizon, weight = setup.state["sets"], setup.state["horizon"], setup.state["weight"]
        metrics: dict[str, Any] = {
            "l2_heldout": _l2(trained, problem, sets, "heldout", dtype, device),
            "l2_data_range": _l2(trained, problem, sets, "data_range", dtype, device),
            "l2_extrapolation": _l2(trained, problem, sets, "beyond", dtype, device),
            "errors_against": setup.state["source"],
        }
        if horizon is None:
            metrics["extrapolation"] = "none: the problem is steady (no time coordinate to extrapolate in)"
        elif metrics["l2_extrapolation"] is None:
            metrics["extrapolation"] = "none: --horizon 1 trains on the whole time range"
        if setup.state["data"].exact:
            metrics["reference_l2_vs_exact"] = setup.state["data"].metrics().get("l2_relative_error")
        if horizon is not None:
            levels, rms, rel = _per_time(trained, problem, sets, dtype, device)
            result.diagnostics["error_vs_time"] = {
                "t": levels,
                "curves": {"RMS error": rms, r"relative $L^2$ error at each time": rel},
                "cut": _cut(problem, sets, horizon),
                "ylabel": "error against the reference",
                "title": f"{problem.name} ffnn (physics weight {weight:g}): error against the reference",
                "time_name": problem.time.name,
            }
        return metrics


def _validation_loss(
    problem: Problem, sets: list[FieldData], weights: dict[str, float], dtype: torch.dtype, device: torch.device
) -> Any:
    """The data loss Σ_f w_f mean (u_θ,f − u_f^ref)² at the validation points: the training data loss's units."""
    names = [f"data_{d.name}" if len(sets) > 1 else "data" for d in sets]
    parts = [
        (
            problem.field_names.index(d.name),
            torch.as_tensor(d.points[d.validation], dtype=dtype, device=device),
            torch.as_tensor(d.values[d.validation], dtype=dtype, device=device),
            weights[name],
        )
        for d, name in zip(sets, names)
        if len(d.validation)
    ]

    def loss(model: torch.nn.Module) -> float:
        return float(sum(w * (model(x)[:, j] - y).square().mean() for j, x, y, w in parts))

    return loss


def _cut(problem: Problem, sets: list[FieldData], horizon: float) -> float:
    time = list(problem.coords).index(problem.time)
    t = np.concatenate([d.points[:, time] for d in sets])
    return float(t.min() + horizon * (t.max() - t.min()))
