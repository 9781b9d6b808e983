"""``pinnsolve reference`` on a Schrödinger problem: the finite-difference spectrum in a run directory.

For one particle on a line, `pinnsolve.quantum.eigen.finite_difference_spectrum` (sparse H,
``eigsh``) gives the k lowest levels; they are written as a `Spectrum` (``energy`` the ground
level, ``levels`` all k, the wave functions on the grid in ``spectrum.npz``) beside config.json and
metrics.json, so ``pinnsolve plot`` and validation read it as any other spectrum.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from pinnsolve.errors import SettingsError
from pinnsolve.io import RunDirectory
from pinnsolve.quantum.eigen import finite_difference_spectrum
from pinnsolve.quantum.problem import Schrodinger
from pinnsolve.results.spectrum import Spectrum

__all__ = ["DEFAULT_POINTS", "DEFAULT_STATES", "reference_spectrum", "write_reference_spectrum"]

DEFAULT_STATES = 4
DEFAULT_POINTS = 4000


def reference_spectrum(problem: Schrodinger, states: int = DEFAULT_STATES, points: int = DEFAULT_POINTS) -> Spectrum:
    """The ``states`` lowest levels of ``problem`` by finite differences on ``points`` interior nodes (a `Spectrum`)."""
    if states < 1 or points < max(20, states + 2):
        raise SettingsError(
            f"--states {states} and --grid x={points}: give at least one state and 20 or more grid points "
            "(the default is 4 states on 4000 points)."
        )
    if points > 5_000_000:
        raise SettingsError(f"--grid x={points}: too many points for the sparse eigen-solver; give 5000000 or fewer.")
    found = finite_difference_spectrum(problem, states=states, points=points)
    return Spectrum(
        problem=problem.name,
        energy=float(found.energies[0]),
        energy_error=0.0,
        variance=0.0,
        acceptance=float("nan"),
        autocorrelation_time=float("nan"),
        rhat=float("nan"),
        samples=points,
        exact_energy=problem.exact(),
        n_particles=1,
        dim=1,
        arrays={"grid": found.grid, "states": found.states},
        levels=[float(e) for e in found.energies],
    )


def write_reference_spectrum(
    problem: Schrodinger,
    out: str | Path | None = None,
    *,
    states: int = DEFAULT_STATES,
    points: int = DEFAULT_POINTS,
    overwrite: bool = False,
) -> Path:
    """Solve, then write the run directory (nothing is created before the solve succeeds); its path."""
    clock = time.perf_counter()
    spectrum = reference_spectrum(problem, states, points)
    wall = time.perf_counter() - clock
    run = RunDirectory.create(out, problem.name, "fd-spectrum", overwrite=overwrite)
    file = getattr(problem, "file", None)
    record: dict[str, Any] = {
        "problem": {
            "name": problem.name,
            "file": file and str(Path(file).resolve()),
            "parameters": dict(problem.parameter_values),
        },
        "method": "fd-spectrum",
        "settings": {"states": states, "points": points},
        "choices": {
            "half_width": float(
                -spectrum.arrays["grid"][0] + (spectrum.arrays["grid"][1] - spectrum.arrays["grid"][0])
            ),
            "scheme": "second-order stencil, ψ(±L) = 0, scipy.sparse.linalg.eigsh shift-invert",
        },
    }
    run.write_config(record, result_kind=spectrum.kind, problem_file=file)
    spectrum.save(run.path)
    run.write_metrics({**spectrum.metrics(), "wall_time_s": wall, "method": "fd-spectrum"})
    spectrum.plot_all(run.plots)
    return run.path
