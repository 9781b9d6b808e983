"""Where the problem file being loaded lives, so that paths written in it resolve against it.

`pinnsolve.dsl.loader.load_problem` runs a problem file inside ``problem_directory(folder)``;
objects that a problem file builds from a relative path (``MeshDomain("meshes/plate.msh")``)
ask `current_problem_directory` for the folder to resolve it against. The value lives in a
`contextvars.ContextVar` set only for the duration of the load: nothing process-wide, no
stack-frame inspection, and two loads in two threads do not see each other's folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

__all__ = ["current_problem_directory", "problem_directory"]

_DIRECTORY: ContextVar[Path | None] = ContextVar("pinnsolve_problem_directory", default=None)


@contextmanager
def problem_directory(folder: str | Path) -> Iterator[Path]:
    """Within the block, relative paths in problem-file objects resolve against ``folder``."""
    resolved = Path(folder).resolve()
    token = _DIRECTORY.set(resolved)
    try:
        yield resolved
    finally:
        _DIRECTORY.reset(token)


def current_problem_directory() -> Path | None:
    """The folder of the problem file being loaded, or None outside `load_problem`."""
    return _DIRECTORY.get()
