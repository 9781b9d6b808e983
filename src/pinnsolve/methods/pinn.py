"""Physics-informed neural network (Raissi, Perdikaris & Karniadakis, J. Comput. Phys. 378, 2019).

An MLP u_θ(x, t) minimises

.. math:: L(θ) = Σ_i w_i \\, \\overline{r_i^2}

over the equation residuals at interior collocation points and the condition residuals
(Dirichlet, Neumann, Robin, initial, periodic, data) at boundary, initial and data points:
all conditions are soft constraints. An initial value problem in time alone (an ODE system) is
the exception at the default ``--constraints auto``: its initial values are built in, its outputs
scaled and its residual weighted causally in time (`pinnsolve.methods.initial_value`).
``--loss-weights`` multiplies the terms by adaptive weights λ_i while first-order optimizers run
(learning-rate annealing or ReLoBRaLo, `pinnsolve.residual.loss_weights`; ``auto`` chooses per
problem class, `pinnsolve.methods.adaptive_weights`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pinnsolve.dsl.problem import Problem
from pinnsolve.dsl.symbols import field_name
from pinnsolve.errors import MethodNotApplicable, SettingsError
from pinnsolve.methods import initial_value as ivp
from pinnsolve.methods.adaptive_weights import CHOICES as LOSS_WEIGHTS
from pinnsolve.methods.adaptive_weights import choose_loss_weights
from pinnsolve.methods.base import equation_terms, make_objective, point_counts
from pinnsolve.methods.condition_terms import TermContext, loss_terms
from pinnsolve.methods.contract import Context, setting
from pinnsolve.methods.neural import NeuralMethod, Setup
from pinnsolve.methods.rar import RAR_EVERY, RAR_FRACTION, RAR_POOL, plan_refinement
from pinnsolve.methods.settings import CollocationSettings, NetworkSettings, TrainSettings
from pinnsolve.methods.surrogate import Surrogate, TrialSurrogate
from pinnsolve.residual import TaylorEngine
from pinnsolve.residual.objective import LossTerm
from pinnsolve.solution import Solution


def _numbered(terms: list[LossTerm]) -> list[LossTerm]:
    """Give repeated names a number: bc1, bc2, ... (single ones stay plain)."""
    counts: dict[str, int] = {}
    for t in terms:
        counts[t.name] = counts.get(t.name, 0) + 1
    seen: dict[str, int] = {}
    for t in terms:
        if counts[t.name] > 1:
            seen[t.name] = seen.get(t.name, 0) + 1
            t.name = f"{t.name}{seen[t.name]}"
    return terms


def condition_terms(problem: Problem, settings: Any, rng: np.random.Generator) -> list[LossTerm]:
    """Soft-constraint residuals for every condition of the problem (`pinnsolve.methods.condition_terms`)."""
    _, nb = point_counts(problem, settings)
    context = TermContext(problem, settings, rng, nb)
    return _numbered([t for c in problem.conditions for t in loss_terms(c, context)])


@dataclass
class PinnSettings(TrainSettings, CollocationSettings, NetworkSettings):
    """Settings of --method pinn: the network, the collocation points and weights, the training budget."""

    constraints: str = setting(
        "auto",
        "how conditions enter: soft (all in the loss), hard (initial values built in, ODE systems in time alone), "
        "auto (hard for an initial value problem in time alone, else soft)",
        choices=["auto", "soft", "hard"],
    )
    causal: float | None = setting(
        None,
        "causal weighting ε of the residual in time, 0 for off (default: 1 for an ODE initial value problem, else off)",
    )
    rar: str = setting(
        "auto",
        "residual-based adaptive collocation (RAR-D, Wu et al. 2023): every --rar-every Adam steps add --rar-points "
        "interior points drawn with probability ∝ |r|/mean|r| + 1 from --rar-pool random candidates; "
        "auto: on for nonlinear evolution equations (steep fronts, e.g. Burgers), else off",
        choices=["auto", "on", "off"],
    )
    rar_every: int | None = setting(None, f"Adam steps between rounds of added points (default {RAR_EVERY})")
    rar_points: int | None = setting(None, f"points added per round (default {RAR_FRACTION:g} × the interior points)")
    rar_pool: int | None = setting(None, f"random candidates per round (default {RAR_POOL} × the interior points)")
    loss_weights: str = setting(
        "auto",
        "adaptive loss weights while first-order optimizers run: annealing (Wang et al. 2021: each condition's "
        "mean gradient brought to the residual's largest, every 100 steps; annealing-scaled: as the authors' code, "
        "λ settling at the root of that ratio), relobralo (Bischof & Kraus 2021), "
        "fixed (the --weight values), auto (chosen per problem class; config.json says which and why)",
        choices=LOSS_WEIGHTS,
    )


#: Adam and L-BFGS steps for an ODE initial value problem: the causal weights open the range in ~1500 steps
IVP_BUDGET = (3000, 2000)


def hard_initial_values(problem: Problem, settings: PinnSettings) -> bool:
    """Whether the initial values are built in: --constraints hard, or auto on an initial value problem."""
    if settings.constraints == "hard" and not ivp.is_initial_value_problem(problem):
        raise MethodNotApplicable(
            f"--constraints hard builds in initial values of ODE systems in time alone, and problem '{problem.name}' "
            "has space coordinates, boundary conditions, data or unknowns. Use --constraints soft, or --method trial "
            "for Dirichlet and initial conditions built in on intervals and boxes."
        )
    return settings.constraints == "hard" or (settings.constraints == "auto" and ivp.is_initial_value_problem(problem))


def causal_eps(settings: PinnSettings, default: float) -> float:
    """--causal (``default`` when not given), checked to be finite and ≥ 0."""
    eps = default if settings.causal is None else float(settings.causal)
    if not np.isfinite(eps) or eps < 0:
        raise SettingsError(f"--causal {settings.causal} must be a finite number ≥ 0 (0: off; e.g. --causal 1).")
    return eps


def adaptive(problem: Problem, settings: PinnSettings, context: Context, objective: Any, n: int) -> tuple[Any, Any]:
    """The RAR-D callback (None when off) and its config.json record (`pinnsolve.methods.rar`)."""
    distributed = context.extra.get("group") is not None
    return plan_refinement(problem, settings, objective, n, context.seed, distributed)


class PINN(NeuralMethod, name="pinn"):
    """Physics-informed network: every condition a term of the loss, except the initial values of an ODE
    initial value problem, which are built in (`pinnsolve.methods.initial_value`)."""

    settings_type = PinnSettings
    result_type = Solution
    summary = "physics-informed neural network, every condition in the loss (Raissi et al. 2019)"

    def build(self, problem: Problem, settings: PinnSettings, context: Context) -> Setup:
        """An MLP and the soft-constraint PINN objective for ``problem`` (initial values built in for ODE systems)."""
        if hard_initial_values(problem, settings):
            return self.build_initial_value(problem, settings, context)
        dtype, device, rng = context.dtype, context.device, context.rng
        model = Surrogate(problem, settings).to(device=device, dtype=dtype)
        terms = equation_terms(problem, settings, rng, balance=True) + condition_terms(problem, settings, rng)
        eps = causal_eps(settings, 0.0)
        causal = ivp.causal_weights(problem, eps)
        rule, chosen = choose_loss_weights(problem, settings, terms, context.seed)
        objective, engine = make_objective(terms, settings, model, dtype, device, causal, rule)
        n, nb = point_counts(problem, settings)
        refine, rar_choice = adaptive(problem, settings, context, objective, n)
        return Setup(
            model,
            objective,
            {
                "derivatives": engine,
                "interior_points": n,
                "boundary_points": nb,
                "constraints": "soft (all conditions in the loss)",
                "weights": {t.name: t.weight for t in terms},
                "causal": {"eps": eps, "bins": causal.bins} if causal is not None else "off",
                "adaptive_points": rar_choice,
                "loss_weights": chosen,
            },
            callbacks=[refine] if refine is not None else [],
        )

    def build_initial_value(self, problem: Problem, settings: PinnSettings, context: Context) -> Setup:
        """u = u₀ + S·(t − t₀)/(t₁ − t₀)·N(t), residuals in units of S, causal weights (`initial_value`)."""
        dtype, device, rng = context.dtype, context.device, context.rng
        coarse, failure = ivp.coarse_integration(problem)
        scales = ivp.output_scales(problem, coarse)
        parts = ivp.scaled_trial_parts(problem, scales)
        names = problem.field_names
        model = TrialSurrogate(
            Surrogate(problem, settings), [parts[n][0] for n in names], [parts[n][1] for n in names], problem.coords
        ).to(device=device, dtype=dtype)
        terms = equation_terms(problem, settings, rng)
        for term, residual in zip(terms, problem.residuals):
            if term.name not in settings.weights and "pde" not in settings.weights:
                term.weight = 1.0 / ivp.equation_scale(problem, residual, scales) ** 2
        eps = causal_eps(settings, ivp.CAUSAL_EPS)
        rule, chosen = choose_loss_weights(problem, settings, terms, context.seed)
        causal = ivp.causal_weights(problem, eps)
        objective, engine = make_objective(terms, settings, model, dtype, device, causal, rule)
        n, _ = point_counts(problem, settings)
        refine, rar_choice = adaptive(problem, settings, context, objective, n)
        choices = {"derivatives": engine, "interior_points": n, "weights": {t.name: t.weight for t in terms}}
        choices["loss_weights"] = chosen
        choices.update(ivp.describe(scales, failure, eps))
        choices["adaptive_points"] = rar_choice
        choices["trial_function"] = {
            field_name(f): f"{parts[field_name(f)][0]} + ({parts[field_name(f)][1]})·N" for f in problem.fields
        }
        check = ivp.departure_check(problem, coarse, failure)
        return Setup(model, objective, choices, budget=IVP_BUDGET, check=check, callbacks=[refine] if refine else [])

    def measure(
        self, problem: Problem, settings: PinnSettings, context: Context, setup: Setup, result: Any
    ) -> dict[str, Any]:
        """The number of collocation points added while training (RAR-D), where it ran."""
        added = getattr(setup.objective, "added", None)
        return {"added_points": len(added)} if setup.callbacks and added is not None else {}

    def sharded(self, setup: Setup, group: Any) -> Any:
        """The objective over this process's share of every term's points (`pinnsolve.train.distributed`)."""
        sharded = group.shard(setup.objective)
        setup.choices["distributed"] = {
            "processes": group.world,
            "backend": group.backend,
            "points_per_process": sharded.local.points.shape[0],
        }
        if getattr(setup.objective, "causal", None) is not None:  # per-bin losses are not summed across processes
            setup.choices["causal"] = "off (not available in distributed training yet)"
        if getattr(setup.objective, "loss_weights", None) is not None:  # nor are the per-term gradients
            setup.choices["loss_weights"] = "fixed (adaptive weights are not available in distributed training yet)"
        return sharded

    def check_compilable(self, setup: Setup) -> None:
        """Only the Taylor-mode residual loss of a plain network is traceable by torch.compile."""
        if isinstance(setup.model, TrialSurrogate):
            raise SettingsError(
                "--compile cannot trace the built-in initial values of an ODE system (u = u0 + S·t·N, cached between "
                "steps). Drop --compile, or give --constraints soft to train the plain network."
            )
        if not isinstance(setup.objective.engine, TaylorEngine):
            raise SettingsError(
                "--compile needs the Taylor-mode derivative engine, and this run uses nested autograd, which "
                "differentiates twice: torch.compile cannot trace that. Use an MLP with tanh, sin or silu and "
                "--derivatives auto, or drop --compile."
            )
