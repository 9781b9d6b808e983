r"""``--method vmc``: variational Monte Carlo for the ground state of a `Schrodinger` problem.

The variational principle bounds the ground-state energy from above,
:math:`E[\psi_\theta] = \langle E_L\rangle_{|\psi_\theta|^2} \ge E_0`, with equality (and a
local energy of zero variance) at the exact ground state. Each iteration draws configurations
from :math:`|\psi_\theta|^2` with many Markov chains, estimates E and its gradient
:math:`2\langle\Delta E_L\,\Delta O\rangle`, and updates θ (SGD, Adam or stochastic
reconfiguration). A final long run at fixed θ gives the energy with a blocking error bar
(Jonsson 2018), the variance, the integrated autocorrelation time, R̂ and the densities.
The state after each iteration is checkpointed every ``--checkpoint-every`` iterations or seconds
and on Ctrl-C/SIGTERM (`pinnsolve.quantum.checkpoint`); ``--resume`` continues from it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from pinnsolve.dsl.kinds import problem_kind
from pinnsolve.errors import MethodNotApplicable, RunInterrupted, SettingsError
from pinnsolve.methods.contract import Context, Method, Outcome, setting
from pinnsolve.quantum.ansatz import ANSATZE, build_ansatz
from pinnsolve.quantum.checkpoint import VMCCheckpoints, restore
from pinnsolve.quantum.densities import densities
from pinnsolve.quantum.factor import Product
from pinnsolve.quantum.hamiltonian import Hamiltonian
from pinnsolve.quantum.optimizers import OPTIMIZERS
from pinnsolve.quantum.problem import Schrodinger
from pinnsolve.quantum.samplers import SAMPLERS, Sampler, make_sampler
from pinnsolve.quantum.statistics import autocorrelation_time, blocking, rhat
from pinnsolve.results.spectrum import Spectrum

__all__ = ["VMC", "Parameters", "VMCSettings", "local_energies"]


@dataclass
class VMCSettings:
    """The settings of ``--method vmc`` (each one a flag: ``--ansatz``, ``--chains``, ...)."""

    ansatz: str = setting("rbm-jastrow", "trial wave function", choices=list(ANSATZE))
    sampler: str = setting(
        "langevin",
        "Markov chain: random-walk Metropolis, Langevin importance sampling, or Gibbs (plain RBM, ψ = √F)",
        choices=list(SAMPLERS),
    )
    optimizer: str = setting(
        "sr", "parameter update: SGD, Adam, or stochastic reconfiguration", choices=list(OPTIMIZERS)
    )
    chains: int = setting(200, "independent Markov chains, moved together")
    samples: int = setting(4000, "configurations per optimisation iteration (over all chains)")
    iterations: int = setting(150, "optimisation iterations")
    lr: float = setting(0.1, "learning rate (the SR step η; Adam and SGD use it as their step size)")
    sr_shift: float = setting(1e-3, "diagonal shift λ of the SR matrix S + λI")
    hidden: int = setting(4, "hidden units of the RBM")
    width: int = setting(16, "ffnn: units per hidden layer")
    depth: int = setting(2, "ffnn: hidden layers")
    thin: int = setting(4, "sweeps between recorded configurations")
    burn_in: int = setting(400, "sweeps before the first recorded configuration")
    step: float = setting(
        None,
        "initial Metropolis step δ or Langevin time step Δt (default 1 or 0.05, then tuned to 50 % or 80 % acceptance)",
    )
    eval_samples: int = setting(200_000, "configurations of the final evaluation run (over all chains)")
    stop_variance: float = setting(
        1e-6,
        "stop optimising once the local energy's variance is below this (an "
        "eigenstate has none: the zero-variance principle); 0 never stops early",
    )


class Parameters(torch.nn.Module):
    """The optimised wave function's parameters θ (one flat vector, in the order of ``choices['ansatz']``)
    as a module, so the run directory's model.pt holds them as a state dict."""

    def __init__(self, ansatz: Product) -> None:
        super().__init__()
        self.register_buffer("theta", ansatz.theta.detach().clone())


def local_energies(
    ansatz: Product, hamiltonian: Hamiltonian, positions: torch.Tensor, batch: int = 20_000
) -> torch.Tensor:
    """E_L at configurations ``(S, N, d)``, in batches."""
    out = []
    for start in range(0, positions.shape[0], batch):
        chunk = positions[start : start + batch]
        d = ansatz.derivatives(chunk)
        out.append(hamiltonian.local_energy(d.gradient, d.laplacian, chunk))
    return torch.cat(out)


def _check_settings(s: VMCSettings) -> None:
    for name in ("chains", "samples", "iterations", "hidden", "width", "depth", "thin", "eval_samples"):
        if getattr(s, name) < (0 if name == "iterations" else 1):
            raise SettingsError(
                f"--{name.replace('_', '-')} {getattr(s, name)} is out of range; give a positive whole number."
            )
    for name, known in (("ansatz", ANSATZE), ("sampler", SAMPLERS), ("optimizer", OPTIMIZERS)):
        if getattr(s, name) not in known:
            raise SettingsError(f"--{name} {getattr(s, name)}: unknown; known: {', '.join(known)}.")
    if s.eval_samples < 4 * s.chains or s.samples < s.chains:
        raise SettingsError(
            f"--samples ({s.samples}) and --eval-samples ({s.eval_samples}) must give each of the "
            f"{s.chains} chains at least 1 and 4 configurations; raise them or lower --chains."
        )
    if s.lr <= 0 or s.sr_shift < 0 or s.stop_variance < 0 or (s.step is not None and s.step <= 0):
        raise SettingsError("--lr and --step must be positive, --sr-shift and --stop-variance non-negative.")


class VMC(Method, name="vmc"):
    """Variational Monte Carlo with neural-network and Jastrow trial wave functions."""

    settings_type = VMCSettings
    result_type = Spectrum
    summary = "variational Monte Carlo for Schrödinger problems (RBM, Jastrow, Slater, MLP ansätze)"
    problem_kinds = ("schrodinger",)

    def check(self, problem: Any, settings: VMCSettings) -> None:
        if problem_kind(problem) != "schrodinger" or not isinstance(problem, Schrodinger):
            raise MethodNotApplicable(
                f"--method vmc solves Schrödinger problems (a file whose `problem` is "
                f"Schrodinger(...) from pinnsolve.quantum); '{getattr(problem, 'name', problem)}'"
                " is a PDE problem. Use --method pinn or trial for it."
            )
        _check_settings(settings)
        if settings.sampler == "gibbs" and settings.ansatz != "rbm":
            raise MethodNotApplicable(
                "--sampler gibbs samples the RBM's joint distribution, so it needs "
                "--ansatz rbm (ψ = √F). Use --sampler langevin or metropolis with "
                f"--ansatz {settings.ansatz}."
            )

    def run(self, problem: Schrodinger, settings: VMCSettings, context: Context) -> Outcome:
        self.check(problem, settings)
        generator = torch.Generator().manual_seed(int(context.seed))
        ansatz, choices = build_ansatz(
            problem,
            settings.ansatz,
            hidden=settings.hidden,
            width=settings.width,
            depth=settings.depth,
            gibbs=settings.sampler == "gibbs",
            generator=generator,
        )
        hamiltonian = Hamiltonian.of(problem)
        start = torch.randn(
            settings.chains, problem.n_particles, problem.dim, generator=generator, dtype=torch.float64
        ) / math.sqrt(choices["trap_frequency"])
        sampler = make_sampler(settings.sampler, ansatz, start, settings.step, generator)
        optimizer = OPTIMIZERS[settings.optimizer](settings.lr, settings.sr_shift)
        keeper = VMCCheckpoints(context)
        history = self._start(ansatz, sampler, optimizer, settings, context)
        clock = time.perf_counter() - (history[-1]["wall_time_s"] if history else 0.0)
        try:
            self._optimise(ansatz, hamiltonian, sampler, optimizer, settings, context, clock, history, keeper)
            keeper.save()
            spectrum = self._evaluate(problem, ansatz, hamiltonian, sampler, settings, history)
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (the runner turns it into one): the last whole iteration
            where = keeper.save()
            raise RunInterrupted(
                f"interrupted after iteration {len(history)}; the checkpoint is saved in {where}. "
                f"Continue with: pinnsolve solve --resume {where}"
                if where is not None
                else f"interrupted after iteration {len(history)} (no run directory, nothing saved)."
            ) from None
        choices.update(
            {
                "step": sampler.step,
                "parameters": ansatz.n_parameters,
                "records_per_chain": _records(settings.eval_samples, settings.chains),
            }
        )
        metrics = {"wall_time_s": time.perf_counter() - clock, "iterations": len(history)}
        stop = (
            "completed"
            if len(history) == settings.iterations
            else f"converged: the local energy's variance fell below --stop-variance {settings.stop_variance:g}"
        )
        return Outcome(
            result=spectrum,
            history=history,
            model=Parameters(ansatz),
            metrics=metrics,
            choices=choices,
            stop_reason=stop,
        )

    @staticmethod
    def _start(
        ansatz: Product, sampler: Sampler, optimizer: Any, settings: VMCSettings, context: Context
    ) -> list[dict[str, Any]]:
        """Burn in the chains, or put back the checkpoint of a resumed run; the history so far."""
        if context.resume is None:
            sampler.burn_in(settings.burn_in)
            return []

        def set_theta(theta: torch.Tensor) -> None:
            ansatz.theta = theta

        return restore(context.resume["checkpoint"], sampler, optimizer, set_theta)

    @staticmethod
    def _optimise(
        ansatz: Product,
        hamiltonian: Hamiltonian,
        sampler: Sampler,
        optimizer: Any,
        settings: VMCSettings,
        context: Context,
        clock: float,
        history: list[dict[str, Any]],
        keeper: VMCCheckpoints,
    ) -> None:
        """Iterate from where ``history`` ends to ``settings.iterations`` (or the variance stop), in place."""
        records = _records(settings.samples, settings.chains)
        if history and history[-1]["variance"] < settings.stop_variance:
            return  # a resumed run that had already converged
        for iteration in range(len(history) + 1, settings.iterations + 1):
            positions, acceptance = sampler.run(records, settings.thin)
            flat = positions.reshape(-1, *positions.shape[2:])
            energies = local_energies(ansatz, hamiltonian, flat)
            finite = torch.isfinite(energies)
            energies, derivatives = energies[finite], ansatz.parameter_gradient(flat[finite])
            chain_means = torch.nan_to_num(local_energies_by_chain(energies, finite, positions.shape[:2]))
            history.append(
                {
                    "iteration": iteration,
                    "energy": float(energies.mean()),
                    "error": float(chain_means.std() / math.sqrt(len(chain_means))),
                    "variance": float(energies.var()),
                    "acceptance": acceptance,
                    "step_size": sampler.step,
                    "wall_time_s": time.perf_counter() - clock,
                }
            )
            if ansatz.n_parameters:
                ansatz.theta = ansatz.theta + optimizer.update(clipped(energies), derivatives)
            sampler.tune(acceptance)
            keeper.snapshot(ansatz.theta, sampler, optimizer, history)
            if history[-1]["variance"] < settings.stop_variance:
                break
            if context.stream is not None and (iteration % 25 == 0 or iteration == settings.iterations):
                row = history[-1]
                print(
                    f"iteration {iteration:5d}  E = {row['energy']:.6f} ± {row['error']:.1e}  "
                    f"var = {row['variance']:.2e}  acceptance {acceptance:.2f}",
                    file=context.stream,
                )

    @staticmethod
    def _evaluate(
        problem: Schrodinger,
        ansatz: Product,
        hamiltonian: Hamiltonian,
        sampler: Sampler,
        settings: VMCSettings,
        history: list[dict[str, Any]],
    ) -> Spectrum:
        """The final long run at fixed parameters: energy ± blocking error, τ, R̂, densities."""
        sampler.burn_in(settings.burn_in // 2)
        positions, acceptance = sampler.run(_records(settings.eval_samples, settings.chains), settings.thin)
        flat = positions.reshape(-1, *positions.shape[2:])
        energies = local_energies(ansatz, hamiltonian, flat).reshape(positions.shape[:2]).numpy()
        energies = np.where(
            np.isfinite(energies), energies, np.nanmean(np.where(np.isfinite(energies), energies, np.nan))
        )
        energy, error = blocking(energies.mean(axis=1))
        arrays = densities(positions.numpy())
        arrays["iteration_energy"] = np.array([row["energy"] for row in history])
        arrays["iteration_error"] = np.array([row["error"] for row in history])
        return Spectrum(
            problem=problem.name,
            energy=energy,
            energy_error=error,
            variance=float(energies.var()),
            acceptance=acceptance,
            autocorrelation_time=autocorrelation_time(energies) * settings.thin,
            rhat=rhat(energies),
            samples=int(energies.size),
            exact_energy=problem.exact(),
            n_particles=problem.n_particles,
            dim=problem.dim,
            arrays=arrays,
        )


def clipped(energies: torch.Tensor, width: float = 5.0) -> torch.Tensor:
    """Local energies clipped to median ± 5 mean absolute deviations, for the gradient only.

    Where ψ misses a singularity of the potential (a cusp, an r⁻² core) the local energy has
    rare huge values that make single gradient estimates useless; clipping them (as FermiNet,
    Pfau et al. 2020, does) steadies the optimisation. Reported energies are never clipped.
    """
    median = energies.median()
    spread = (energies - median).abs().mean()
    return energies.clamp(median - width * spread, median + width * spread)


def _records(samples: int, chains: int) -> int:
    return max(1, math.ceil(samples / chains))


def local_energies_by_chain(energies: torch.Tensor, finite: torch.Tensor, shape: torch.Size) -> torch.Tensor:
    """Each chain's mean local energy (the finite ones), from the flat ``(records·chains,)`` layout."""
    full = torch.full((shape[0] * shape[1],), float("nan"), dtype=energies.dtype)
    full[finite] = energies
    return full.reshape(shape).nanmean(dim=0)
