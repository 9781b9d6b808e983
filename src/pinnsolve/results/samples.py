"""`Samples`: an ensemble of fields drawn from a learned law, with the reference law beside it.

File layout (``samples.npz``)
-----------------------------
- one array per coordinate (``x``, ``t``), space first, time last;
- ``u`` (the field's name): the M samples, shaped (M, len(x), len(t)) like ``solution.npz``
  (stored in float32: a sample is a draw, not a converged number);
- ``mean_u``, ``std_u``: the ensemble's pointwise mean and standard deviation (float64, from
  the float64 samples before storage);
- ``reference_mean_u``, ``reference_std_u``: the reference law's (exact by quadrature, or
  Monte Carlo of the finite-difference solver);
- ``probe_index`` (P, ndim): grid indices of the probe points; ``probe_reference`` (R, P):
  draws of the reference law there; ``reference_u`` (G, ...): a few reference solutions;
- ``history_<column>``: the loss curves; ``__meta__``: JSON (problem, model, reference, timings).

Further fields of the same draws (``others``: an ensemble of a multi-field problem) stand beside
the first under their own names, ``v``, ``mean_v``, ``std_v``, ``reference_mean_v``,
``reference_std_v``, with their probes as ``probe_index_v`` and ``probe_reference_v``; ``__meta__``
lists them with their coordinates (``others``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pinnsolve.errors import RunDirectoryError
from pinnsolve.io.atomic import atomic_write
from pinnsolve.results.base import Result
from pinnsolve.results.marginals import compare_laws

__all__ = ["SAMPLES_FILE", "Samples"]

SAMPLES_FILE = "samples.npz"
NPZ_FORMAT = "pinnsolve.samples"


@dataclass
class Samples(Result):
    """M fields drawn from a model of the solution's law, and the reference law to judge them by."""

    kind = "samples"

    problem: str
    method: str
    field: str
    axes: dict[str, np.ndarray]
    samples: np.ndarray
    reference_mean: np.ndarray
    reference_std: np.ndarray
    probe_index: np.ndarray
    probe_reference: np.ndarray
    reference: str
    reference_solves: int | None = None
    reference_fields: np.ndarray | None = None
    history: dict[str, np.ndarray] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    #: further fields of the same draws (each a Samples of its own, the same problem and method)
    others: list[Samples] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.samples = np.asarray(self.samples)
        self.probe_index = np.asarray(self.probe_index, dtype=np.int64).reshape(-1, self.samples.ndim - 1)
        self.mean = self.samples.mean(axis=0, dtype=np.float64)
        self.std = self.samples.std(axis=0, dtype=np.float64)

    # -- numbers ---------------------------------------------------------------------------------
    @property
    def probe_points(self) -> dict[str, np.ndarray]:
        """The coordinates of the probe points, by name."""
        return {name: axis[self.probe_index[:, j]] for j, (name, axis) in enumerate(self.axes.items())}

    def at_probes(self, fields: np.ndarray | None = None) -> np.ndarray:
        """Values of ``fields`` (default: the samples) at the probe points → (M, P)."""
        fields = self.samples if fields is None else fields
        return np.stack([fields[(slice(None), *idx)] for idx in map(tuple, self.probe_index)], axis=1)

    def metrics(self) -> dict[str, Any]:
        out = compare_laws(
            self.mean,
            self.std,
            self.reference_mean,
            self.reference_std,
            self.at_probes().astype(np.float64),
            self.probe_reference,
        )
        out.update(
            {
                "samples": len(self.samples),
                "reference": self.reference,
                "reference_solves": self.reference_solves,
                "model": self.method,
                "probe_points": {k: v.tolist() for k, v in self.probe_points.items()},
            }
        )
        out.update(self.timings)
        return out

    # -- files -----------------------------------------------------------------------------------
    def save(self, run_dir: Path) -> list[Path]:
        target = Path(run_dir) / SAMPLES_FILE
        arrays: dict[str, np.ndarray] = {k: np.asarray(v) for k, v in self.axes.items()}
        arrays.update(self._arrays(""))
        for other in self.others:
            arrays.update(other._arrays(f"_{other.field}"))
        arrays.update({f"history_{k}": np.asarray(v) for k, v in self.history.items()})
        meta = {
            "format": NPZ_FORMAT,
            "version": 1,
            "problem": self.problem,
            "method": self.method,
            "field": self.field,
            "coords": list(self.axes),
            "reference": self.reference,
            "reference_solves": self.reference_solves,
            "timings": self.timings,
            "info": self.info,
        }
        if self.others:
            meta["others"] = {other.field: list(other.axes) for other in self.others}
        arrays["__meta__"] = np.array(json.dumps(meta))
        with atomic_write(target) as tmp:
            np.savez(tmp, **arrays)
        return [target]

    def _arrays(self, probes: str) -> dict[str, np.ndarray]:
        """This field's arrays in samples.npz; ``probes`` tells its probe arrays from the first field's."""
        name = self.field
        arrays = {
            name: self.samples.astype(np.float32),
            f"mean_{name}": self.mean,
            f"std_{name}": self.std,
            f"reference_mean_{name}": self.reference_mean,
            f"reference_std_{name}": self.reference_std,
            f"probe_index{probes}": self.probe_index,
            f"probe_reference{probes}": self.probe_reference,
        }
        if self.reference_fields is not None:
            arrays[f"reference_{name}"] = self.reference_fields
        return arrays

    @classmethod
    def load(cls, run_dir: Path) -> Samples:
        target = Path(run_dir) / SAMPLES_FILE
        try:
            with np.load(target, allow_pickle=False) as data:
                meta = json.loads(str(data["__meta__"]))
                history = {k[len("history_") :]: data[k] for k in data.files if k.startswith("history_")}
                first = cls._read(data, meta, meta["field"], meta["coords"], "", history=history)
                first.others = [
                    cls._read(data, meta, name, coords, f"_{name}") for name, coords in meta.get("others", {}).items()
                ]
                return first
        except FileNotFoundError:
            raise RunDirectoryError(
                f"{target}: missing. The run directory is incomplete; rerun pinnsolve generate."
            ) from None
        except (KeyError, ValueError, OSError, json.JSONDecodeError) as exc:
            raise RunDirectoryError(
                f"{target}: not a pinnsolve samples file ({exc}). The file is corrupt; rerun pinnsolve generate."
            ) from None

    @classmethod
    def _read(cls, data: Any, meta: dict[str, Any], name: str, coords: list[str], probes: str, **more: Any) -> Samples:
        """One field's Samples from the open samples.npz (``probes``: as in `_arrays`)."""
        ref = f"reference_{name}"
        return cls(
            problem=meta["problem"],
            method=meta["method"],
            field=name,
            axes={c: data[c] for c in coords},
            samples=data[name],
            reference_mean=data[f"reference_mean_{name}"],
            reference_std=data[f"reference_std_{name}"],
            probe_index=data[f"probe_index{probes}"],
            probe_reference=data[f"probe_reference{probes}"],
            reference=meta["reference"],
            reference_solves=meta.get("reference_solves"),
            reference_fields=data[ref] if ref in data.files else None,
            timings=meta.get("timings", {}),
            info=meta.get("info", {}),
            **more,
        )
