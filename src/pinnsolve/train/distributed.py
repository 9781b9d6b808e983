"""Data-parallel training over P processes (``torchrun --nproc-per-node P -m pinnsolve solve ...``).

Every process builds the same network (same seed) and the same collocation points, then keeps
only its shard: a contiguous 1/P of each loss term's points. The loss is a mean over all points,

.. math:: L = \\sum_i w_i \\frac{1}{N_i} \\sum_{j=1}^{N_i} r_{ij}^2
            = \\sum_{p=1}^{P} \\underbrace{\\sum_i w_i \\frac{1}{N_i} \\sum_{j \\in S_p} r_{ij}^2}_{L_p},

so each process computes its part L_p (the shard's sum of squares over the *global* count
N_i, which weighs uneven shards correctly), and the sum of the parts is the loss. After
``backward`` the parameter gradients are summed over the processes with one explicit
all-reduce (gloo on CPUs, NCCL on GPUs). DDP's own hooks are not used: they fire on the first
gradient of each parameter, and a PINN's loss holds derivatives of the network in its graph
(double backward), for which those hooks are not made. The loss values are summed too, so
every process sees the same loss and takes the same optimiser step (L-BFGS's line search
included): the processes stay bit-for-bit in step, and the result equals one process's over
the same points up to the order of the floating-point sums.
"""

from __future__ import annotations

import atexit
import os
from dataclasses import dataclass, replace
from typing import Any, NoReturn

import numpy as np
import torch


def launched() -> bool:
    """Whether this process was started by torchrun as one of several."""
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


def is_writer() -> bool:
    """Whether this process writes and reports (rank 0, or not launched by torchrun)."""
    return int(os.environ.get("RANK", "0")) == 0


@dataclass(frozen=True)
class ProcessGroup:
    """This process's place among the training processes: ``rank`` of ``world``, over ``backend``."""

    rank: int
    world: int
    backend: str
    local_rank: int = 0

    @property
    def writer(self) -> bool:
        """Only rank 0 writes the run directory and prints progress."""
        return self.rank == 0

    def device(self, name: str) -> str:
        """cuda → this process's own GPU (cuda:LOCAL_RANK); cpu stays cpu."""
        return f"cuda:{self.local_rank}" if name == "cuda" else name

    def all_reduce_gradients(self, model: torch.nn.Module) -> None:
        """Sum every parameter gradient over the processes (one flat buffer, one all-reduce)."""
        import torch.distributed as dist

        grads = [p.grad for p in model.parameters() if p.grad is not None]
        if not grads:
            return
        flat = torch.cat([g.reshape(-1) for g in grads])
        dist.all_reduce(flat)
        offset = 0
        for g in grads:
            g.copy_(flat[offset : offset + g.numel()].view_as(g))
            offset += g.numel()

    def share(self, n: int) -> slice:
        """This process's contiguous block of ``n`` evaluation points (the exact solution, the grid)."""
        return shard_range(n, self.rank, self.world)

    def all_gather(self, part: np.ndarray) -> np.ndarray:
        """Every process's ``part`` (rows of one array, each process's block), joined in rank order."""
        import torch.distributed as dist

        parts: list[Any] = [None] * self.world
        dist.all_gather_object(parts, np.asarray(part))
        return np.concatenate(parts, axis=0)

    def shard(self, objective: Any) -> ShardedObjective:
        """This process's part of ``objective`` (a `pinnsolve.residual.objective.Objective`)."""
        return ShardedObjective(objective, self)


def join(device: str = "cpu") -> ProcessGroup | None:
    """Join torchrun's process group (gloo on CPUs, NCCL on GPUs); None when not launched by torchrun."""
    if not launched():
        return None
    import torch.distributed as dist

    backend = "nccl" if device.startswith("cuda") else "gloo"
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if not dist.is_initialized():
        if backend == "nccl":
            torch.cuda.set_device(local_rank)
        dist.init_process_group(backend=backend)
        atexit.register(_leave)
    return ProcessGroup(dist.get_rank(), dist.get_world_size(), dist.get_backend(), local_rank)


def leave_and_exit(code: int) -> NoReturn:
    """End a process of torchrun's group: destroy the group, flush the output and exit with ``code``.

    Exits without the C++ static destructors: gloo's threads, torn down there, abort the process
    ("terminate called without an active exception", exit -6) in about one run of three on this
    machine, after all the work and files are done, and torchrun then reports the run as failed.
    """
    import sys

    _leave()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def in_group() -> bool:
    """Whether this process has joined a process group (launched by torchrun and `join` called)."""
    import torch.distributed as dist

    return dist.is_available() and dist.is_initialized()


def _leave() -> None:
    """Destroy the process group before the interpreter exits: a gloo group left to the C++ destructors can
    abort the process at exit ("terminate called without an active exception", exit -6) after its work is done."""
    import torch.distributed as dist

    if dist.is_initialized():
        dist.destroy_process_group()


def shard_range(n: int, rank: int, world: int) -> slice:
    """The contiguous block of ``n`` points that process ``rank`` of ``world`` keeps (sizes differ by ≤ 1)."""
    return slice(rank * n // world, (rank + 1) * n // world)


def _pick(values: Any, keep: slice) -> np.ndarray | None:
    return None if values is None else np.asarray(values)[keep]


class _Summed(torch.autograd.Function):
    """Value: the loss summed over the processes; gradient: passed to this process's own part."""

    @staticmethod
    def forward(ctx: Any, local: torch.Tensor, total: torch.Tensor) -> torch.Tensor:
        return total.clone()

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        return grad, None


class ShardedObjective:
    """The loss terms of this process's shard of the collocation points, valued as the global terms."""

    def __init__(self, objective: Any, group: ProcessGroup) -> None:
        from pinnsolve.residual.objective import Objective

        self.group = group
        self.full = objective
        terms = []
        for t in objective.terms:
            keep = shard_range(len(t.points), group.rank, group.world)
            share = (keep.stop - keep.start) / len(t.points)
            terms.append(
                replace(
                    t,
                    points=_pick(t.points, keep),
                    normals=_pick(t.normals, keep),
                    partner=_pick(t.partner, keep),
                    target=_pick(t.target, keep),
                    weight=t.weight * share,
                    slices=(),
                )
            )
        first = objective.points
        self.local = Objective(terms, objective.engine, first.dtype, first.device)

    @property
    def names(self) -> list[str]:
        return self.local.names

    @property
    def terms(self) -> list[Any]:
        return self.full.terms

    def __call__(self, model: torch.nn.Module) -> dict[str, torch.Tensor]:
        import torch.distributed as dist

        parts = self.local(model)
        totals = torch.stack([v.detach() for v in parts.values()])
        dist.all_reduce(totals)
        return {name: _Summed.apply(v, total) for (name, v), total in zip(parts.items(), totals)}


def without_flag(argv: list[str], flag: str) -> list[str]:
    """``argv`` with ``flag VALUE`` / ``flag=VALUE`` taken out."""
    out, skip = [], False
    for word in argv:
        if skip:
            skip = False
        elif word == flag:
            skip = True
        elif not word.startswith(flag + "="):
            out.append(word)
    return out


def launch(argv: list[str], nproc: int, threads: int | None, cores: int) -> int:
    """``pinnsolve solve ... --nproc P``: rerun the same command under torchrun with P processes.

    Each process gets ``threads`` CPU threads (default: the cores divided among the processes).
    """
    import subprocess
    import sys

    args = without_flag(argv, "--nproc")
    if threads is None:
        args += ["--threads", str(max(1, cores // nproc))]
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        f"--nproc-per-node={nproc}",
        "-m",
        "pinnsolve",
        *args,
    ]
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", str(max(1, cores // nproc)))}
    return subprocess.call(command, env=env)
