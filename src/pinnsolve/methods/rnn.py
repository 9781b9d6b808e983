"""A recurrent time-stepper on the reference grid: the state u^n → u^{n+1}.

The data are the finite-difference reference of the problem, stepped by Crank–Nicolson
with one step per output time (`reference.theta`), as a sequence of states on the grid
(`snapshots`). A recurrent cell (Elman, GRU or LSTM, `nets.recurrent`) reads the state and
the problem's parameters and predicts the next state. Three losses, selectable and
combinable (``--losses teacher,rollout,physics``):

* ``teacher``: one-step data loss, each step fed the true state (teacher forcing);
* ``rollout``: multi-step data loss, each step fed the previous prediction, from u^0;
* ``physics``: the residual of the discretised equations between consecutive predicted
  states, the same stencils as the reference with Crank–Nicolson in time
  (`reference.torch_system`): zero on the reference itself, and needing no data, so it
  applies beyond the training horizon too.

Data losses use the first ``horizon`` of the time range (by default all of it: a stepper
trained on half the range of a decaying solution meets states far smaller than any it saw,
and its rollout error passes 100 % there, physics loss or not; validation/SURROGATES.md); the
rollout is evaluated over the whole range, so with ``--horizon`` below 1 the error beyond the
horizon measures extrapolation in time. ODEs and ODE systems are sequences of one-node states.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import MethodNotApplicable
from pinnsolve.methods.base import horizon_of, physics_weight_of
from pinnsolve.methods.contract import Context, setting
from pinnsolve.methods.neural import NeuralMethod, Setup
from pinnsolve.methods.settings import StoppingSettings, TrainSettings
from pinnsolve.methods.validation import held_out
from pinnsolve.nets.recurrent import CELLS, RecurrentStepper
from pinnsolve.reference import TorchSystem, Trajectory, horizon_index, parse_vary, trajectory_sets
from pinnsolve.results.measure import relative_l2
from pinnsolve.solution import Solution

__all__ = ["LOSSES", "RNN", "RnnSettings"]

LOSSES = ("teacher", "rollout", "physics")
DEFAULT_LOSSES = "teacher,rollout"
#: Adam steps, L-BFGS iterations
BUDGET = (1000, 300)
HORIZON_WHY = (
    "1, the whole time range: the reference covers it, and a stepper does not extrapolate past the states it "
    "was trained on (heat1d, horizon 0.5: rollout error above 100 % by t = 0.65, with or without the physics loss)"
)
PHYSICS_OFF_WHY = (
    "off by default: the Crank-Nicolson loss did not lower heat1d's error over the whole range "
    "(6.8e-3 without, 7.8e-3 with, horizon 0.5; validation/SURROGATES.md)"
)


def parse_losses(text: str | None) -> list[str]:
    names = [n.strip() for n in (text or DEFAULT_LOSSES).split(",") if n.strip()]
    unknown = [n for n in names if n not in LOSSES]
    if unknown or not names:
        raise MethodNotApplicable(
            f"--losses {text}: the rnn's losses are {', '.join(LOSSES)} (any of them, "
            "comma-separated), e.g. --losses teacher,rollout,physics."
        )
    return list(dict.fromkeys(names))


def block_scales(trajectory: Trajectory, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per state component: the mean and the spread of its block (one field or rate) over ``states``.

    One number per block, not per node: a node next to a Dirichlet boundary hardly varies,
    and dividing by its own spread would magnify noise there.
    """
    system = trajectory.evolution.system
    mean, scale = np.zeros(system.size), np.ones(system.size)
    for block in system.blocks:
        part = slice(system.offsets[block], system.offsets[block] + system.sizes[block])
        values = states[..., part]
        mean[part] = values.mean()
        scale[part] = max(float(values.std()), 1e-12 * (1 + float(np.abs(values).max())))
    return mean, scale


@dataclass
class Sequences:
    """The training data as tensors: states (B, T, size), parameters (B, p), the horizon index; the
    mean and spread of each state block and the spread of one step's change, over the data within
    the horizon; and the discretised equations of each trajectory."""

    trajectories: list[Trajectory]
    states: torch.Tensor
    parameters: torch.Tensor
    end: int
    mean: torch.Tensor
    scale: torch.Tensor
    step_scale: torch.Tensor
    systems: list[TorchSystem]


class RecurrentObjective:
    """The selected losses of a recurrent stepper over the training trajectories."""

    def __init__(self, data: Sequences, losses: list[str], physics_weight: float) -> None:
        self.data = data
        self.losses = losses
        self.physics_weight = physics_weight
        self.names = list(losses)

    def __call__(self, model: RecurrentStepper) -> dict[str, torch.Tensor]:
        d = self.data
        terms: dict[str, torch.Tensor] = {}
        target = d.states[:, 1 : d.end + 1]
        if "teacher" in self.losses:
            predicted = model.teacher_forced(d.states[:, : d.end], d.parameters)
            terms["teacher"] = ((predicted - target) / d.scale).square().mean()
        if "rollout" in self.losses or "physics" in self.losses:
            steps = d.states.shape[1] - 1 if "physics" in self.losses else d.end
            rolled = model.rollout(d.states[:, 0], d.parameters, steps)
            if "rollout" in self.losses:
                terms["rollout"] = ((rolled[:, 1 : d.end + 1] - target) / d.scale).square().mean()
            if "physics" in self.losses:
                terms["physics"] = self.physics_weight * self._physics(rolled)
        return terms

    def _physics(self, rolled: torch.Tensor) -> torch.Tensor:
        """Mean squared Crank–Nicolson defect of consecutive rolled-out states, over the whole time range.

        The defect (`TorchSystem.step_defect`: the discrete residual through the implicit part
        of the step) is a mismatch of states, measured in the state's spread like the data
        losses, so that one weight balances them; the raw residual would weigh a grid-scale
        wiggle 4/h² times more than a smooth error and drown the data terms.
        """
        total = rolled.new_zeros(())
        for b, (trajectory, system) in enumerate(zip(self.data.trajectories, self.data.systems)):
            defect = system.step_defect(rolled[b], trajectory.times)
            total = total + (defect / self.data.scale).square().mean()
        return total / len(self.data.trajectories)


def _tensor(array: np.ndarray, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    return torch.as_tensor(np.asarray(array, dtype=float), dtype=dtype, device=device)


def _sequences(train: list[Trajectory], end: int, dtype: torch.dtype, device: torch.device) -> Sequences:
    states = np.stack([tr.states for tr in train])
    mean, scale = block_scales(train[0], states[:, : end + 1])
    _, step_scale = block_scales(train[0], np.diff(states[:, : end + 1], axis=1))
    parameters = np.stack([tr.parameter_values for tr in train])
    as_tensor = lambda a: _tensor(a, dtype, device)  # noqa: E731
    return Sequences(
        train,
        as_tensor(states),
        as_tensor(parameters),
        end,
        as_tensor(mean),
        as_tensor(scale),
        as_tensor(step_scale),
        [TorchSystem(tr.evolution, dtype, device) for tr in train],
    )


def relative_errors(trajectory: Trajectory, predicted: np.ndarray) -> np.ndarray:
    """‖u_pred(t) − u_ref(t)‖ / ‖u_ref(t)‖ at each output time (full fields on the grid)."""
    ref = trajectory.field_values(trajectory.states)
    got = trajectory.field_values(predicted)
    return np.linalg.norm(got - ref, axis=1) / np.maximum(np.linalg.norm(ref, axis=1), 1e-300)


def l2_over(trajectory: Trajectory, predicted: np.ndarray, times: slice, against: np.ndarray | None = None) -> float:
    """L2 relative error over a range of time levels (of the fields), against the reference or ``against``."""
    ref = trajectory.field_values(trajectory.states)[times] if against is None else against[times]
    return relative_l2(trajectory.field_values(predicted)[times], ref)


class RecurrentSurrogate:
    """Rolls a trained stepper out from a trajectory's initial state (numpy in, numpy out)."""

    def __init__(self, dtype: torch.dtype, device: torch.device) -> None:
        self.dtype, self.device = dtype, device

    def __call__(self, model: RecurrentStepper, trajectory: Trajectory) -> np.ndarray:
        y0 = _tensor(trajectory.states[:1], self.dtype, self.device)
        p = _tensor(trajectory.parameter_values[None, :], self.dtype, self.device)
        with torch.no_grad():
            return model.rollout(y0, p, len(trajectory.times) - 1)[0].cpu().double().numpy()


@dataclass
class RnnSettings(StoppingSettings, TrainSettings):
    """Settings of --method rnn: the cell and its width, the losses, the horizon, the varied parameter."""

    width: int = setting(32, "hidden units per layer (rnn: of the recurrent cell)")
    cell: str = setting(
        "gru",
        "rnn: recurrent cell; autoencoder: latent dynamics (mlp or a cell; its default: mlp for one trajectory, "
        "gru with --vary)",
        choices=list(CELLS),
    )
    losses: str | None = setting(None, "loss terms, any of teacher,rollout,physics (default teacher,rollout)")
    physics_weight: float | None = setting(
        None, "weight of the physics loss (default 1 when physics is among --losses)"
    )
    horizon: float | None = setting(
        None, "fraction of the time range whose reference data trains (default 1: the whole range)"
    )
    vary: str | None = setting(None, "trajectories over a parameter range, e.g. nu=0.005:0.05:8")


def _physics_weight_with_losses(settings: RnnSettings, losses: list[str]) -> float:
    """The physics loss weight, adding the physics term to ``losses`` when its weight alone was asked for.

    A positive --physics-weight with no --losses asks for the physics term; with --losses leaving it
    out, or a weight ≤ 0 with the term in, the settings contradict each other and are refused.
    """
    physics_weight = physics_weight_of(settings, 1.0)
    if settings.physics_weight is not None and physics_weight > 0 and "physics" not in losses:
        if settings.losses is not None:
            raise MethodNotApplicable(
                f"--physics-weight {physics_weight} weighs the physics loss, and --losses "
                f"{settings.losses} leaves it out: add physics to --losses, or drop "
                "--physics-weight."
            )
        losses.append("physics")  # asking for its weight asks for the term
    if "physics" in losses and physics_weight <= 0:
        raise MethodNotApplicable(
            f"--losses includes physics with --physics-weight {physics_weight}: give a "
            "positive weight, or leave physics out of --losses."
        )
    return physics_weight


def _stepper(
    size: int,
    data: Sequences,
    width: int,
    cell: str,
    varied: tuple[str, np.ndarray] | None,
    dtype: torch.dtype,
    device: torch.device,
) -> RecurrentStepper:
    """The recurrent stepper for states of ``size`` values, normalised by the training sequences' statistics;
    with a varied parameter, its range [lo, hi] scales the parameter input."""
    lo = hi = None
    if varied is not None:
        lo, hi = _tensor([varied[1].min()], dtype, device), _tensor([varied[1].max()], dtype, device)
    return RecurrentStepper(
        size,
        data.parameters.shape[1],
        width,
        cell,
        data.mean,
        data.scale,
        data.step_scale,
        lo,
        hi,
    ).to(device=device, dtype=dtype)


class RNN(NeuralMethod, name="rnn"):
    """A recurrent time-stepper u^n → u^{n+1} on the reference grid, evaluated by rollout from u^0."""

    settings_type = RnnSettings
    result_type = Solution
    summary = "recurrent time-stepper on the reference grid"

    def build(self, problem: Problem, settings: RnnSettings, context: Context) -> Setup:
        """A recurrent stepper, its losses, and its evaluation by rollout from the initial state."""
        dtype, device, grid = context.dtype, context.device, context.grid
        losses = parse_losses(settings.losses)
        cell = settings.cell
        if cell not in CELLS:
            raise MethodNotApplicable(
                f"--cell {cell} is not a recurrent cell; the rnn takes one of {', '.join(CELLS)} (default gru)."
            )
        horizon = horizon_of(settings) if settings.horizon is not None else 1.0
        physics_weight = _physics_weight_with_losses(settings, losses)
        sets = trajectory_sets(problem, grid, "rnn", settings.vary, scheme="cn")
        train, own = sets.train, sets.own
        mask = held_out(context, len(train), "trajectories")  # --patience / --folds: whole trajectories validate
        held = [tr for tr, m in zip(train, mask) if m] if mask is not None else []
        train = [tr for tr, m in zip(train, mask) if not m] if held else train
        end = horizon_index(own.times, horizon)
        data = _sequences(train, end, dtype, device)
        varied = parse_vary(settings.vary, problem)
        model = _stepper(own.evolution.size, data, settings.width, cell, varied, dtype, device)
        objective = RecurrentObjective(data, losses, physics_weight)
        roll = RecurrentSurrogate(dtype, device)

        def error(m: torch.nn.Module) -> float:
            return l2_over(own, roll(m, own), slice(None))

        choices = {
            "data": "finite-difference reference, Crank-Nicolson with one step per output time",
            "grid": {**{a.name: a.n for a in own.grid.axes}, own.problem.time.name: len(own.times)},
            "state_size": own.evolution.size,
            "cell": cell,
            "hidden": settings.width,
            "losses": losses,
            "physics_weight": physics_weight if "physics" in losses else 0.0,
            "horizon": horizon,
            "horizon_why": "given (--horizon)" if settings.horizon is not None else HORIZON_WHY,
            "physics_why": ("asked for (--losses or --physics-weight)" if "physics" in losses else PHYSICS_OFF_WHY),
            "training_horizon_t": float(own.times[end]),
            "trajectories": [tr.parameters for tr in train] if varied else 1,
        }
        state = {"roll": roll, "own": own, "train": train, "end": end}
        setup = Setup(model, objective, choices, budget=BUDGET, error=error, state=state)
        if held:
            choices["validation_trajectories"] = [tr.parameters for tr in held]
            _validate(setup, held, data, losses, roll, end, dtype, device)
        return setup

    def result(self, problem: Problem, settings: RnnSettings, context: Context, setup: Setup) -> Solution:
        """The rollout from the problem's own initial state, as fields on the reference grid."""
        own = setup.state["own"]
        return own.solution(setup.state["roll"](setup.model, own), "rnn")

    def measure(
        self, problem: Problem, settings: RnnSettings, context: Context, setup: Setup, result: Solution
    ) -> dict[str, Any]:
        s = setup.state
        metrics, growth = _report(setup.model, s["roll"], s["own"], s["train"], s["end"])
        own = s["own"]
        result.diagnostics["error_growth"] = {
            "t": own.times,
            "curves": {"rollout": growth},
            "cut": float(own.times[s["end"]]),
            "ylabel": None,
            "title": f"{own.problem.name}: rnn rollout from the initial state",
            "time_name": None,
        }
        return metrics


def _validate(
    setup: Setup,
    held: list[Trajectory],
    data: Sequences,
    losses: list[str],
    roll: RecurrentSurrogate,
    end: int,
    dtype: torch.dtype,
    device: torch.device,
) -> None:
    """The validation loss (the data losses on held-out trajectories, in the training data's units) and the
    rollout error on them within the horizon, into ``setup``."""
    held_data = dataclasses.replace(
        _sequences(held, end, dtype, device), mean=data.mean, scale=data.scale, step_scale=data.step_scale
    )
    objective = RecurrentObjective(held_data, [n for n in losses if n != "physics"] or ["rollout"], 0.0)
    setup.validation = lambda m: float(sum(objective(m).values()))
    setup.validation_error = lambda m: float(np.mean([l2_over(tr, roll(m, tr), slice(0, end + 1)) for tr in held]))


def _split_errors(trajectory: Trajectory, predicted: np.ndarray, end: int) -> dict[str, Any]:
    """One trajectory's parameters and its rollout error within and beyond the training horizon."""
    beyond = l2_over(trajectory, predicted, slice(end + 1, None)) if end + 1 < len(trajectory.times) else None
    return {
        **trajectory.parameters,
        "l2_training_horizon": l2_over(trajectory, predicted, slice(0, end + 1)),
        "l2_beyond_horizon": beyond,
    }


def _report(
    model: RecurrentStepper, roll: RecurrentSurrogate, own: Trajectory, train: list[Trajectory], end: int
) -> tuple[dict[str, Any], np.ndarray]:
    """Errors over the training horizon and beyond it (against the reference and, where known, the exact
    solution), the physics residual of the rollout, and the relative error at each output time."""
    predicted = roll(model, own)
    within, beyond = slice(0, end + 1), slice(end + 1, None)
    out: dict[str, Any] = {
        "compared_with_reference": "the Crank-Nicolson reference on the same grid",
        "l2_training_horizon": l2_over(own, predicted, within),
        "l2_beyond_horizon": l2_over(own, predicted, beyond) if end + 1 < len(own.times) else None,
        "training_horizon_t": float(own.times[end]),
    }
    exact = own.solution(own.states, "reference").exact
    if exact:
        values = np.concatenate(
            [exact[name].reshape(-1, len(own.times)).T for name in own.problem.field_names if name in exact], axis=1
        )
        if values.shape[1] == own.field_values(own.states).shape[1]:
            out["l2_training_horizon_exact"] = l2_over(own, predicted, within, values)
            if end + 1 < len(own.times):
                out["l2_beyond_horizon_exact"] = l2_over(own, predicted, beyond, values)
    system = TorchSystem(own.evolution)
    with torch.no_grad():
        y = torch.as_tensor(predicted)
        residual = system.sequence_residual(y, own.times)
        rates = torch.as_tensor(np.diff(own.states, axis=0) / own.dt)
    out["physics_residual_relative"] = float(residual.norm() / rates.norm().clamp_min(1e-300))
    growth = relative_errors(own, predicted)
    if len(train) > 1:
        out["trajectories"] = [_split_errors(tr, roll(model, tr), end) for tr in train]
    return out, growth
