"""Atomic file writes: a killed run never leaves a half-written file behind.

Everything pinnsolve writes goes to a temporary file in the target's own directory and is
renamed over the target with :func:`os.replace` only once it is complete. A rename within one
file system is atomic, so a reader sees either the old file or the new one, never a mixture.
"""

from __future__ import annotations

import json
import math
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["atomic_write", "temp_name", "write_json", "write_text"]


def temp_name(path: str | Path) -> Path:
    """A fresh hidden name beside ``path`` that keeps its suffix: ``.solution.tmp-3fa9c1.npz``.

    The suffix stays last because numpy, meshio and matplotlib choose the format by it
    (``np.savez`` would otherwise append ``.npz`` to a name it does not recognise).
    """
    path = Path(path)
    return path.with_name(f".{path.stem}.tmp-{secrets.token_hex(4)}{path.suffix}")


@contextmanager
def atomic_write(path: str | Path, *, fsync: bool = True) -> Iterator[Path]:
    """Yield a temporary path to write to; on success it replaces ``path``.

    If the body raises (or the process is interrupted), the temporary file is removed and
    ``path`` is left as it was. The parent directory is created if missing. With ``fsync``
    the data reach the disk before the rename, so the file also survives a power cut.

    >>> with atomic_write("runs/x/solution.npz") as tmp:   # doctest: +SKIP
    ...     np.savez(tmp, u=u)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        tmp = temp_name(path)
        try:
            # O_EXCL: never reuse someone else's temporary; mode 0o666 so the umask applies
            # (mkstemp would leave every result readable by its owner only).
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            break
        except FileExistsError:
            continue
    try:
        yield tmp
        if not tmp.exists():
            raise FileNotFoundError(f"nothing was written to the temporary file {tmp}")
        if fsync:
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    path = Path(path)
    with atomic_write(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def write_json(path: str | Path, obj: Any, *, indent: int = 2) -> Path:
    """Write ``obj`` as JSON atomically.

    numpy scalars and arrays become plain numbers and lists, paths become strings, and
    non-finite floats (a diverged loss) become ``null`` so the file stays strict JSON.
    """
    text = json.dumps(_plain(obj), indent=indent, allow_nan=False, sort_keys=False)
    return write_text(path, text + "\n")


def _plain(obj: Any) -> Any:
    """Recursively turn numpy and path objects into what strict JSON can hold."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist())
    if isinstance(obj, np.generic):
        return _plain(obj.item())
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    return obj
