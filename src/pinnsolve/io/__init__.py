"""Files: atomic writes, run directories, solution files for ParaView."""

from __future__ import annotations

from pinnsolve.io.atomic import atomic_write, temp_name, write_json, write_text
from pinnsolve.io.paraview import write_paraview
from pinnsolve.io.rundir import DEFAULT_ROOT, HISTORY_FILE, RunDirectory, make_run_dir, read_history

__all__ = [
    "DEFAULT_ROOT",
    "HISTORY_FILE",
    "RunDirectory",
    "atomic_write",
    "make_run_dir",
    "read_history",
    "temp_name",
    "write_json",
    "write_paraview",
    "write_text",
]
