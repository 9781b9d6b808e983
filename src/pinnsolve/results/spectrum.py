"""`Spectrum`: a ground-state energy with its error bar, and the densities of the sampled state.

Files: ``spectrum.json`` (the energy, its blocking error, the variance of the local energy,
acceptance, autocorrelation time, R̂ and the exact energy when known) and ``spectrum.npz``
(the energy per optimisation iteration, the one-body density as histograms, the
pair-distance distribution). The metrics are those of the issue: ``energy``,
``energy_error``, ``variance``, ``exact_energy`` and ``energy_relative_error`` when the exact
energy is known, ``acceptance``, ``autocorrelation_time`` (plus ``rhat`` and ``samples``).
A solver of several levels (``--method pinn-eigen``) also records ``levels``, the k lowest
energies (``energy`` is the first); numbers that do not apply to it (acceptance, τ, R̂) are NaN,
written as null.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pinnsolve.errors import RunDirectoryError
from pinnsolve.io.atomic import atomic_write, write_json
from pinnsolve.results.base import Result

__all__ = ["SPECTRUM_ARRAYS", "SPECTRUM_FILE", "Spectrum"]

SPECTRUM_FILE = "spectrum.json"
SPECTRUM_ARRAYS = "spectrum.npz"
_SCALARS = ("energy", "energy_error", "variance", "acceptance", "autocorrelation_time", "rhat", "samples")


@dataclass
class Spectrum(Result):
    """The VMC estimate of a ground state (the energy ± its error bar) and what was sampled.

    ``arrays`` holds ``iteration_energy``, ``iteration_error`` (per optimisation iteration),
    ``radial_edges``/``radial_density`` (one-body density against r, normalised to N),
    ``density_edges``/``density`` (the one-body density of the first one or two coordinates),
    ``pair_edges``/``pair_density`` (the distribution of r_ij, normalised to one).
    """

    kind = "spectrum"

    problem: str
    energy: float
    energy_error: float
    variance: float
    acceptance: float
    autocorrelation_time: float
    rhat: float = 1.0
    samples: int = 0
    exact_energy: float | None = None
    n_particles: int = 1
    dim: int = 1
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    levels: list[float] = field(default_factory=list)

    # -- measures --------------------------------------------------------------------------
    def metrics(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: _number(getattr(self, name)) for name in _SCALARS}
        out["samples"] = int(self.samples)
        if self.levels:
            out["levels"] = [float(e) for e in self.levels]
        if self.exact_energy is not None:
            out["exact_energy"] = float(self.exact_energy)
            out["energy_absolute_error"] = abs(self.energy - self.exact_energy)
            scale = abs(self.exact_energy)
            out["energy_relative_error"] = abs(self.energy - self.exact_energy) / scale if scale else abs(self.energy)
        return out

    # -- files -----------------------------------------------------------------------------
    def save(self, run_dir: Path) -> list[Path]:
        run_dir = Path(run_dir)
        names = ("problem", *_SCALARS, "exact_energy", "n_particles", "dim", "levels")
        record = {name: getattr(self, name) for name in names}
        write_json(run_dir / SPECTRUM_FILE, record)
        with atomic_write(run_dir / SPECTRUM_ARRAYS) as tmp:
            np.savez(tmp, **self.arrays)
        return [run_dir / SPECTRUM_FILE, run_dir / SPECTRUM_ARRAYS]

    @classmethod
    def load(cls, run_dir: Path) -> Spectrum:
        run_dir = Path(run_dir)
        try:
            record = json.loads((run_dir / SPECTRUM_FILE).read_text(encoding="utf-8"))
            with np.load(run_dir / SPECTRUM_ARRAYS, allow_pickle=False) as data:
                arrays = {name: data[name] for name in data.files}
        except FileNotFoundError as exc:
            raise RunDirectoryError(
                f"{exc.filename}: missing. The run directory is incomplete; rerun the command that wrote it."
            ) from None
        except (ValueError, OSError, json.JSONDecodeError) as exc:
            raise RunDirectoryError(
                f"{run_dir}: {SPECTRUM_FILE} or {SPECTRUM_ARRAYS} is corrupt ({exc}); rerun the command that wrote it."
            ) from None
        record["levels"] = [float(e) for e in record.get("levels") or []]
        try:
            return cls(arrays=arrays, **record)
        except TypeError as exc:
            raise RunDirectoryError(
                f"{run_dir / SPECTRUM_FILE}: not a spectrum record ({exc}); rerun the command that wrote it."
            ) from None


def _number(value: Any) -> float:
    """A scalar of the record as a float (null, a number that does not apply, read back as NaN)."""
    return float("nan") if value is None else float(value)
