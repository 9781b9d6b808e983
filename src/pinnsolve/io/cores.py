"""How many threads a run takes by default: the cores it may use, less those other processes keep busy.

Torch's intra-op threads wait for each other between parallel regions by spinning (the OpenMP
runtime's default). On a machine where another process keeps a core busy, a thread that shares
that core stalls every parallel region of the others: measured on 2 cores beside one busy-loop
process, 2 threads ran a PINN step 4× slower than alone (0.24–0.27× of their idle speed), while
one thread kept 0.95–1.08× of its own idle speed (`benchmarks/threads`). So the default takes the
cores that are idle when the run starts, sampled from ``/proc/stat`` over a fifth of a second.
Sleeping OpenMP waits (``OMP_WAIT_POLICY=PASSIVE``) do not collapse either, but halve the idle
speed of 2 threads; they stay the user's choice through the environment.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

__all__ = ["available_cores", "busy_cores", "default_threads", "last_choice", "note_given", "threads_for"]

#: how long the other processes' load is sampled before a run picks its thread count
SAMPLE_S = 0.2


def available_cores() -> int:
    """All cores this process may use (sched_getaffinity respects container limits)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _cpu_times(stat: Path) -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs from the first line of /proc/stat."""
    values = [float(v) for v in stat.read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0.0)  # idle + iowait
    return sum(values) - idle, sum(values)


def busy_cores(interval: float = SAMPLE_S, stat: Path = Path("/proc/stat")) -> float:
    """Cores' worth of work other processes did over ``interval`` seconds (this one sleeps meanwhile);
    0 where /proc/stat cannot be read."""
    try:
        busy0, total0 = _cpu_times(stat)
        time.sleep(interval)
        busy1, total1 = _cpu_times(stat)
    except (OSError, ValueError, IndexError):
        return 0.0
    if total1 <= total0:
        return 0.0
    return (busy1 - busy0) / (total1 - total0) * (os.cpu_count() or 1)


def threads_for(cores: int, busy: float) -> int:
    """Threads for ``cores`` usable cores of which ``busy`` are kept busy by others: the idle ones, at least 1.

    A core counts as taken when another process keeps it busy more than half the time.
    """
    return max(1, cores - int(busy + 0.5))


_last: list[str] = []


def default_threads() -> tuple[int, str]:
    """The default thread count, and a sentence saying how it was chosen (also kept for `last_choice`)."""
    cores = available_cores()
    if cores == 1:
        threads, why = 1, "1 core available"
    else:
        busy = busy_cores()
        threads = threads_for(cores, busy)
        why = (
            f"{threads} of {cores} cores: other processes kept {busy:.1f} cores busy when the run started "
            "(spinning threads on a shared core stall each other; --threads overrides)"
        )
    _last[:] = [why]
    return threads, why


def note_given(threads: int) -> None:
    """Record that the thread count was given (--threads), not chosen."""
    _last[:] = [f"{threads}, given by --threads"]


def last_choice() -> str | None:
    """How this process's default thread count was chosen, if it was (for the run's config.json)."""
    return _last[0] if _last else None
