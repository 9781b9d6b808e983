"""The ``pinnsolve`` command: show, solve, reference, validate, plot and render.

Bad input ends with one paragraph saying what is wrong and how to fix it (exit
status 2); ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path
from typing import Sequence

from pinnsolve.dsl.errors import PinnsolveError

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


def parse_assignments(text: str | None, what: str, number: type = float) -> dict[str, object]:
    """``"x=256,t=101"`` → {"x": 256, "t": 101}, with a clear message for malformed items."""
    result: dict[str, object] = {}
    for item in filter(None, (text or "").split(",")):
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise PinnsolveError(f"{what} '{item}' is not of the form name=value (e.g. {what} x=256).")
        if number is str:
            result[name.strip()] = value.strip()
            continue
        try:
            result[name.strip()] = number(value)
        except ValueError:
            kind = "whole number" if number is int else "number"
            raise PinnsolveError(f"{what} {item}: '{value}' is not a {kind}.") from None
    return result


def _sets(items: Sequence[str] | None) -> dict[str, object]:
    out: dict[str, object] = {}
    for item in items or []:
        out.update(parse_assignments(item, "--set", str))
    return out


def _add_solve_arguments(p: argparse.ArgumentParser) -> None:
    from pinnsolve.geometry import SAMPLERS
    from pinnsolve.methods import METHODS
    from pinnsolve.nets import ACTIVATIONS, INITIALISERS

    p.add_argument("problem", nargs="?", help="the problem file (leave out with --resume)")
    p.add_argument("--method", default=None, choices=sorted(METHODS), help="neural method (default: pinn)")
    p.add_argument("--steps", type=int, help="Adam steps (default 2000; 1000 for one-coordinate problems)")
    p.add_argument("--lbfgs-steps", type=int,
                   help="L-BFGS iterations after Adam (default 1000; 500 for one coordinate)")
    p.add_argument("--lr", type=float, help="Adam learning rate (default 2e-3, decaying tenfold)")
    p.add_argument("--width", type=int, help="hidden units per layer (default 32)")
    p.add_argument("--depth", type=int, help="hidden layers (default 3)")
    p.add_argument("--activation", choices=sorted(ACTIVATIONS), help="activation (default tanh)")
    p.add_argument("--init", choices=sorted(INITIALISERS), help="weight initialiser (default glorot)")
    p.add_argument("--points", type=int, help="interior collocation points")
    p.add_argument("--boundary-points", type=int, help="points per boundary or initial condition")
    p.add_argument("--sampler", choices=SAMPLERS, help="collocation sampler (default sobol)")
    p.add_argument("--weight", action="append", metavar="TERM=W",
                   help="loss weight by term kind (pde, bc, ic, periodic, data) or name (bc2)")
    p.add_argument("--derivatives", choices=["auto", "autograd", "taylor"],
                   help="derivative engine (default auto: Taylor mode for MLPs, else autograd)")
    p.add_argument("--compile", action="store_true", default=None,
                   help="evaluate the loss through torch.compile: ~2x steps/s after 10-35 s of compiling (long runs)")
    p.add_argument("--physics-weight", type=float,
                   help="ffnn, rnn, autoencoder: weight of the physics term (ffnn default 0: data only)")
    p.add_argument("--horizon", type=float,
                   help="ffnn, rnn: fraction of the time range whose reference data trains (default 0.5); "
                   "the rest measures extrapolation")
    p.add_argument("--cell", choices=["elman", "gru", "lstm", "mlp"],
                   help="rnn: recurrent cell (default gru); autoencoder: latent dynamics (mlp or a cell)")
    p.add_argument("--losses", help="rnn: loss terms, any of teacher,rollout,physics (default teacher,rollout)")
    p.add_argument("--latent", type=int, help="autoencoder: latent size k (default 4)")
    p.add_argument("--encoder", choices=["mlp", "conv"], help="autoencoder: mlp (default) or conv (grids)")
    p.add_argument("--vary", help="autoencoder, rnn: snapshots over a parameter range, e.g. nu=0.005:0.05:8")
    p.add_argument("--seed", type=int, help="random seed (default 0): same seed, same result")
    p.add_argument("--threads", type=int, help="CPU threads (default: all available cores)")
    p.add_argument("--dtype", choices=["float32", "float64"], help="floating point precision (default float64)")
    p.add_argument("--device", help="cpu (default) or cuda")
    p.add_argument("--grid", help="evaluation grid, e.g. x=256,t=101")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="override a Parameter")
    p.add_argument("--out", help="run directory (default runs/<problem>-<method>-<time>)")
    p.add_argument("--quiet", action="store_true", help="plain progress lines instead of a live bar")
    p.add_argument("--resume", metavar="RUN_DIR", help="continue the run saved in RUN_DIR")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pinnsolve", description="Write an ODE or PDE once; solve it with neural "
                                     "and finite-difference methods, and see how close each answer is.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)
    show = sub.add_parser("show", help="print the problem as pinnsolve understood it")
    show.add_argument("problem")
    show.add_argument("--set", action="append", metavar="NAME=VALUE")
    solve = sub.add_parser("solve", help="solve with a neural method and write a run directory")
    _add_solve_arguments(solve)
    from pinnsolve.classify import command as classify_command
    from pinnsolve.reference import command as reference_command
    from pinnsolve.validate import command as validate_command
    from pinnsolve.viz import command as viz_command

    reference_command.add_arguments(sub.add_parser("reference", help="finite-difference reference solution"))
    validate_command.add_arguments(sub.add_parser("validate", help="compare methods against exact/reference "
                                                  "solutions and write a report"))
    viz_command.add_plot_arguments(sub.add_parser("plot", help="redraw the plots of a run directory"))
    viz_command.add_render_arguments(sub.add_parser("render", help="render fields off-screen with pyvista"))
    classify_command.add_arguments(sub.add_parser("classify", help="learn which regime a solution is in"))
    return parser


def _options(args: argparse.Namespace, base: object | None = None) -> object:
    from dataclasses import replace

    from pinnsolve.run import RunOptions

    options = base or RunOptions()
    train = {k: getattr(args, a) for k, a in [("steps", "steps"), ("lbfgs_steps", "lbfgs_steps"), ("lr", "lr"),
                                              ("compile", "compile")]
             if getattr(args, a) is not None}
    settings = {k: getattr(args, k) for k in ("width", "depth", "activation", "init", "points", "boundary_points",
                                              "sampler", "derivatives", "physics_weight", "horizon", "cell",
                                              "losses", "latent", "encoder", "vary") if getattr(args, k) is not None}
    if args.weight:
        weights = {}
        for item in args.weight:
            weights.update(parse_assignments(item, "--weight"))
        settings["weights"] = weights
    top = {k: getattr(args, k) for k in ("method", "seed", "threads", "dtype", "device")
           if getattr(args, k) is not None}
    if args.grid:
        top["grid"] = parse_assignments(args.grid, "--grid", int)
    for name in ("steps", "lbfgs_steps", "width", "depth", "points", "threads", "latent"):
        value = getattr(args, name, None)
        if value is not None and value < (0 if name.endswith("steps") else 1):
            raise PinnsolveError(f"--{name.replace('_', '-')} {value} is out of range; give a positive number.")
    return replace(options, settings=replace(options.settings, **settings), train=replace(options.train, **train),
                   **top)


def cmd_show(args: argparse.Namespace) -> int:
    from pinnsolve.dsl import describe, load_problem

    print(describe(load_problem(args.problem, _sets(args.set))))
    return 0


def cmd_solve(args: argparse.Namespace) -> int:
    from pinnsolve.dsl import load_problem
    from pinnsolve.evaluate import resolution
    from pinnsolve.run import RunOptions, solve

    resume_dir = None
    if args.resume:
        resume_dir = Path(args.resume)
        config_path = resume_dir / "config.json"
        if not (config_path.is_file() and (resume_dir / "checkpoint.pt").is_file()):
            raise PinnsolveError(f"--resume {resume_dir}: no config.json and checkpoint.pt there, so there is "
                                 "nothing to continue. Give the run directory that a solve wrote.")
        config = json.loads(config_path.read_text())
        problem_file = args.problem or config["problem"]["file"]
        overrides = {**config["problem"]["parameters"], **_sets(args.set)}
        base = RunOptions.from_dict(config)
    else:
        if not args.problem:
            raise PinnsolveError("pinnsolve solve needs a problem file, e.g. pinnsolve solve problems/heat1d.py.")
        problem_file, overrides, base = args.problem, _sets(args.set), None
    problem = load_problem(problem_file, overrides)
    options = _options(args, base)
    try:
        resolution(problem, options.grid)
    except ValueError as exc:
        raise PinnsolveError(str(exc)) from None
    result = solve(problem, options, out=args.out, plain=True if args.quiet else None, resume_dir=resume_dir)
    m = result.metrics
    print(f"\n{problem.name} solved with {options.method} in {m['wall_time_s']:.1f} s ({m['steps']} steps).")
    if "l2_relative_error" in m:
        print(f"L2 relative error {m['l2_relative_error']:.3e}, max abs error {m['max_abs_error']:.3e} "
              "(against the exact solution).")
    print(f"Results in {result.run_dir}/: solution.npz, {_paraview_name(result.run_dir)} (ParaView), plots/, "
          "metrics.json, history.csv, config.json")
    return 0


def _paraview_name(run_dir: Path) -> str:
    return "solution.xdmf" if (run_dir / "solution.xdmf").exists() else "solution.vtu"


def _delegate(module: str, function: str) -> object:
    def run(args: argparse.Namespace) -> int:
        import importlib

        return getattr(importlib.import_module(module), function)(args)

    return run


COMMANDS = {"show": cmd_show, "solve": cmd_solve,
            "reference": _delegate("pinnsolve.reference.command", "run"),
            "validate": _delegate("pinnsolve.validate.command", "run"),
            "plot": _delegate("pinnsolve.viz.command", "run_plot"),
            "render": _delegate("pinnsolve.viz.command", "run_render"),
            "classify": _delegate("pinnsolve.classify.command", "run")}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except PinnsolveError as exc:
        if args.debug:
            traceback.print_exc()
        from pinnsolve.run import RunInterrupted

        print(f"error: {exc}" if not isinstance(exc, RunInterrupted) else str(exc), file=sys.stderr)
        return EXIT_INTERRUPTED if isinstance(exc, RunInterrupted) else EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
