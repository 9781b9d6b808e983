"""``pinnsolve tune``: search a method's settings with Optuna, one pinnsolve run per trial.

    pinnsolve tune problems/heat1d.py --trials 30 --workers 2 \\
        --space 'width=16:128,depth=2:6,lr=1e-4:1e-2:log,activation=tanh|sin|silu,points=1000:8000'

Running the same command again, or ``pinnsolve tune --resume DIR [--trials N]``, continues the
study (its trials are in the storage; the command's settings in ``DIR/tune.json``): finished
trials are kept, trials cut short by Ctrl-C, SIGTERM or a killed worker are run again from their
checkpoints. Other machines join it with the same command and ``--storage postgresql://user@host/db``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from pinnsolve.errors import PinnsolveError
from pinnsolve.tune.space import parse_space
from pinnsolve.tune.study import PRUNERS, SAMPLERS

DEFAULT_SPACE = "width=16:128,depth=2:6,lr=1e-4:1e-2:log,activation=tanh|sin|silu,points=1000:8000"


def add_arguments(p: argparse.ArgumentParser) -> None:
    from pinnsolve.catalog import METHODS

    p.add_argument("problem", nargs="?", help="the problem file (not with --resume)")
    p.add_argument("--method", default="pinn", choices=sorted(METHODS), help="method whose settings are searched")
    p.add_argument("--trials", type=int, help="trials in the study, counting earlier runs of it (required)")
    p.add_argument(
        "--space",
        default=DEFAULT_SPACE,
        help="settings to search: name=low:high[:log], name=a|b|c, or name=value to fix one "
        f"(default '{DEFAULT_SPACE}')",
    )
    p.add_argument(
        "--objective",
        default="l2",
        choices=["l2", "loss"],
        help="l2: validation error (exact solution, else FD reference, else held-out residual); "
        "loss: final training loss",
    )
    p.add_argument(
        "--sampler",
        default="tpe",
        choices=SAMPLERS,
        help="tpe (default), cmaes (CMA-ES), ga (NSGA-II genetic algorithm), random",
    )
    p.add_argument("--pruner", default="median", choices=PRUNERS, help="stop unpromising trials early")
    p.add_argument(
        "--storage",
        help="database URL (default: sqlite file tune.db in --out); "
        "postgresql://user@host/db lets workers on many machines share the study",
    )
    p.add_argument("--study", help="study name (default <problem>-<method>)")
    p.add_argument("--workers", type=int, default=1, help="worker processes on this machine (threads divided)")
    p.add_argument("--threads", type=int, help="CPU threads in all (default: all available cores)")
    p.add_argument("--timeout", type=float, help="stop starting new trials after this many seconds")
    p.add_argument("--seed", type=int, default=0, help="seed of every trial's run (and of the sampler)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="override a Parameter")
    p.add_argument("--out", help="output directory (default runs/tune-<problem>-<method>)")
    p.add_argument(
        "--resume",
        metavar="DIR",
        help="continue the study of an earlier tune run in DIR with its settings (tune.json); "
        "--trials N raises the total, --workers/--threads/--timeout may change",
    )


#: the settings of a study that --resume takes from tune.json (the others may change between sessions)
SAVED = ("problem", "method", "space", "objective", "sampler", "pruner", "storage", "study", "seed", "set", "trials")
SETTINGS_FILE = "tune.json"


def _resumed(args: argparse.Namespace) -> None:
    """``--resume DIR``: the study's settings from DIR/tune.json (``--trials`` given on the command line wins)."""
    if args.problem is not None:
        raise PinnsolveError(
            f"--resume {args.resume} continues the study saved there with its own problem file; "
            f"leave out {args.problem}, or drop --resume to start a study."
        )
    path = Path(args.resume) / SETTINGS_FILE
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        values = {k: saved[k] for k in SAVED}
    except FileNotFoundError:
        raise PinnsolveError(
            f"--resume {args.resume}: there is no {SETTINGS_FILE} in it, so it is not the output directory "
            "of a pinnsolve tune run. Give the --out directory of the study to continue."
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PinnsolveError(
            f"{path}: unreadable ({type(exc).__name__}: {exc}). Run the original tune command again "
            "(with the same --out, --storage and --study) to continue the study."
        ) from None
    trials = args.trials
    for key, value in values.items():
        setattr(args, key, value)
    args.trials = trials if trials is not None else values["trials"]
    args.out = args.resume


def _save_settings(args: argparse.Namespace, out: Path) -> None:
    from pinnsolve.io.atomic import write_text

    saved = {k: getattr(args, k) for k in SAVED} | {"problem": str(Path(args.problem).resolve())}
    write_text(out / SETTINGS_FILE, json.dumps(saved, indent=2) + "\n")


def _check(args: argparse.Namespace) -> None:
    if args.resume is not None:
        _resumed(args)
    if args.problem is None:
        raise PinnsolveError("pinnsolve tune needs a problem file (or --resume DIR to continue a study).")
    if args.trials is None:
        raise PinnsolveError("pinnsolve tune needs --trials N: the number of trials the study should reach.")
    for name in ("trials", "workers", "threads"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise PinnsolveError(f"--{name} {value} is out of range; give a whole number of at least 1.")
    if args.timeout is not None and not args.timeout > 0:  # NaN too
        raise PinnsolveError(f"--timeout {args.timeout} must be a positive number of seconds.")


def _fresh(out: Path, args: argparse.Namespace) -> None:
    """--overwrite: start the study afresh, the earlier one's files in ``out`` (its sqlite study too) deleted.

    Without it an existing ``out`` continues the study kept there (tune's way to resume)."""
    if not getattr(args, "overwrite", False) or not out.exists():
        return
    if args.storage:
        raise PinnsolveError(
            f"--overwrite empties --out {out}, but the study lives in --storage {args.storage}, which it does "
            "not touch. Give a new --study name for a fresh study there, or drop --overwrite to continue it."
        )
    if not out.is_dir():
        raise PinnsolveError(f"--out {out}: a file of that name exists, and tune writes a folder. Give another --out.")
    import shutil

    shutil.rmtree(out)


def _prepare(args: argparse.Namespace, problem: Any, out: Path) -> tuple[Any, str | None]:
    """The validation (said on the terminal) and, for an FD reference, the file it is kept in."""
    from pinnsolve.tune.objective import choose_validation

    validation = choose_validation(problem, args.objective)
    for note in validation.notes:
        print(f"note: {note}")
    print(f"objective: {validation.description}")
    reference_file = None
    if validation.reference is not None:
        reference_file = str(validation.reference.save_npz(out / "reference.npz"))
    return validation, reference_file


def _draw(out: Path, study: Any, metrics: dict[str, Any]) -> None:
    from pinnsolve.tune.report import importances, rows
    from pinnsolve.viz.tune_plots import plot_best_solution, plot_importances, plot_optimisation_history

    plots = out / "plots"
    plot_optimisation_history(rows(study), plots / "optimisation_history.png", metrics["objective_source"])
    plot_importances(importances(study), plots / "importances.png")
    if metrics.get("best_run_dir"):
        plot_best_solution(metrics["best_run_dir"], plots)


def run(args: argparse.Namespace) -> int:
    """The study, to --trials; SIGTERM stops it as Ctrl-C does (trials saved, the study resumable)."""
    from pinnsolve.run import terminate_saves

    with terminate_saves():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from pinnsolve.dsl import load_problem
    from pinnsolve.dsl.assignments import parse_sets as _sets
    from pinnsolve.tune.adapter import cpu_count
    from pinnsolve.tune.report import write_summary
    from pinnsolve.tune.study import open_study, requeue_interrupted, run_workers, storage_url

    _check(args)
    dims, budget = _space(args)
    sets = _sets(args.set)
    problem = load_problem(args.problem, sets)
    out = Path(args.out or f"runs/tune-{problem.name}-{args.method}")
    _fresh(out, args)
    out.mkdir(parents=True, exist_ok=True)
    _save_settings(args, out)
    name = args.study or f"{problem.name}-{args.method}"
    validation, reference_file = _prepare(args, problem, out)
    url = storage_url(args.storage, out)
    study = open_study(url, name, args.sampler, args.pruner, args.seed)
    again = requeue_interrupted(study)
    if again:
        print(f"resuming: trial(s) {', '.join(map(str, again))} were cut short and run again from their checkpoints")
    threads = max(1, (args.threads or cpu_count()) // args.workers)
    print(
        f"study {name} in {url.split('@')[-1]}: {len(study.trials)} trial(s) so far, {args.trials} wanted; "
        f"{args.workers} worker(s) × {threads} thread(s)"
    )
    job = _job(args, sets, dims, url, name, out, validation.source, reference_file, threads)
    started = time.perf_counter()
    interrupted = False
    try:
        run_workers(job, args.workers)
    except KeyboardInterrupt:
        interrupted = True
    study = open_study(url, name, args.sampler, args.pruner, args.seed)
    context = _study_context(args, name, url, validation.description, sets, threads, started)
    context["trial_budget"] = budget
    metrics = write_summary(out, study, dims, context)
    _draw(out, study, metrics)
    _say(out, metrics)
    if interrupted:
        print(
            f"interrupted: the study is saved in {url.split('@')[-1]}. Continue it with: pinnsolve tune --resume {out}"
        )
        raise KeyboardInterrupt
    return 0


def _job(
    args: argparse.Namespace,
    sets: dict[str, Any],
    dims: Any,
    url: str,
    name: str,
    out: Path,
    source: str,
    reference_file: str | None,
    threads: int,
) -> Any:
    """What each worker process needs to run its trials of the study."""
    from pinnsolve.tune.study import Job

    return Job(
        str(Path(args.problem).resolve()),
        sets,
        dims,
        url,
        name,
        out / "trials",
        args.trials,
        source,
        reference_file,
        args.method,
        args.sampler,
        args.pruner,
        args.seed,
        threads,
        args.timeout,
    )


def _space(args: argparse.Namespace) -> tuple[Any, dict[str, int]]:
    """The searched space, with the default trial budget for the step counts it leaves out (said here)."""
    import dataclasses

    from pinnsolve.catalog import get_method
    from pinnsolve.tune.space import with_budget

    names = [f.name for f in dataclasses.fields(get_method(args.method).settings_type)]
    dims, budget = with_budget(parse_space(args.space), names)
    if budget:
        said = ", ".join(f"{k}={v}" for k, v in budget.items())
        print(f"trial budget: {said} (tune's default; fix steps= or lbfgs_steps= in --space to change it)")
    return dims, budget


def _study_context(
    args: argparse.Namespace, name: str, url: str, source: str, sets: dict[str, Any], threads: int, started: float
) -> dict[str, Any]:
    """How the study was run (the summary's context): storage, objective, method, sampler, workers, space."""
    return {
        "study": name,
        "storage": url.split("@")[-1],
        "objective": args.objective,
        "objective_source": source,
        "problem_file": args.problem,
        "method": args.method,
        "seed": args.seed,
        "sets": sets,
        "sampler": args.sampler,
        "pruner": args.pruner,
        "workers": args.workers,
        "threads_per_worker": threads,
        "space": args.space,
        "wall_time_s": time.perf_counter() - started,
    }


def _say(out: Path, m: dict[str, Any]) -> None:
    print(f"\n{m['n_trials']} trial(s): {m['n_complete']} complete, {m['n_pruned']} pruned, {m['n_failed']} failed.")
    if m["best_value"] is None:
        print("No trial completed, so there is no best setting yet.")
        return
    print(f"best: trial {m['best_trial']}, {m['objective_source']} = {m['best_value']:.3e}")
    print(f"  {m['best_params']}")
    print(f"rerun it with:\n  {m['best_command']}")
    print(
        f"Results in {out}/: metrics.json, trials.csv, trials.md, best_config.json, best_command.sh, plots/, "
        "trials/ (one run directory per trial)"
    )
