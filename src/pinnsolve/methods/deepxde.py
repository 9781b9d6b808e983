"""``--method deepxde``: the same problem file, compiled to DeepXDE and trained by it.

DeepXDE (Lu, Meng, Mao & Karniadakis, "DeepXDE: a deep learning library for solving
differential equations", SIAM Review 63, 208, 2021) is the field's standard PINN library. This
method hands it the problem as DeepXDE's own objects — a geometry (× ``TimeDomain`` for evolution
problems), a ``pde(x, y)`` residual, ``DirichletBC``/``NeumannBC``/``RobinBC``/``PeriodicBC``/``IC``/
``PointSetBC`` conditions (`pinnsolve.methods.deepxde_compile` has the full table) — an ``FNN``,
and DeepXDE's training recipe: Adam, then L-BFGS. The loss is DeepXDE's, the soft-constraint PINN
loss of Raissi, Perdikaris & Karniadakis (J. Comput. Phys. 378, 2019) with unit weights,

.. math:: L(θ) = Σ_i \\overline{r_i^2},

one mean squared residual per equation and per condition. The trained network is evaluated on
pinnsolve's evaluation grid into a `Solution`, so the run gets the same metrics, plots and files
as every other method, and ``pinnsolve validate --methods pinn,deepxde`` puts the two side by side.

Install it with ``pip install 'pinnsolve[deepxde]'``. DeepXDE is imported only inside `run` (the
core imports fast without it), after ``DDE_BACKEND=pytorch`` is put into ``os.environ`` when the
variable is unset (DeepXDE reads it at import to choose its backend).

DeepXDE keeps its settings process-wide, which is why it is confined to this module:
``dde.config.set_random_seed(context.seed)`` seeds Python's ``random``, NumPy's global generator and
torch's; ``dde.config.set_default_float`` sets DeepXDE's float type and torch's default dtype; and
DeepXDE makes its tensors on torch's default device, which its import moves to a visible GPU. This
module puts torch's default device back after the import, sets the default dtype and device from
``context`` for the run and restores both when it ends. A run is reproducible for a given seed;
other code in the same process sees the seeded global generators.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import MethodNotApplicable, SettingsError
from pinnsolve.evaluate import ErrorMonitor, evaluate_model
from pinnsolve.methods.contract import Context, Method, Outcome, setting
from pinnsolve.methods.deepxde_compile import Built, plan
from pinnsolve.methods.settings import default_points
from pinnsolve.solution import Solution

__all__ = ["DeepXDEMethod", "DeepXDESettings", "build_model", "deepxde_available", "deepxde_state", "import_deepxde"]

ACTIVATIONS = ["tanh", "sin", "sigmoid", "silu", "swish", "gelu", "elu", "selu", "relu"]
INITIALIZERS = ["Glorot normal", "Glorot uniform", "He normal", "He uniform", "LeCun normal", "LeCun uniform"]
DISTRIBUTIONS = ["Hammersley", "Halton", "Sobol", "LHS", "uniform", "pseudo"]
MISSING = (
    "--method deepxde needs the DeepXDE package, which is not installed in this Python environment. "
    "Install it with: pip install 'pinnsolve[deepxde]' (DeepXDE 1.15.0, run on its PyTorch backend)."
)
#: L-BFGS iterations per DeepXDE training step: one history row each
LBFGS_CHUNK = 100
#: history rows over the Adam phase
ADAM_ROWS = 100


@dataclass
class DeepXDESettings:
    """What a user sets for ``--method deepxde``; defaults are DeepXDE's where it documents one."""

    width: int = setting(32, "hidden units per layer of DeepXDE's FNN")
    depth: int = setting(3, "hidden layers of the FNN")
    activation: str = setting("tanh", "activation of the hidden layers", choices=ACTIVATIONS)
    init: str = setting("Glorot normal", "weight initialiser, by DeepXDE's name", choices=INITIALIZERS)
    points: int | None = setting(
        None,
        "interior collocation points, DeepXDE's num_domain (default: 256, 2048, "
        "4096 or 8192 for 1, 2, 3 or more coordinates, as --method pinn)",
    )
    boundary_points: int | None = setting(
        None,
        "boundary points, DeepXDE's num_boundary (default: points/8, at least 64; the two end points of a 1-D domain)",
    )
    initial_points: int | None = setting(
        None, "initial-time points of an evolution problem, DeepXDE's num_initial (default: as many as boundary points)"
    )
    distribution: str = setting(
        "Hammersley",
        "how DeepXDE places the points, its train_distribution (its default: Hammersley)",
        choices=DISTRIBUTIONS,
    )
    steps: int = setting(2000, "Adam iterations")
    lbfgs_steps: int = setting(
        15000,
        "L-BFGS iterations after Adam, at most (DeepXDE's default maxiter; it stops "
        "earlier once converged); 0 skips L-BFGS",
    )
    lr: float = setting(1e-3, "Adam learning rate (1e-3, as in DeepXDE's examples)")


def deepxde_available() -> bool:
    """Whether ``import deepxde`` can work, without importing it."""
    if "deepxde" in sys.modules:
        return sys.modules["deepxde"] is not None
    return importlib.util.find_spec("deepxde") is not None


def import_deepxde() -> Any:
    """The ``deepxde`` module on its PyTorch backend; a `MethodNotApplicable` saying how to install it."""
    os.environ.setdefault("DDE_BACKEND", "pytorch")
    quiet = io.StringIO()  # DeepXDE announces its backend on import
    device = torch.get_default_device()  # and makes a visible GPU torch's default device
    try:
        with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
            import deepxde
    except ImportError as exc:
        raise MethodNotApplicable(f"{MISSING} (import deepxde failed: {exc})") from exc
    finally:
        _set_default_device(device)
    if deepxde.backend.backend_name != "pytorch":
        raise MethodNotApplicable(
            f"--method deepxde: DeepXDE was loaded with its '{deepxde.backend.backend_name}' backend (DDE_BACKEND="
            f"{os.environ.get('DDE_BACKEND')!r}, or ~/.deepxde/config.json); pinnsolve drives its PyTorch backend. "
            "Set DDE_BACKEND=pytorch, or unset it."
        )
    return deepxde


def _check_settings(s: DeepXDESettings) -> None:
    positive = {
        "width": s.width,
        "depth": s.depth,
        "points": s.points,
        "boundary_points": s.boundary_points,
        "initial_points": s.initial_points,
    }
    for name, value in positive.items():
        if value is not None and (not isinstance(value, int) or value < 1):
            raise SettingsError(f"--{name.replace('_', '-')} {value}: give a whole number of at least 1.")
    for name, value in {"steps": s.steps, "lbfgs_steps": s.lbfgs_steps}.items():
        if not isinstance(value, int) or value < 0:
            raise SettingsError(f"--{name.replace('_', '-')} {value}: give a whole number of at least 0.")
    if not s.lr > 0:
        raise SettingsError(f"--lr {s.lr}: the Adam learning rate must be positive, e.g. --lr 1e-3.")
    for name, value, known in (
        ("activation", s.activation, ACTIVATIONS),
        ("init", s.init, INITIALIZERS),
        ("distribution", s.distribution, DISTRIBUTIONS),
    ):
        if value not in known:
            raise SettingsError(f"--{name} {value!r}: not one of DeepXDE's; choose from {', '.join(known)}.")


@contextlib.contextmanager
def deepxde_state(dde: Any, context: Context) -> Iterator[None]:
    """DeepXDE's process-wide float type, seeds and device for one run; torch's defaults restored after.

    DeepXDE makes its tensors with torch's default dtype and device, so ``--dtype`` and ``--device``
    reach it through them.
    """
    floats = {torch.float64: "float64", torch.float32: "float32"}
    if context.dtype not in floats:
        raise SettingsError(f"--dtype {context.dtype}: DeepXDE trains in float32 or float64; choose one of them.")
    dtype, device = torch.get_default_dtype(), torch.get_default_device()
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # it prints the float type it sets
            dde.config.set_default_float(floats[context.dtype])
        _set_default_device(context.device)
        dde.config.set_random_seed(context.seed)
        yield
    finally:
        torch.set_default_dtype(dtype)
        _set_default_device(device)


def _set_default_device(device: torch.device) -> None:
    """torch's default device; the CPU by removing the device mode, which would tax every torch call."""
    device = torch.device(device)
    if device != torch.get_default_device():
        torch.set_default_device(None if device.type == "cpu" else device)


def _counts(problem: Problem, s: DeepXDESettings) -> tuple[int, int, int]:
    """Interior, boundary and initial point counts (DeepXDE's num_domain, num_boundary, num_initial)."""
    n = s.points or default_points(len(problem.coords))
    nb = s.boundary_points or max(64, n // 8)
    if problem.domain is None or problem.domain.dim == 1 and problem.time is None:
        nb = 2  # the two ends of an interval (DeepXDE then takes each once)
    ni = (s.initial_points or nb) if problem.time is not None and problem.domain is not None else 0
    return n, nb, ni


def build_model(dde: Any, problem: Problem, built: Built, s: DeepXDESettings) -> Any:
    """DeepXDE's ``Model``: its PDE or TimePDE data (points sampled by DeepXDE) and an FNN."""
    n, nb, ni = _counts(problem, s)
    if ni:
        data = dde.data.TimePDE(
            built.geometry,
            built.pde,
            built.conditions,
            num_domain=n,
            num_boundary=nb,
            num_initial=ni,
            train_distribution=s.distribution,
        )
    else:
        data = dde.data.PDE(
            built.geometry,
            built.pde,
            built.conditions,
            num_domain=n,
            num_boundary=nb,
            train_distribution=s.distribution,
        )
    layers = [len(problem.coords)] + [s.width] * s.depth + [len(problem.fields)]
    return dde.Model(data, dde.nn.FNN(layers, s.activation, s.init))


def _recorder(dde: Any, rows: list[dict[str, Any]], names: list[str], monitor: ErrorMonitor, started: float) -> Any:
    """A DeepXDE callback writing one history row each time DeepXDE evaluates its losses."""

    class Recorder(dde.callbacks.Callback):
        phase, lr = "adam", 0.0

        def record(self) -> None:
            state = self.model.train_state
            if rows and rows[-1]["step"] == state.step:
                return
            terms = [float(v) for v in np.ravel(state.loss_train)]
            rows.append(
                {
                    "step": int(state.step),
                    "phase": self.phase,
                    "wall_time_s": time.perf_counter() - started,
                    "loss": float(sum(terms)),
                    **dict(zip(names, terms, strict=True)),
                    "l2_relative_error": monitor(self.model.net) if monitor.available else None,
                    "lr": self.lr,
                }
            )

        def on_train_begin(self) -> None:
            self.record()

        def on_epoch_end(self) -> None:
            steps = self.model.losshistory.steps
            if steps and steps[-1] == self.model.train_state.step:
                self.record()

    return Recorder()


def _train(dde: Any, model: Any, built: Built, s: DeepXDESettings, recorder: Any) -> int:
    """Adam for ``s.steps`` iterations, then L-BFGS (≤ ``s.lbfgs_steps``); returns the Adam steps taken."""
    variables = list(built.unknowns.values()) or None
    if s.steps:
        recorder.phase, recorder.lr = "adam", s.lr
        model.compile("adam", lr=s.lr, external_trainable_variables=variables, verbose=0)
        model.train(iterations=s.steps, display_every=max(1, s.steps // ADAM_ROWS), callbacks=[recorder], verbose=0)
    adam = int(model.train_state.step)
    if s.lbfgs_steps and not getattr(model, "stop_training", False):
        recorder.phase, recorder.lr = "lbfgs", 1.0
        dde.optimizers.set_LBFGS_options(maxiter=s.lbfgs_steps)
        options = dde.optimizers.LBFGS_options  # DeepXDE fixes the chunk size at import; set it for this budget
        options["iter_per_step"] = min(LBFGS_CHUNK, s.lbfgs_steps)
        options["fun_per_step"] = options["maxfun"] * options["iter_per_step"] // options["maxiter"]
        model.compile("L-BFGS", external_trainable_variables=variables, verbose=0)
        model.train(callbacks=[recorder], verbose=0)
    return adam


class DeepXDEMethod(Method, name="deepxde"):
    """The problem compiled to DeepXDE's geometry, PDE and conditions, trained by DeepXDE."""

    settings_type = DeepXDESettings
    result_type = Solution
    summary = "the problem compiled to DeepXDE (PyTorch backend) and trained by it, for a side-by-side check"

    def check(self, problem: Problem, settings: DeepXDESettings) -> None:
        _check_settings(settings)
        plan(problem)
        if not deepxde_available():
            raise MethodNotApplicable(MISSING)

    def run(self, problem: Problem, settings: DeepXDESettings, context: Context) -> Outcome:
        self.check(problem, settings)
        if context.resume:
            raise SettingsError(
                "--resume: a --method deepxde run cannot be continued (DeepXDE keeps no checkpoint "
                "that pinnsolve reads); start it afresh."
            )
        dde = import_deepxde()
        compiled = plan(problem)
        rows: list[dict[str, Any]] = []
        with deepxde_state(dde, context):
            built = compiled.build(dde)
            model = build_model(dde, problem, built, settings)
            device = next(model.net.parameters()).device
            started = time.perf_counter()
            recorder = _recorder(dde, rows, built.names, ErrorMonitor(problem, context.dtype, device), started)
            adam = _train(dde, model, built, settings, recorder)
            train_time = time.perf_counter() - started
            net = model.net.eval()
            solution = evaluate_model(problem, self.name, net, context.grid, context.dtype, device)
        last = rows[-1] if rows else None
        finite = last is None or bool(np.isfinite(last["loss"]))
        steps = int(model.train_state.step)
        metrics: dict[str, Any] = {
            "method": self.name,
            "steps": steps,
            "adam_steps": adam,
            "lbfgs_steps": steps - adam,
            "train_time_s": train_time,
            "final_loss": last["loss"] if last else None,
            "final_terms": {n: last[n] for n in built.names} if last else {},
            "deepxde_version": dde.__version__,
        }
        if built.unknowns:
            metrics["unknowns"] = {n: float(v.detach()) for n, v in built.unknowns.items()}
        n, nb, ni = _counts(problem, settings)
        layers = [len(problem.coords)] + [settings.width] * settings.depth + [len(problem.fields)]
        choices = {
            "engine": f"DeepXDE {dde.__version__}, PyTorch backend",
            "seed": context.seed,
            "float": str(context.dtype).removeprefix("torch."),
            "network": f"FNN {layers}, {settings.activation}, {settings.init}",
            "interior_points": n,
            "boundary_points": nb,
            "initial_points": ni,
            "distribution": settings.distribution,
            "conditions": compiled.describe(),
            "loss": "mean squared residual per term, unit weights (DeepXDE's default)",
            "optimizers": f"Adam (lr {settings.lr:g}, {settings.steps} steps), then "
            + (
                f"L-BFGS (torch.optim.LBFGS, strong Wolfe, at most {settings.lbfgs_steps} iterations)"
                if settings.lbfgs_steps
                else "no L-BFGS"
            ),
        }
        return Outcome(
            result=solution,
            history=rows,
            model=net,
            metrics=metrics,
            choices=choices,
            stop_reason="completed" if finite else "diverged: the loss is not finite",
        )
