"""Optuna studies: storage, samplers, pruners, and K worker processes sharing one study.

Workers never talk to each other: each opens the study in the shared relational storage (a
SQLite file on one machine, PostgreSQL across machines), asks it for a trial's settings, runs
it and writes back the score. Any number of processes, on any number of machines, can join a
study by running the same command against the same storage (Akiba et al., "Optuna", KDD 2019).
"""

from __future__ import annotations

import multiprocessing
import os
import socket
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pinnsolve.errors import PinnsolveError
from pinnsolve.tune.objective import ERROR_ATTR
from pinnsolve.tune.space import Dimension

SAMPLERS = ("tpe", "cmaes", "ga", "random")
PRUNERS = ("median", "hyperband", "none")


def optuna_module() -> Any:
    try:
        import optuna
    except ImportError:  # pragma: no cover - a main dependency
        raise PinnsolveError("pinnsolve tune needs Optuna: pip install optuna cmaes.") from None
    return optuna


def make_sampler(name: str, seed: int) -> Any:
    """tpe (Bergstra et al. 2011), cmaes (Hansen's CMA-ES), ga (NSGA-II, a genetic algorithm), random."""
    samplers = optuna_module().samplers
    if name == "tpe":
        return samplers.TPESampler(seed=seed, multivariate=True, n_startup_trials=8)
    if name == "cmaes":
        # CMA-ES handles the real and integer dimensions; choices fall back to random sampling
        return samplers.CmaEsSampler(seed=seed, n_startup_trials=4, warn_independent_sampling=False)
    if name == "ga":
        return samplers.NSGAIISampler(seed=seed, population_size=8)
    if name == "random":
        return samplers.RandomSampler(seed=seed)
    raise PinnsolveError(f"--sampler {name} is not known; use one of {', '.join(SAMPLERS)}.")


def make_pruner(name: str) -> Any:
    """median: stop a trial whose error is worse than the median of earlier trials at the same step."""
    pruners = optuna_module().pruners
    if name == "median":
        # the error is measured every 100 steps: with tune's default 200 + 50 steps a trial can be pruned at 200
        return pruners.MedianPruner(n_startup_trials=4, n_warmup_steps=100)
    if name == "hyperband":
        return pruners.HyperbandPruner(min_resource=100)
    if name == "none":
        return pruners.NopPruner()
    raise PinnsolveError(f"--pruner {name} is not known; use one of {', '.join(PRUNERS)}.")


def storage_url(text: str | None, out: Path) -> str:
    """The study's database URL: ``--storage`` as given, or a SQLite file in the output directory.

    ``postgresql://`` URLs are served by psycopg 3 when psycopg2 is not installed.
    """
    if not text:
        return f"sqlite:///{(out / 'tune.db').resolve()}"
    if text.startswith(("postgresql://", "postgres://")):
        try:
            import psycopg2  # noqa: F401
        except ImportError:
            try:
                import psycopg  # noqa: F401
            except ImportError:
                raise PinnsolveError(
                    f"--storage {text} needs a PostgreSQL driver: pip install 'pinnsolve[postgres]' "
                    "(psycopg), then run the same command again."
                ) from None
            return "postgresql+psycopg://" + text.split("://", 1)[1]
    if not text.startswith(("sqlite:///", "postgresql", "mysql")):
        raise PinnsolveError(
            f"--storage {text} is not a database URL. Use sqlite:///tune.db (a file on this "
            "machine) or postgresql://user@host/db (shared by machines)."
        )
    return text


def make_storage(url: str) -> Any:
    """A relational storage with heartbeats, so trials of a crashed worker are marked failed."""
    optuna = optuna_module()
    kwargs = {"connect_args": {"timeout": 120}} if url.startswith("sqlite") else {"pool_pre_ping": True}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            return optuna.storages.RDBStorage(url, engine_kwargs=kwargs, heartbeat_interval=20, grace_period=60)
    except Exception as exc:  # noqa: BLE001 - sqlalchemy's many connection errors, each said in one line
        raise PinnsolveError(
            f"--storage {url}: cannot open the study database ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0]}). Check that the server runs and the URL is right."
        ) from None


def open_study(url: str, name: str, sampler: str = "tpe", pruner: str = "median", seed: int = 0) -> Any:
    """Create the study, or load it if it exists (a study resumes after a crash or Ctrl-C)."""
    optuna = optuna_module()
    return optuna.create_study(
        storage=make_storage(url),
        study_name=name,
        direction="minimize",
        sampler=make_sampler(sampler, seed),
        pruner=make_pruner(pruner),
        load_if_exists=True,
    )


def counted(trial: Any) -> bool:
    """Trials that count towards --trials: finished, running, or failed through their own settings.

    Waiting trials (enqueued to resume an interrupted one) are still to be run, so they do not count.
    """
    state = trial.state.name
    return state in ("COMPLETE", "PRUNED", "RUNNING") or (state == "FAIL" and ERROR_ATTR in trial.user_attrs)


def stop_at(n_trials: int) -> Any:
    def callback(study: Any, trial: Any) -> None:
        if sum(counted(t) for t in study.get_trials(deepcopy=False)) >= n_trials:
            study.stop()

    return callback


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def fail_dead_trials(study: Any) -> list[int]:
    """Mark failed, at once, the RUNNING trials whose worker ran on this machine and is gone (kill -9, a crash).

    Trials of workers on other machines are left to the storage's heartbeat (failed once it is
    older than its grace period); a live worker's trial (another tune command here) is left alone.
    """
    optuna = optuna_module()
    host, dead = socket.gethostname(), []
    for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
        name, _, pid = str(t.user_attrs.get("worker", "")).rpartition(":")
        if name == host and pid.isdigit() and not _alive(int(pid)):
            study._storage.set_trial_state_values(t._trial_id, state=optuna.trial.TrialState.FAIL)
            dead.append(t.number)
    return dead


def requeue_interrupted(study: Any) -> list[int]:
    """Enqueue again the trials cut short by Ctrl-C, SIGTERM or a crash; each resumes its run's checkpoint."""
    optuna = optuna_module()
    fail_dead_trials(study)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        optuna.storages.fail_stale_trials(study)
    trials = study.get_trials(deepcopy=False)
    taken = {t.user_attrs.get("resume_from") for t in trials}
    again = [
        t
        for t in trials
        if t.state.name == "FAIL" and ERROR_ATTR not in t.user_attrs and t.number not in taken and t.params
    ]
    for t in again:
        study.enqueue_trial(t.params, user_attrs={"resume_from": t.number}, skip_if_exists=False)
    return [t.number for t in again]


@dataclass
class Job:
    """Everything a worker process needs (plain values: it is sent to a fresh process)."""

    problem_file: str
    sets: dict[str, Any]
    dims: Sequence[Dimension]
    url: str
    study: str
    runs: Path
    n_trials: int
    source: str
    reference_file: str | None = None
    method: str = "pinn"
    sampler: str = "tpe"
    pruner: str = "median"
    seed: int = 0
    threads: int = 1
    timeout: float | None = None
    worker: int = 0
    notes: list[str] = field(default_factory=list)


def work(job: Job) -> None:
    """One worker: open the shared study and run trials until the study has ``n_trials``."""
    from pinnsolve.dsl import load_problem
    from pinnsolve.solution import Solution
    from pinnsolve.tune.objective import TrialSettings, Validation, make_objective

    problem = load_problem(job.problem_file, job.sets)
    reference = Solution.load_npz(job.reference_file) if job.reference_file else None
    validation = Validation(job.source, reference)
    study = open_study(job.url, job.study, job.sampler, job.pruner, seed=job.seed + 1000 * job.worker)
    if sum(counted(t) for t in study.get_trials(deepcopy=False)) >= job.n_trials:
        return
    objective = make_objective(
        TrialSettings(problem, job.dims, validation, job.runs, job.method, job.seed, job.threads)
    )
    study.optimize(
        objective,
        n_trials=job.n_trials,
        timeout=job.timeout,
        catch=(PinnsolveError,),
        callbacks=[stop_at(job.n_trials)],
        gc_after_trial=True,
    )


def _work_quietly(job: Job) -> None:
    """A worker process: SIGTERM and Ctrl-C save the running trial's checkpoint and end the worker.

    The process is the worker's own: its torch thread count is set to its share (``job.threads``),
    since a spawned process would otherwise start one thread per core and K workers oversubscribe them.
    """
    import torch

    from pinnsolve.run import terminate_saves

    torch.set_num_threads(max(1, job.threads))
    try:
        with terminate_saves():
            work(job)
    except KeyboardInterrupt:
        pass


def run_workers(job: Job, workers: int) -> None:
    """Run ``workers`` worker processes on this machine (one runs in this process when K = 1)."""
    from dataclasses import replace

    if workers == 1:
        work(job)
        return
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_work_quietly, args=(replace(job, worker=k),), name=f"tune-worker-{k}")
        for k in range(workers)
    ]
    for p in processes:
        p.start()
    try:
        for p in processes:
            p.join()
    except KeyboardInterrupt:
        # Ctrl-C (or SIGTERM to the process group) reached the workers too: each trial saves its checkpoint
        # and the worker ends. A SIGTERM sent to this process alone is passed on to those still running.
        for p in processes:
            p.join(timeout=3)
        for p in processes:
            if p.is_alive():
                p.terminate()
        for p in processes:
            p.join()
        raise
