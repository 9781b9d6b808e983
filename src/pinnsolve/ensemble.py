"""``pinnsolve solve --ensemble K``: K members of one neural method, and what their spread says.

The runner (`pinnsolve.run.solve`, through `pinnsolve.ensemble_run`) hands an ensemble here with itself
as ``solve_member``; each member is an ordinary run of the method into ``RUN/members/member-k`` (its own
config.json, checkpoints, history, solution, plots), with the seed ``seed + k`` and, when the problem has
``Data``, a bootstrap resample of the measurements drawn from that seed (`resampled`). Members run

- in parallel processes when ``--threads`` allows (``min(K, threads)`` processes, the threads
  divided among them), else one after another in this process;
- under torchrun, distributed over the ranks of the process group (member k on rank k mod P).

Once all are done, rank 0 writes the ensemble's files into RUN: the mean `Solution` (solution.npz,
plots), the members' fields as `Samples` (samples.npz: ``u`` (K, ...), ``mean_u``, ``std_u``, the same
for each further field; plots/band.png: mean ± 2σ of each field), and metrics.json with the ensemble's
error, spread and each unknown's mean and 95 % interval (`pinnsolve.results.ensemble`). ``--resume RUN`` retrains no
finished member: those with a metrics.json are read back, those with a checkpoint continue.
"""

from __future__ import annotations

import copy
import io
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from pinnsolve.dsl.conditions import Data
from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import PinnsolveError, RunInterrupted, SettingsError
from pinnsolve.io.rundir import RunDirectory

__all__ = ["MEMBERS_DIR", "Member", "member_plan", "resampled", "run_ensemble", "workers_and_threads"]

MEMBERS_DIR = "members"


@dataclass
class Member:
    """One member's place: its index, seed, run directory, and whether it is done or can continue."""

    index: int
    seed: int
    path: Path

    @property
    def finished(self) -> bool:
        return (self.path / RunDirectory.METRICS).is_file()

    @property
    def resumable(self) -> bool:
        return (self.path / RunDirectory.CHECKPOINT).is_file() or (self.path / "checkpoint.prev.pt").is_file()


def member_plan(run_path: Path, seed: int, count: int, rank: int = 0, world: int = 1) -> list[Member]:
    """The members this process trains: k = rank, rank + world, ... of ``count`` (all of them alone)."""
    return [Member(k, seed + k, run_path / MEMBERS_DIR / f"member-{k}") for k in range(rank, count, world)]


def workers_and_threads(members: int, threads: int) -> tuple[int, int]:
    """(parallel processes, threads each): one process per member while cores allow, the rest shared."""
    workers = max(1, min(members, threads))
    return workers, max(1, threads // workers)


def resampled(problem: Problem, seed: int) -> Problem:
    """``problem`` with each ``Data`` condition's measurements replaced by a bootstrap resample (drawn
    with replacement, as many as there are) from ``seed``; a problem without data is returned as is."""
    if not any(isinstance(c, Data) for c in problem.conditions):
        return problem
    rng = np.random.default_rng([seed, 0x5EED])
    conditions = []
    for c in problem.conditions:
        if isinstance(c, Data):
            pick = rng.integers(0, len(c.values), len(c.values))
            c = copy.copy(c)
            c.points, c.values = c.points[pick], c.values[pick]
        conditions.append(c)
    new = copy.copy(problem)
    new.conditions = conditions
    return new


def _train(spec: dict[str, Any]) -> tuple[int, str]:
    """Train one member (in this process or a worker); returns (index, "" or the error's message)."""
    problem = spec.get("problem")
    if problem is None:  # a worker process: the problem file again, with the run's parameter values
        import torch

        from pinnsolve.dsl import load_problem

        torch.set_num_threads(spec["threads"])
        problem = load_problem(spec["file"], spec["parameters"])
    member: Member = spec["member"]
    options = replace(spec["options"], ensemble=1, seed=member.seed, threads=spec["threads"])
    log = spec.get("stream")
    handle = None
    if log is None:  # beside the member's folder, which a fresh run empties
        member.path.parent.mkdir(parents=True, exist_ok=True)
        handle = log = open(member.path.with_suffix(".log"), "a", encoding="utf-8")  # noqa: SIM115
    try:
        spec["solve"](
            resampled(problem, member.seed),
            options,
            out=member.path,
            plain=True,
            resume_dir=member.path if spec["resume"] else None,
            stream=log,
            overwrite=True,
            checkpoint_every=spec["checkpoint_every"],
            distributed=False,
        )
        return member.index, ""
    except RunInterrupted:
        raise
    except PinnsolveError as exc:
        return member.index, str(exc)
    finally:
        if handle is not None:
            handle.close()


def _run_members(
    problem: Problem, options: Any, members: list[Member], solve_member: Callable[..., Any], **common: Any
) -> dict[int, str]:
    """Train ``members`` (parallel processes where threads allow); the failures' messages by index."""
    threads = options.threads or 1
    workers, each = workers_and_threads(len(members), threads)
    say = common.pop("say")
    todo = [m for m in members if not m.finished]
    for m in members:
        if m.finished:
            say(f"member {m.index} (seed {m.seed}): finished earlier, read back")
    specs = [
        {"member": m, "options": options, "solve": solve_member, "resume": m.resumable, "threads": each, **common}
        for m in todo
    ]
    if workers == 1 or len(todo) < 2 or problem.file is None or common.get("group") is not None:
        return {i: e for i, e in (_train({**s, "problem": problem, "threads": threads}) for s in specs) if e}
    import concurrent.futures
    import multiprocessing

    given = {n: v for n, v in problem.parameter_values.items() if n in getattr(problem, "fixed_parameters", ())}
    for s in specs:
        s.update(file=problem.file, parameters=given, stream=None)
    say(f"{len(todo)} members in {workers} processes of {each} thread(s) each (progress in members/member-*.log)")
    failures: dict[int, str] = {}
    pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        for future in concurrent.futures.as_completed([pool.submit(_train, s) for s in specs]):
            index, error = future.result()
            say(f"member {index}: {'failed: ' + error if error else 'done'}")
            if error:
                failures[index] = error
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: each running member saves its checkpoint (SIGTERM), then stops
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return failures


def run_ensemble(
    problem: Problem,
    options: Any,
    run: RunDirectory | None,
    group: Any,
    solve_member: Callable[..., Any],
    *,
    resume: bool,
    stream: Any,
    checkpoint_every: str | None,
) -> tuple[Any, dict[str, Any]] | None:
    """Train this process's members, then (rank 0) aggregate them: (mean Solution, metrics), written
    into ``run``; None on the other ranks."""
    rank, world = (group.rank, group.world) if group is not None else (0, 1)
    path = _shared_path(run, group)
    out = stream if stream is not None else sys.stdout

    def say(text: str) -> None:
        print(f"ensemble: {text}", file=out, flush=True)

    members = member_plan(path, options.seed, options.ensemble, rank, world)
    started = time.perf_counter()
    stream_for_members = stream if stream is not None else (io.StringIO() if world > 1 else sys.stdout)
    failures = _run_members(
        problem,
        options,
        members,
        solve_member,
        say=say,
        stream=stream_for_members,
        checkpoint_every=checkpoint_every,
        group=group,
    )
    if group is not None:
        import torch.distributed as dist

        gathered: list[Any] = [None] * world
        dist.all_gather_object(gathered, failures)
        failures = {k: v for part in gathered for k, v in part.items()}
    if run is None:
        return None
    everyone = member_plan(path, options.seed, options.ensemble)
    return _aggregate(problem, options, run, everyone, failures, time.perf_counter() - started)


def _shared_path(run: RunDirectory | None, group: Any) -> Path:
    """The run directory's path, sent from rank 0 to every rank under torchrun."""
    if group is None:
        assert run is not None
        return run.path
    import torch.distributed as dist

    box = [str(run.path) if run is not None else None]
    dist.broadcast_object_list(box, src=0)
    return Path(box[0])


def _aggregate(
    problem: Problem, options: Any, run: RunDirectory, members: list[Member], failures: dict[int, str], wall: float
) -> tuple[Any, dict[str, Any]]:
    """The mean Solution and the ensemble's metrics; samples.npz and the band plot written into ``run``."""
    from pinnsolve.results.ensemble import ensemble_samples, mean_solution, spread_metrics, unknown_statistics
    from pinnsolve.solution import Solution

    done = [m for m in members if m.index not in failures and m.finished]
    if len(done) < 2:
        raise SettingsError(
            f"--ensemble {options.ensemble}: only {len(done)} member(s) finished ({'; '.join(failures.values())}). "
            f"An ensemble needs two; see {run.path / MEMBERS_DIR}."
        )
    solutions = [Solution.load(m.path) for m in done]
    records = [RunDirectory(m.path).read_metrics() for m in done]
    mean = mean_solution(solutions)
    metrics: dict[str, Any] = {**mean.metrics(), **spread_metrics(solutions, mean)}
    metrics.update(
        {
            "method": options.method,
            "ensemble": len(done),
            "ensemble_requested": options.ensemble,
            "member_seeds": [m.seed for m in done],
            "failed_members": {str(k): v for k, v in failures.items()},
            "members_wall_time_s": wall,
            "steps": records[0].get("steps"),
            "status": "ok" if all(r.get("status", "ok") == "ok" for r in records) else "warning",
        }
    )
    unknowns = {n: p for n, p in problem.parameters.items() if getattr(p, "trainable", False)}
    if unknowns:
        metrics["unknowns"] = {
            n: unknown_statistics([r["unknowns"][n] for r in records], getattr(p, "exact", None))
            for n, p in unknowns.items()
        }
    samples = ensemble_samples(solutions, options.method, {"member_seeds": metrics["member_seeds"]})
    if samples is not None:
        samples.save(run.path)
        samples.plot("band", run.plots)
    return mean, metrics
