"""Reduced-order surrogate: an autoencoder of reference snapshots and latent dynamics, POD beside it.

Snapshots u ∈ ℝⁿ are the free-node states of the finite-difference reference (`snapshots`)
at every output time and, with ``--vary nu=lo:hi:m``, for each of m parameter values; the
Dirichlet nodes are put back from the conditions, so every decoded field satisfies them
exactly. States are normalised as x = (u − ū)/σ (ū the mean snapshot, σ one global scale: the
RMS of u − ū), so the losses weigh every node as the reported L2 errors do.

An encoder E and a decoder D (MLPs of ``--width``/``--depth``, or 1-D convolutions with
``--encoder conv``) compress x to a latent z ∈ ℝᵏ (k = ``--latent``); the latent dynamics
advance z one output step, z^{n+1} = G(z^n, p̂): a residual MLP, z + f(z, p̂[, t̂]), with
``--cell mlp``, or the rnn method's recurrent stepper (``--cell elman|gru|lstm``); by default
the MLP step for one trajectory and the GRU with ``--vary``, p̂ the varied parameter mapped to [-1, 1]. All
are trained together on

.. math:: L = \\overline{|D(E(x)) - x|^2}
        + \\frac{\\overline{|G(E(x^n)) - E(x^{n+1})|^2}}{\\operatorname{var} E(x)}
        + \\overline{|D(G^j(E(x^s))) - x^{s+j}|^2}
        + λ \\, \\overline{|R_{CN}(u^n_θ, u^{n+1}_θ)/F_s|^2}

(terms ``reconstruction``, ``latent``: one step from each encoded snapshot, measured relative to
the latent variance so that shrinking the latent cannot reduce it; ``rollout``: j = 1 … 16
steps from encoded snapshots x^s, s = 0, 16, 32, …, decoded; and, for λ = ``--physics-weight``
> 0, ``physics``: the Crank–Nicolson residual R_CN of each decoded snapshot and the decoded
latent step from it, in units of F_s, the RMS of F(t, u) on the reference; off by default).
The reference is the method of lines at tight tolerances, so the CN residual of the reference
itself is its truncation error, not zero: ``physics_floor`` in metrics.json says how large.

Unseen parameters: with m ≥ 2 values, the m − 1 midpoints between neighbours are solved too
and never train; every error is reported for the training values and for the midpoints. The
problem's own parameter values give the solution (an extra trajectory when they are neither).

The POD baseline (`pod`) at the same k is the best linear (affine) k-dimensional
reconstruction, and its Galerkin projection of the equations the standard intrusive reduced
model. The autoencoder's claim (Lee & Carlberg, J. Comput. Phys. 404, 2020; Fresca, Dede' &
Manzoni, J. Sci. Comput. 87, 2021) is a lower error at small k where the solution manifold is
curved, as Burgers' travelling front makes it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import MethodNotApplicable
from pinnsolve.methods import pod as pod_module
from pinnsolve.methods.base import physics_weight_of
from pinnsolve.methods.contract import Context, setting
from pinnsolve.methods.neural import NeuralMethod, Setup
from pinnsolve.methods.reduced_model import (
    AutoencoderObjective,
    ReducedModel,
    TrajectoryBatch,
    physics_loss,
    physics_systems,
)
from pinnsolve.methods.settings import NetworkSettings, StoppingSettings, TrainSettings
from pinnsolve.methods.validation import held_out
from pinnsolve.nets.autoencoder import ConvAutoencoder, LatentMLPStep, MLPAutoencoder
from pinnsolve.nets.recurrent import CELLS, RecurrentStepper
from pinnsolve.reference import Trajectory, TrajectorySets, trajectory_sets
from pinnsolve.solution import Solution

__all__ = ["Autoencoder", "AutoencoderSettings", "ReducedModel", "physics_loss", "pod_sweep"]

#: (Adam, L-BFGS) steps: Burgers, 8 values of ν (808 snapshots of 399 unknowns), float64, one thread of a
#: loaded 2-core machine: ~3.5 min with the default GRU latent step, ~1.5 min with --cell mlp
BUDGET = (2000, 0)
#: one trajectory (no --vary): 101 snapshots make full-batch L-BFGS cheap; heat2d_neumann (41², k = 1) with the
#: MLP latent step: 1.9e-2 after 4000 Adam steps, 7.8e-3 with 500 L-BFGS iterations after them (77 s)
ONE_TRAJECTORY_BUDGET = (4000, 500)
#: POD reconstruction error of the training snapshots that sets the default latent size, and its cap
LATENT_TOL = 1e-3
MAX_LATENT = 4
PHYSICS_OFF_WHY = (
    "off by default: the snapshots of the whole time range train (no horizon for the equations to carry the "
    "model past), and the Crank-Nicolson residual of the reference itself is its truncation error, not zero"
)
#: POD errors are reported for k = 1 … max(POD_SWEEP, k)
POD_SWEEP = 8
LATENT_STEPS = ("mlp", *CELLS)
#: latent steps of each window of the rollout term
ROLLOUT_WINDOW = 16


def _check_settings(settings: Any) -> float:
    """The physics weight, once every setting that needs no snapshots is checked."""
    k = settings.latent
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 1):
        raise MethodNotApplicable(f"--latent {k}: the latent size must be a whole number ≥ 1, e.g. --latent 4.")
    if settings.cell is not None and settings.cell not in LATENT_STEPS:
        raise MethodNotApplicable(f"--cell {settings.cell}: the latent dynamics are one of {', '.join(LATENT_STEPS)}.")
    if settings.encoder not in ("mlp", "conv"):
        raise MethodNotApplicable(f"--encoder {settings.encoder}: use mlp or conv (1-D grids).")
    return physics_weight_of(settings, 0.0)


def default_latent(data: TrajectorySets) -> tuple[int, str]:
    """k: the fewest POD modes that reconstruct the training snapshots to `LATENT_TOL`, at most `MAX_LATENT`.

    A nonlinear latent needs no more coordinates than the linear modes that already hold the
    snapshots, and extra latent directions the data do not fill are left for the latent dynamics to
    drift in. Where POD needs more than `MAX_LATENT` modes (a travelling front), the curved manifold
    is what the autoencoder is for: k = 4 beats POD at every k ≤ 4 on Burgers (SURROGATES.md).
    """
    snapshots = np.concatenate([t.states for t in data.train])
    most = max(1, min(MAX_LATENT, snapshots.shape[1] - 1))
    basis = pod_module.fit(snapshots)
    for k in range(1, most + 1):
        error = pod_module.relative_error(basis.reconstruct(snapshots, min(k, basis.rank)), snapshots)
        if error <= LATENT_TOL or k >= basis.rank:
            return k, (
                f"{k}: the fewest POD modes of the training snapshots that reconstruct them to {LATENT_TOL:g} "
                f"(relative error {error:.2g})"
            )
    return most, (
        f"{most}: POD needs more than {most} modes to reconstruct the training snapshots to {LATENT_TOL:g} "
        f"(relative error {error:.2g} at k = {most}); the default latent size is at most {MAX_LATENT}"
    )


def _one_or_many(settings: Any) -> tuple[Any, tuple[int, int], str]:
    """The latent step (``--cell``) and the (Adam, L-BFGS) budget by the number of trajectories, and why.

    One trajectory (no ``--vary``): the residual MLP step with the time as input and L-BFGS after
    Adam (heat2d_neumann: GRU and 2000 Adam steps 5.0e-2; MLP step, 4000 Adam + 500 L-BFGS 7.8e-3).
    Several (``--vary``): the GRU step and 2000 Adam steps measured on Burgers (SURROGATES.md).
    """
    many = settings.vary is not None
    cell = settings.cell or ("gru" if many else "mlp")
    budget = BUDGET if many else ONE_TRAJECTORY_BUDGET
    how = (
        f"{cell} latent step, (Adam, L-BFGS) = {budget}: "
        + (
            "several trajectories (--vary), the GRU step and budget measured on Burgers"
            if many
            else "one trajectory: the residual MLP step reading the time, and full-batch L-BFGS after Adam"
        )
        + (" (--cell given)" if settings.cell else "")
    )
    return dataclasses.replace(settings, cell=cell), budget, how


def _check_snapshots(problem: Problem, k: int, settings: Any, data: TrajectorySets) -> None:
    """The latent size against the state's, and the grid against a convolutional encoder."""
    size = data.train[0].evolution.size
    if k >= size:
        raise MethodNotApplicable(
            f"--latent {k} is no reduction: the state of '{problem.name}' has {size} unknowns. "
            f"Give --latent below {size}, e.g. --latent {max(1, min(4, size - 1))}."
        )
    if settings.encoder == "conv":
        blocks = set(data.train[0].evolution.system.sizes.values())
        if len(problem.space) != 1 or len(blocks) != 1:
            what = (
                "has no space coordinate (an ODE system)"
                if not problem.space
                else f"has {len(problem.space)} space coordinates"
                if len(problem.space) > 1
                else "has fields (or rates) with different numbers of free nodes"
            )
            raise MethodNotApplicable(
                f"--encoder conv convolves along a 1-D grid, and '{problem.name}' {what}. Use --encoder mlp."
            )


def _model(settings: Any, data: TrajectorySets, k: int, dtype: torch.dtype, device: torch.device) -> ReducedModel:
    """The networks of ``settings``, the snapshot normalisation, parameters scaled over the training range."""
    train = np.concatenate([t.states for t in data.train])
    mean = train.mean(axis=0)
    scale = float(np.sqrt(np.mean((train - mean) ** 2))) or 1.0
    size = train.shape[1]
    if settings.encoder == "conv":
        channels = len(data.train[0].evolution.system.sizes)
        coder: nn.Module = ConvAutoencoder(
            channels, size // channels, k, settings.width, settings.depth, settings.activation
        )
    else:
        coder = MLPAutoencoder(size, k, settings.width, settings.depth, settings.activation, settings.init)
    values = np.stack([t.parameter_values for t in data.train])
    lo = torch.as_tensor(values.min(axis=0) if values.size else np.zeros(0), dtype=torch.get_default_dtype())
    hi = torch.as_tensor(values.max(axis=0) if values.size else np.zeros(0), dtype=torch.get_default_dtype())
    if settings.cell == "mlp":
        times = None if data.train[0].evolution.autonomous else torch.as_tensor(data.train[0].times)
        dynamics: nn.Module = LatentMLPStep(
            k, lo.numel(), settings.width, settings.depth, settings.activation, lo, hi, torch.ones(k), times
        )
    else:
        dynamics = RecurrentStepper(
            k, lo.numel(), settings.width, settings.cell, torch.zeros(k), torch.ones(k), torch.ones(k), lo, hi
        )
    model = ReducedModel(coder, dynamics, torch.as_tensor(mean), torch.as_tensor(scale))
    return model.to(device=device, dtype=dtype)


@torch.no_grad()
def _predict(model: ReducedModel, batch: TrajectoryBatch) -> tuple[np.ndarray, np.ndarray]:
    """Reconstructed and rolled-out states (M, T, n) of a batch, as numpy arrays."""
    states = batch.states
    reconstructed = model.decode(model.encode(states))
    rolled = model.rollout(states[:, 0], batch.parameters, states.shape[1] - 1)
    return reconstructed.cpu().numpy().astype(float), rolled.cpu().numpy().astype(float)


def pod_sweep(train: list[Trajectory], unseen: list[Trajectory], ks: list[int]) -> dict[str, list]:
    """POD (fitted to the training snapshots) reconstruction and Galerkin rollout errors for each k."""
    snapshots = np.concatenate([t.states for t in train])
    basis = pod_module.fit(snapshots)
    out: dict[str, list] = {
        "k": [],
        "reconstruction_train": [],
        "reconstruction_unseen": [],
        "rollout_train": [],
        "rollout_unseen": [],
        "energy": [],
    }
    for k in ks:
        k_used = min(k, basis.rank)
        out["k"].append(k)
        out["energy"].append(basis.energy(k_used))
        for name, items in (("train", train), ("unseen", unseen)):
            if not items:
                out[f"reconstruction_{name}"].append(None)
                out[f"rollout_{name}"].append(None)
                continue
            reference = np.concatenate([t.states for t in items])
            out[f"reconstruction_{name}"].append(
                pod_module.relative_error(basis.reconstruct(reference, k_used), reference)
            )
            rolled = [
                pod_module.galerkin_rollout(basis, k_used, t.evolution, t.times, t.states[0], rtol=1e-6, atol=1e-8)
                for t in items
            ]
            out[f"rollout_{name}"].append(pod_module.relative_error(np.concatenate(rolled), reference))
    return out


@dataclass
class AutoencoderSettings(StoppingSettings, TrainSettings, NetworkSettings):
    """Settings of --method autoencoder: coder networks, latent size and dynamics, varied parameter, budget."""

    latent: int | None = setting(
        None, "latent size k (default: the fewest POD modes reconstructing the snapshots to 1e-3, at most 4)"
    )
    encoder: str = setting("mlp", "mlp, or conv (1-D convolutions along a grid)", choices=["mlp", "conv"])
    cell: str | None = setting(
        None,
        "rnn: recurrent cell; autoencoder: latent dynamics (mlp or a cell; its default: mlp for one trajectory, "
        "gru with --vary)",
        choices=list(LATENT_STEPS),
    )
    vary: str | None = setting(None, "snapshots over a parameter range, e.g. nu=0.005:0.05:8 (midpoints held out)")
    physics_weight: float | None = setting(None, "weight of the Crank-Nicolson physics term (default 0: off)")


class Autoencoder(NeuralMethod, name="autoencoder"):
    """Autoencoder of reference snapshots with latent dynamics; the POD baseline beside it."""

    settings_type = AutoencoderSettings
    result_type = Solution
    summary = "autoencoder of snapshots + latent dynamics, POD baseline beside it"

    def build(self, problem: Problem, settings: AutoencoderSettings, context: Context) -> Setup:
        """Snapshots, the autoencoder with its latent dynamics, and the loss."""
        dtype, device = context.dtype, context.device
        weight = _check_settings(settings)
        settings, budget, how = _one_or_many(settings)
        data = trajectory_sets(problem, context.grid, "autoencoder", settings.vary, hold_out_midpoints=True)
        k, latent_why = (settings.latent, "given (--latent)") if settings.latent is not None else default_latent(data)
        _check_snapshots(problem, k, settings, data)
        mask = held_out(context, len(data.train), "trajectories")  # --patience / --folds: whole trajectories
        held = [t for t, m in zip(data.train, mask) if m] if mask is not None else []
        if held:
            data = dataclasses.replace(data, train=[t for t, m in zip(data.train, mask) if not m])
        model = _model(settings, data, k, dtype, device)
        train = TrajectoryBatch(data.train, dtype, device)
        unseen = TrajectoryBatch(data.unseen, dtype, device) if data.unseen else None
        own = TrajectoryBatch([data.own], dtype, device)
        weights = {"reconstruction": 1.0, "latent": 1.0, "rollout": 1.0}
        physics = None
        if weight > 0:
            weights["physics"] = weight
            physics = physics_systems(data.train, device)
        objective = AutoencoderObjective(train, weights, ROLLOUT_WINDOW, model.mean, model.scale, physics)

        def rollout_error(trained: ReducedModel) -> float:
            _, rolled = _predict(trained, own)
            return pod_module.relative_error(rolled[0], data.own.states)

        choices = {
            "latent": k,
            "latent_why": latent_why,
            "encoder": settings.encoder,
            "latent_dynamics": settings.cell,
            "physics_weight": weight,
            "physics_weight_why": PHYSICS_OFF_WHY if settings.physics_weight is None else "given (--physics-weight)",
            "weights": weights,
            "snapshots": sum(len(t.times) for t in data.train),
            "state_size": train.states.shape[-1],
            "grid": {a.name: a.n for a in data.own.grid.axes} | {problem.time.name: len(data.own.times)},
            "varied": data.parameter,
            "own_parameters": data.own_role,
            "train_parameters": [t.parameters.get(data.parameter) for t in data.train] if data.parameter else [],
            "unseen_parameters": [t.parameters[data.parameter] for t in data.unseen],
            "normalisation": "x = (u - mean snapshot) / RMS of (u - mean snapshot)",
            "unseen": "midpoints between neighbouring --vary values, never trained on",
            "rollout_window": objective.window,
            "pod": "mean-subtracted SVD of the training snapshots; Galerkin rollout with solve_ivp (LSODA)",
        }
        state = {
            "data": data,
            "train": train,
            "unseen": unseen,
            "own": own,
            "physics": physics,
            "rollout_error": rollout_error,
            "latent": k,
        }
        choices["latent_dynamics_and_budget_why"] = how
        setup = Setup(model, objective, choices, budget=budget, error=rollout_error, state=state)
        if held:
            choices["validation_parameters"] = [t.parameters.get(data.parameter) for t in held]
            batch = TrajectoryBatch(held, dtype, device)
            check = AutoencoderObjective(
                batch, {n: 1.0 for n in weights if n != "physics"}, ROLLOUT_WINDOW, model.mean, model.scale
            )
            setup.validation = lambda m: float(sum(check(m).values()))
            setup.validation_error = lambda m: pod_module.relative_error(
                _predict(m, batch)[1], batch.states.cpu().numpy().astype(float)
            )
        return setup

    def result(self, problem: Problem, settings: AutoencoderSettings, context: Context, setup: Setup) -> Solution:
        """The decoded latent rollout from the problem's own initial state, on the reference grid."""
        _, rolled = _predict(setup.model, setup.state["own"])
        return setup.state["data"].own.solution(rolled[0], "autoencoder")

    def measure(
        self, problem: Problem, settings: AutoencoderSettings, context: Context, setup: Setup, result: Solution
    ) -> dict[str, Any]:
        """Reconstruction and rollout errors (training and unseen parameters) beside POD's at every k."""
        s, trained = setup.state, setup.model
        k = s["latent"]
        data, physics = s["data"], s["physics"]
        metrics: dict[str, Any] = {
            "latent": k,
            "ae_rollout_own": s["rollout_error"](trained),
            "own_parameters": data.own_role,
        }
        for name, batch in (("train", s["train"]), ("unseen", s["unseen"])):
            if batch is None:
                metrics[f"ae_reconstruction_{name}"] = metrics[f"ae_rollout_{name}"] = None
                continue
            reconstructed, rolled = _predict(trained, batch)
            reference = batch.states.cpu().numpy().astype(float)
            metrics[f"ae_reconstruction_{name}"] = pod_module.relative_error(reconstructed, reference)
            metrics[f"ae_rollout_{name}"] = pod_module.relative_error(rolled, reference)
        if s["unseen"] is None:
            metrics["unseen"] = "none: give --vary with two values or more to test on their midpoints"
        sweep = pod_sweep(data.train, data.unseen, list(range(1, max(POD_SWEEP, k) + 1)))
        at = sweep["k"].index(k)
        for key in ("reconstruction_train", "reconstruction_unseen", "rollout_train", "rollout_unseen"):
            metrics[f"pod_{key}"] = sweep[key][at]
        metrics["pod_vs_k"] = sweep
        if physics is not None:
            states = torch.as_tensor(
                np.stack([t.states for t in data.train]), dtype=torch.float64, device=context.device
            )
            metrics["physics_floor"] = float(physics_loss(states[:, :-1], states[:, 1:], data.train, physics)) ** 0.5
        result.diagnostics["error_vs_latent"] = {
            "sweep": sweep,
            "points": {
                str(k): {
                    key: metrics.get(key)
                    for key in (
                        "ae_reconstruction_train",
                        "ae_reconstruction_unseen",
                        "ae_rollout_train",
                        "ae_rollout_unseen",
                    )
                }
            },
            "title": f"{problem.name}: autoencoder (k = {k}, {settings.encoder}, {setup.choices['latent_dynamics']}) "
            "and POD",
        }
        return metrics
