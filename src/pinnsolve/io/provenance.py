"""The reproducibility record of a run: versions, the problem file's hash, the command, the commit."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

__all__ = ["file_hash", "git_commit", "provenance", "thread_record", "versions"]


def versions() -> dict[str, str]:
    """Versions of pinnsolve and of the libraries whose numerics decide a result."""
    import numpy
    import scipy
    import sympy
    import torch

    from pinnsolve._version import __version__

    return {
        "pinnsolve": __version__,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "sympy": sympy.__version__,
        "platform": platform.platform(),
    }


def file_hash(path: str | Path | None) -> str | None:
    """SHA-256 of a file's bytes, or None when there is no such file."""
    if not path or not Path(path).is_file():
        return None
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def git_commit(near: str | Path | None) -> str | None:
    """The commit of the git checkout that holds ``near`` (a file or folder), if any and clean or not."""
    if near is None:
        return None
    folder = Path(near).resolve()
    folder = folder if folder.is_dir() else folder.parent
    try:
        out = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def thread_record() -> dict[str, Any]:
    """The process's threads as the numerics ran: torch's intra-op count and the OpenMP wait policy."""
    import torch

    from pinnsolve.io.cores import available_cores, last_choice

    return {
        "torch_threads": torch.get_num_threads(),
        "chosen": last_choice() or "given (--threads, or the caller's torch.set_num_threads)",
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY") or "the OpenMP runtime's default (spin, then sleep)",
        "cores_available": available_cores(),
    }


def provenance(problem_file: str | Path | None) -> dict[str, Any]:
    """What config.json records besides the settings: versions, threads, file hash, command and commit."""
    return {
        "versions": versions(),
        "threads": thread_record(),
        "problem_sha256": file_hash(problem_file),
        "command": list(sys.argv),
        "git_commit": git_commit(problem_file),
    }
