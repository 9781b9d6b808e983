"""``pinnsolve generate PROBLEM.py --model vae|gan|diffusion``: learn and sample the law of a random solution."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pinnsolve.dsl.problem import Problem
    from pinnsolve.generative.settings import GenerateSettings
    from pinnsolve.io.rundir import RunDirectory
    from pinnsolve.methods.contract import Method, Outcome

__all__ = ["add_arguments", "run"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The flags of ``pinnsolve generate`` (defaults: `GenerateSettings`)."""
    from pinnsolve.generative.settings import GenerateSettings

    p.add_argument("problem", nargs="?", help="a problem file with Random inputs or a RandomField")
    p.add_argument("--model", choices=["vae", "gan", "diffusion"], help="the generative model (required)")
    p.add_argument(
        "--resume",
        metavar="RUN_DIR",
        help="continue the generate run saved in RUN_DIR (its cached training draws and its checkpoint)",
    )
    p.add_argument(
        "--checkpoint-every",
        metavar="N|Ts",
        help="save checkpoint.pt every N steps or T seconds of training (default 60s,1000: whichever first)",
    )
    for f in dataclasses.fields(GenerateSettings):
        flag = "--" + f.name.replace("_", "-")
        helptext = f"{f.metadata['help']} (default {f.default})"
        if f.type in (bool, "bool"):
            p.add_argument(flag, action=argparse.BooleanOptionalAction, default=None, help=helptext)
        else:
            kind = {"int": int, "float": float}.get(str(f.type), str)
            p.add_argument(flag, type=kind, choices=f.metadata.get("choices"), help=helptext)
    p.add_argument(
        "--grid", help="grid of the fields, e.g. x=33,t=17 (default 33 per space axis, 17 times; 41 for an ODE)"
    )
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="fix a random input (or a Parameter)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0): same seed, same samples")
    p.add_argument("--threads", type=int, default=1, help="CPU threads for torch (default 1)")
    p.add_argument("--out", help="run directory (default runs/<problem>-<model>-<time>)")
    p.add_argument("--overwrite", action="store_true", help="replace the files of an earlier run in --out")
    p.add_argument("--quiet", action="store_true", help="plain progress lines instead of live bars")


def run(args: argparse.Namespace) -> int:
    from pinnsolve.dsl import load_problem
    from pinnsolve.dsl.assignments import parse_assignments
    from pinnsolve.dsl.assignments import parse_sets as _sets
    from pinnsolve.errors import EXIT_BAD_INPUT, PinnsolveError, RunInterrupted
    from pinnsolve.generative import method as _registers_the_methods  # noqa: F401
    from pinnsolve.generative.settings import GenerateSettings
    from pinnsolve.io.rundir import RunDirectory
    from pinnsolve.methods.contract import get_method, settings_from

    saved = _resumed(args) if args.resume else {}
    if not args.problem or not args.model:
        from pinnsolve.errors import SettingsError

        raise SettingsError(
            "pinnsolve generate needs a problem file and --model, e.g. pinnsolve generate "
            "problems/stochastic_decay.py --model vae (or --resume RUN_DIR to continue a run)."
        )
    problem = load_problem(args.problem, {**saved.get("parameters", {}), **_sets(args.set)})
    values = {
        f.name: getattr(args, f.name)
        for f in dataclasses.fields(GenerateSettings)
        if getattr(args, f.name, None) is not None
    }
    settings = settings_from(GenerateSettings, {**saved.get("settings", {}), **values}, args.model)
    method = get_method(args.model)
    method.check(problem, settings)
    grid = parse_assignments(args.grid, "--grid", int) if args.grid else saved.get("grid")
    _require_field_memory(problem, settings, grid)
    if args.resume:
        run_dir = RunDirectory.open(args.resume)
    else:
        run_dir = RunDirectory.create(args.out, problem.name, args.model, overwrite=args.overwrite)
    _write_config(run_dir, problem, settings, grid, {}, args, "samples")
    try:
        outcome = _learn_and_sample(method, problem, settings, grid, run_dir, args)
    except KeyboardInterrupt:
        raise RunInterrupted(
            f"interrupted; the training draws and the checkpoint are saved in {run_dir.path}. "
            f"Continue with: pinnsolve generate --resume {run_dir.path}"
        ) from None
    except PinnsolveError as error:
        if error.exit_code == EXIT_BAD_INPUT and not args.resume:
            run_dir.remove_if_only_config()  # refused before anything was computed: leave no run directory behind
        raise
    metrics = _write_run(run_dir, problem, settings, grid, outcome, args)
    _report(problem.name, args.model, metrics, run_dir.path)
    return 0


def _require_field_memory(problem: Problem, settings: GenerateSettings, grid: dict[str, int] | None) -> None:
    """Refuse (with the largest size that fits) a grid whose training draws, samples and reference solves
    would not fit in memory, instead of being killed by the kernel part-way."""
    import numpy as np

    from pinnsolve.generative.method import default_grid
    from pinnsolve.memory import require_memory

    try:
        sizes = default_grid(problem, grid)
    except (TypeError, ValueError):
        return  # a bad --grid is reported where the grid is made
    points = int(np.prod([max(1, int(n)) for n in sizes.values()], dtype=float))
    fields = settings.train_samples + settings.samples + settings.reference_solves
    # per value: the float64 field, its whitened copy and the float32 tensors the model trains on
    require_memory(f"field values ({fields:,} fields of {points:,} grid points)", fields * points, 32, "--grid")


def _resumed(args: argparse.Namespace) -> dict[str, Any]:
    """What the run being resumed recorded (problem file, model, seed, settings, grid, parameters); the
    flags given now fill ``args`` where they were left out."""
    from pinnsolve.errors import SettingsError
    from pinnsolve.io.rundir import RunDirectory

    config = RunDirectory.open(args.resume).read_config()
    if config.get("command") != "generate":
        raise SettingsError(
            f"--resume {args.resume}: that run directory was not written by pinnsolve generate. "
            "Give the folder of a generate run (or use pinnsolve solve --resume for a solve)."
        )
    args.problem = args.problem or config.get("problem")
    args.model = args.model or config.get("method")
    if args.seed == 0 and config.get("seed") is not None:
        args.seed = int(config["seed"])
    return config


def _learn_and_sample(
    method: Method,
    problem: Problem,
    settings: GenerateSettings,
    grid: dict[str, int] | None,
    run_dir: RunDirectory,
    args: argparse.Namespace,
) -> Outcome:
    """Run the generative method with ``--threads`` torch threads (the process's count restored after)."""
    import numpy as np
    import torch

    from pinnsolve.methods.contract import Context
    from pinnsolve.run import checkpoint_interval, terminate_saves
    from pinnsolve.train.checkpoint import load_checkpoint

    previous = torch.get_num_threads()
    torch.set_num_threads(max(1, args.threads))
    saved = run_dir.file(run_dir.CHECKPOINT)
    resume = {"checkpoint": load_checkpoint(saved)} if args.resume and saved.is_file() else None
    try:
        context = Context(
            dtype=torch.float32,
            device=torch.device("cpu"),
            rng=np.random.default_rng(args.seed),
            seed=args.seed,
            grid=grid,
            run=run_dir,
            plain=True if args.quiet else None,
            stream=sys.stderr,
            threads=args.threads,
            resume=resume,
            extra={"checkpoint_every": checkpoint_interval(args.checkpoint_every)},
        )
        with terminate_saves():
            return method.run(problem, settings, context)
    finally:
        torch.set_num_threads(previous)


def _write_run(
    run_dir: RunDirectory,
    problem: Problem,
    settings: GenerateSettings,
    grid: dict[str, int] | None,
    outcome: Outcome,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Write the run directory: config.json, history.csv, model.pt, the samples, metrics.json and plots.

    Returns the metrics written.
    """
    import torch

    result = outcome.result
    _write_config(run_dir, problem, settings, grid, outcome.choices, args, result.kind)
    run_dir.write_history(outcome.history)
    torch.save(outcome.model.state_dict(), run_dir.file(run_dir.MODEL))
    result.save(run_dir.path)
    metrics = {**result.metrics(), **outcome.metrics}
    run_dir.write_metrics(metrics)
    result.plot_all(run_dir.plots)
    return metrics


def _write_config(
    run_dir: RunDirectory,
    problem: Problem,
    settings: GenerateSettings,
    grid: dict[str, int] | None,
    choices: dict[str, Any],
    args: argparse.Namespace,
    kind: str,
) -> None:
    """config.json: written when the run starts (so --resume finds it) and again with the choices made."""
    from pinnsolve.methods.contract import settings_dict

    given = getattr(problem, "fixed_parameters", set())
    run_dir.write_config(
        {
            "command": "generate",
            "method": args.model,
            "problem": str(args.problem),
            "parameters": {k: v for k, v in problem.parameter_values.items() if k in given},
            "seed": args.seed,
            "grid": grid,
            "settings": settings_dict(settings),
            "choices": choices,
        },
        result_kind=kind,
        problem_file=args.problem,
    )


def _report(name: str, model: str, m: dict, path: object) -> None:
    print(
        f"\n{name}: {m['samples']} samples from the {model} (trained {m['train_time_s']:.1f} s) against the "
        f"{m['reference']}:"
    )
    print(
        f"  mean rel. L2 {m['mean_l2_relative_error']:.2e}, std rel. L2 {m['std_l2_relative_error']:.2e}, "
        f"std ratio {m['std_ratio']:.3f}, W1/std {m['w1_over_std']:.3f}, KS p {m['ks_pvalue']:.3f}"
    )
    print(
        f"  {m['samples_per_s']:.0f} samples/s against {m['mc_solves_per_s']:.1f} reference solves/s "
        f"({m['sampling_speedup']:.0f}x)"
    )
    print(f"Results in {path}/: samples.npz, plots/, metrics.json, history.csv, config.json, model.pt")
