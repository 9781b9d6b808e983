"""Where a validation ran: versions, threads, device and processor, date, command, commit."""

from __future__ import annotations

import platform
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["environment"]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _commit(where: Path) -> str | None:
    """The git commit of the source tree (read-only query), with '+ local changes' when dirty."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=where,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        if head.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=where,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        return head.stdout.strip() + (" + local changes" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def environment(device: str = "cpu", dtype: str = "float64") -> dict[str, Any]:
    """A flat record of the machine and software, for the report and validation.json."""
    import torch

    from pinnsolve.io.cores import available_cores
    from pinnsolve.io.provenance import versions

    info: dict[str, Any] = {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z"),
        **versions(),
        "matplotlib": _version("matplotlib"),
        "processor": _cpu_model(),
        "cores available": available_cores(),
        "torch threads": torch.get_num_threads(),
        "device": device,
        "dtype": dtype,
        "command": " ".join(["pinnsolve" if Path(sys.argv[0]).name == "pinnsolve" else sys.argv[0], *sys.argv[1:]]),
    }
    if device.startswith("cuda") and torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
    commit = _commit(Path(__file__).resolve().parent)
    if commit:
        info["git commit"] = commit
    return info


def _version(module: str) -> str:
    try:
        return __import__(module).__version__
    except (ImportError, AttributeError):
        return "not installed"
