"""Bounded memory: estimate what a grid, a point set or a batch needs before allocating it.

A run that asks for more than the machine has is not killed by the kernel minutes later
(exit 137, nothing written) nor left swapping: `require_memory` refuses it at once, with the
estimate and the largest size that fits. Collocation sampling (`pinnsolve.methods.base`), the
evaluation grid (`pinnsolve.evaluate`) and the reference grid (`pinnsolve.reference.grid`)
all call it.

The budget is half the memory available to the process (``MemAvailable`` in /proc/meminfo,
lowered to the cgroup limit of a container or batch job); ``PINNSOLVE_MEMORY_LIMIT`` (bytes,
or with a K/M/G suffix) sets it by hand.
"""

from __future__ import annotations

import os
from pathlib import Path

from pinnsolve.errors import SettingsError

__all__ = ["available_memory", "format_bytes", "require_memory"]

#: the share of the available memory one allocation may claim (the rest: Python, torch, the OS)
SHARE = 0.5


def _parse_bytes(text: str) -> int:
    text = text.strip().upper().rstrip("B")
    scale = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def available_memory() -> int:
    """Bytes this process can still allocate: the smaller of free RAM and the cgroup's headroom."""
    limit = os.environ.get("PINNSOLVE_MEMORY_LIMIT")
    if limit:
        try:
            return _parse_bytes(limit)
        except ValueError:
            raise SettingsError(f"PINNSOLVE_MEMORY_LIMIT={limit!r} is not a size; give bytes or e.g. 8G.") from None
    candidates = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                candidates.append(int(line.split()[1]) * 1024)
    except OSError:
        pass
    try:
        cap = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = Path("/sys/fs/cgroup/memory.current").read_text().strip()
        if cap != "max":
            candidates.append(max(0, int(cap) - int(used)))
    except (OSError, ValueError):
        pass
    if not candidates:
        try:
            candidates.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
            return 2**63
    return min(candidates)


def format_bytes(n: float) -> str:
    """``3.2 GiB``: a byte count for people."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} PiB"  # pragma: no cover


def require_memory(what: str, count: int, bytes_each: float, flag: str, fixed: float = 0.0) -> None:
    """Refuse ``count`` items of ``bytes_each`` (plus ``fixed``) when they exceed the memory budget.

    ``what`` names the allocation ("interior collocation points"), ``flag`` the option that sets
    ``count`` (``--points``): the message gives the estimate, the memory available, and the
    largest count that fits.
    """
    needed = fixed + count * bytes_each
    available = available_memory()
    budget = SHARE * available
    if needed <= budget:
        return
    largest = max(0, int((budget - fixed) // max(bytes_each, 1)))
    raise SettingsError(
        f"{flag}: {count:,} {what} would need about {format_bytes(needed)} of memory, more than "
        f"half of the {format_bytes(available)} available. The largest that fits is about "
        f"{largest:,}; give a smaller {flag} (or run on a machine with more memory)."
    )
