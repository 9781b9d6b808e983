"""The generative methods on the method contract: ``vae``, ``gan`` and ``diffusion``.

One pipeline for the three: Monte Carlo training data from the finite-difference reference,
whitened POD coefficients, the model, M samples, and the reference law they are judged by
(exact by quadrature when ``exact=`` is given, else Monte Carlo with independent draws).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import torch

from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import MethodNotApplicable, SettingsError
from pinnsolve.generative.encoding import Whitening
from pinnsolve.generative.fit import draw, train
from pinnsolve.generative.law import RandomInputs, exact_draws, exact_moments, has_exact_law
from pinnsolve.generative.models import MODELS
from pinnsolve.generative.montecarlo import (
    TRAINING_DATA,
    MonteCarlo,
    load_monte_carlo,
    monte_carlo,
    save_monte_carlo,
)
from pinnsolve.generative.settings import GenerateSettings
from pinnsolve.methods.contract import Context, Method, Outcome
from pinnsolve.results.marginals import probe_indices
from pinnsolve.results.samples import Samples

__all__ = ["DiffusionMethod", "GANMethod", "GenerateSettings", "VAEMethod", "default_grid"]

#: draws of the exact law at the probe points (for W1 and KS: a near-exact CDF)
EXACT_PROBE_DRAWS = 200_000


def default_grid(problem: Problem, given: dict[str, int] | None) -> dict[str, int]:
    """33 nodes per space axis, 17 output times (41 for an ODE): fields small enough for 10⁴ samples."""
    grid = {c.name: 33 for c in problem.space}
    if problem.time is not None:
        grid[problem.time.name] = 41 if problem.is_ode else 17
    return {**grid, **(given or {})}


class GenerativeMethod(Method):
    """Learn the law of the solution over the random inputs; return `Samples`."""

    settings_type = GenerateSettings
    result_type = Samples

    def check(self, problem: Problem, settings: GenerateSettings) -> None:
        RandomInputs.of(problem)
        if len(problem.fields) != 1:
            raise MethodNotApplicable(
                f"problem '{problem.name}' has {len(problem.fields)} fields; pinnsolve "
                "generate models the law of one field. Write a problem with one field."
            )
        for name in ("train_samples", "samples", "steps", "batch", "width", "reference_solves"):
            if getattr(settings, name) < 1:
                raise SettingsError(f"--{name.replace('_', '-')} {getattr(settings, name)}: give a positive number.")
        if settings.train_samples < 2:
            raise SettingsError("--train-samples must be at least 2 (a law needs more than one draw).")
        if not 0 <= settings.physics_weight < float("inf"):  # NaN too
            raise SettingsError(f"--physics-weight {settings.physics_weight}: give a finite weight ≥ 0.")
        if not 0 < settings.lr < float("inf"):
            raise SettingsError(f"--lr {settings.lr}: give a positive, finite learning rate, e.g. --lr 1e-3.")
        if settings.physics_weight > 0 and problem.time is None:
            raise SettingsError(
                f"--physics-weight: '{problem.name}' is steady; the physics term is the time-step "
                "defect of time-dependent problems. Leave --physics-weight out."
            )
        if settings.physics_weight > 0 and not settings.conditional:
            raise SettingsError(
                "--physics-weight needs --conditional: the residual of a generated field is taken "
                "with the random inputs it was generated for."
            )

    def run(self, problem: Problem, settings: GenerateSettings, context: Context) -> Outcome:
        self.check(problem, settings)
        torch_gen = torch.Generator().manual_seed(context.seed)
        field = problem.field_names[0]
        grid = default_grid(problem, context.grid)
        inputs = RandomInputs.of(problem)
        mc = self._training_data(problem, field, grid, settings, context)
        whitening = Whitening.fit(mc.fields)
        model, history, train_time = self._train_on_draws(problem, mc, whitening, inputs, settings, context, torch_gen)
        fields, sampling = self._draw_fields(model, whitening, inputs, settings, context, torch_gen)
        result = self._result(problem, mc, fields, context, settings)
        result.history = {
            k: np.array([row.get(k, np.nan) for row in history], dtype=float) for k in history[0] if k != "phase"
        }
        result.timings = {
            "train_time_s": train_time,
            "sampling_time_s": sampling,
            "samples_per_s": settings.samples / sampling,
            "mc_solves_per_s": mc.solves_per_s,
            "sampling_speedup": settings.samples / sampling / mc.solves_per_s,
            "mc_time_s": mc.wall_time_s,
        }
        result.info = {
            "pod_modes": whitening.modes,
            "conditional": settings.conditional,
            "random_inputs": inputs.describe(),
            "grid": {k: len(v) for k, v in mc.axes.items()},
        }
        choices = {
            "grid": grid,
            "pod_modes": f"{whitening.modes} (energy above 1e-9 of the training variance)",
            "conditioning": "on the random inputs' standard coordinates" if settings.conditional else "none",
        }
        return Outcome(result=result, history=history, model=model, metrics=result.timings, choices=choices)

    def _training_data(
        self, problem: Problem, field: str, grid: dict[str, int], settings: GenerateSettings, context: Context
    ) -> MonteCarlo:
        """The Monte Carlo training draws: read from the run directory's cache (a resumed run), else solved
        and cached there (atomically, with the random state after them, so a resumed run draws on alike)."""
        cache = context.run.file(TRAINING_DATA) if context.run is not None else None
        if cache is not None and cache.is_file():
            mc, state = load_monte_carlo(cache)
            if len(mc.fields) == settings.train_samples:
                if state is not None:
                    context.rng.bit_generator.state = state
                return mc
        mc = monte_carlo(
            problem,
            field,
            settings.train_samples,
            context.rng,
            grid,
            "training data (reference solves)",
            context.stream,
            context.plain,
        )
        if cache is not None:
            save_monte_carlo(mc, cache, context.rng.bit_generator.state)
        return mc

    def _train_on_draws(
        self,
        problem: Problem,
        mc: MonteCarlo,
        whitening: Whitening,
        inputs: RandomInputs,
        settings: GenerateSettings,
        context: Context,
        torch_gen: torch.Generator,
    ) -> tuple[Any, list[dict], float]:
        """Build the model (seeded weights) and fit it to the whitened POD coefficients of the draws.

        Returns the model, its history rows and the training wall time in seconds.
        """
        y = whitening.encode(mc.fields)
        c = mc.standard if settings.conditional else np.zeros((len(y), 0))
        with torch.random.fork_rng(devices=[]):  # seeded initial weights; the process's own RNG is left as it was
            torch.manual_seed(context.seed)
            model = self._model(whitening.modes, c.shape[1], len(inputs), settings)
        if settings.physics_weight > 0:
            from pinnsolve.generative.physics import DrawResiduals

            model.physics = DrawResiduals(problem, mc, whitening)
            model.physics_weight = settings.physics_weight
        started = time.perf_counter()
        resume = context.resume.get("checkpoint") if context.resume else None
        history = train(
            model,
            y,
            c,
            steps=settings.steps,
            batch=settings.batch,
            lr=settings.lr,
            gen=torch_gen,
            stream=context.stream,
            plain=context.plain,
            resume=resume,
            save=self._saver(context),
            every=context.extra.get("checkpoint_every", (1000, 60.0)),
        )
        return model, history, time.perf_counter() - started + (float(resume["elapsed"]) if resume else 0.0)

    @staticmethod
    def _saver(context: Context) -> Any:
        """Writes the training state to the run directory's checkpoint.pt (None without a run directory)."""
        if context.run is None:
            return None
        from pinnsolve.train.checkpoint import save_checkpoint

        return lambda state: save_checkpoint(state, context.run.file(context.run.CHECKPOINT))

    def _draw_fields(
        self,
        model: Any,
        whitening: Whitening,
        inputs: RandomInputs,
        settings: GenerateSettings,
        context: Context,
        torch_gen: torch.Generator,
    ) -> tuple[np.ndarray, float]:
        """Draw ``settings.samples`` fields from the trained model (conditioned on fresh random inputs when
        conditional); returns them decoded to the grid, and the sampling wall time in seconds."""
        started = time.perf_counter()
        conditions = (
            inputs.standard(inputs.draw(context.rng, settings.samples))
            if settings.conditional
            else np.zeros((settings.samples, 0))
        )
        fields = whitening.decode(draw(model, settings.samples, conditions, torch_gen, sampler=settings.sampler))
        return fields, time.perf_counter() - started

    def _model(self, dim: int, cond: int, randoms: int, settings: GenerateSettings) -> Any:
        cls = MODELS[self.name]
        if self.name == "vae":
            return cls(dim, cond, settings.width, settings.depth, latent=2 if cond else randoms)
        if self.name == "gan":
            return cls(dim, cond, settings.width, settings.depth, noise=max(randoms, 4))
        return cls(dim, cond, settings.width, settings.depth)

    def _result(
        self, problem: Problem, mc: MonteCarlo, fields: np.ndarray, context: Context, settings: GenerateSettings
    ) -> Samples:
        probes = probe_indices(fields.shape[1:])
        gallery = mc.fields[:6]
        if has_exact_law(problem, mc.field):
            mean, std, nodes = exact_moments(problem, mc.field, mc.axes)
            points = {name: axis[[idx[j] for idx in probes]] for j, (name, axis) in enumerate(mc.axes.items())}
            at_probes = exact_draws(problem, mc.field, points, EXACT_PROBE_DRAWS, context.rng)
            reference, solves = f"exact law (Gauss quadrature, {nodes} nodes)", None
        else:
            ref = monte_carlo(
                problem,
                mc.field,
                settings.reference_solves,
                context.rng,
                {k: len(v) for k, v in mc.axes.items()},
                "reference law (Monte Carlo solves)",
                context.stream,
                context.plain,
            )
            mean, std = ref.fields.mean(axis=0), ref.fields.std(axis=0)
            at_probes = np.stack([ref.fields[(slice(None), *idx)] for idx in probes], axis=1)
            reference, solves, gallery = (
                f"Monte Carlo ({len(ref.fields)} reference solves)",
                len(ref.fields),
                ref.fields[:6],
            )
        return Samples(
            problem=problem.name,
            method=self.name,
            field=mc.field,
            axes=mc.axes,
            samples=fields,
            reference_mean=mean,
            reference_std=std,
            probe_index=np.array(probes),
            probe_reference=at_probes,
            reference=reference,
            reference_solves=solves,
            reference_fields=gallery,
        )


class VAEMethod(GenerativeMethod, name="vae"):
    summary = "variational autoencoder of the solution's law (Kingma & Welling 2014)"


class GANMethod(GenerativeMethod, name="gan"):
    summary = "Wasserstein GAN with gradient penalty of the solution's law (Gulrajani et al. 2017)"


class DiffusionMethod(GenerativeMethod, name="diffusion"):
    summary = "denoising diffusion model of the solution's law (Ho et al. 2020; DDIM sampler)"
