"""Library calls leave process-wide state alone: threads, default dtype, global RNGs, pyvista's
off-screen flag, matplotlib's rcParams, the working directory (only the CLI entry point sets any)."""

from __future__ import annotations

import importlib.util
import os

import matplotlib
import numpy as np
import torch

from pinnsolve.dsl import describe, load_problem
from pinnsolve.geometry import Disk, MeshDomain
from pinnsolve.reference import solve_reference
from pinnsolve.validate.statement import statement


def snapshot() -> dict:
    state = {
        "threads": torch.get_num_threads(),
        "dtype": torch.get_default_dtype(),
        "torch_rng": torch.get_rng_state().clone(),
        "numpy_rng": repr(np.random.get_state()[1][:8]),
        "rc": dict(matplotlib.rcParams),
        "cwd": os.getcwd(),
    }
    if importlib.util.find_spec("pyvista") is not None:
        import pyvista

        state["off_screen"] = pyvista.OFF_SCREEN
    return state


def test_loading_sampling_solving_and_rendering_setup_change_no_process_state(problems_dir):
    before = snapshot()
    problem = load_problem(problems_dir / "plate_hole.py")  # a mesh file, resolved against the problem's folder
    problem.domain.sample_interior(64, "sobol", np.random.default_rng(0))
    MeshDomain(problems_dir / "meshes" / "plate_hole.msh").sample_boundary(32, "random", 1)
    Disk((0, 0), 1).sample_interior(16, "halton", 2)
    heat = load_problem(problems_dir / "heat1d.py")
    solve_reference(heat, {"x": 21, "t": 11})
    describe(heat)
    statement(heat)
    if importlib.util.find_spec("pyvista") is not None:
        from pinnsolve.viz.render import require_pyvista

        require_pyvista()
    after = snapshot()
    assert after.pop("rc") == before.pop("rc")
    assert torch.equal(after.pop("torch_rng"), before.pop("torch_rng"))
    assert after == before
