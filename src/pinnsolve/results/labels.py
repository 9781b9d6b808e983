"""`Labels`: regimes predicted over a parameter space, beside the analytic truth.

One entry per sample of the varied parameters: its point, its true class, the classifier's
out-of-fold probabilities (each sample predicted by a model that never saw it: k-fold
cross-validation) on the noisy features it was judged on, and on the clean features (for
the decision map and the learned boundary). The analytic boundary is stored as points on
lines along the first varied parameter (``lines``, with the classes either side) and, per
sample, the boundary nearest on its own line (``boundary_at``), so metrics are recomputed from
``labels.npz`` alone. ``examples`` keeps each sample's clean solution for the figures.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pinnsolve.errors import RunDirectoryError
from pinnsolve.io.atomic import atomic_write
from pinnsolve.results.base import Result
from pinnsolve.results.classification import (
    accuracy,
    balanced_accuracy,
    boundary_error,
    confusion_matrix,
    expected_calibration_error,
    outside_band,
    roc_auc,
)

__all__ = ["BAND", "LABELS_FILE", "Labels"]

LABELS_FILE = "labels.npz"
#: half-width of the band around the analytic boundary left out of ``accuracy_outside_band`` (relative)
BAND = 0.02
_ARRAYS = (
    "points",
    "box",
    "truth",
    "probabilities",
    "clean_probabilities",
    "boundary_at",
    "lines",
    "sides",
    "examples",
    "time",
)


@dataclass
class Labels(Result):
    """Predicted regimes over a parameter box; see the module docstring for the layout."""

    kind = "labels"

    problem: str
    names: list[str]
    classes: list[str]
    points: np.ndarray  # (n, d)
    box: np.ndarray  # (d, 2)
    truth: np.ndarray  # (n,) class index
    probabilities: np.ndarray  # (n, K) out of fold, noisy features
    clean_probabilities: np.ndarray  # (n, K) out of fold, clean features
    boundary_at: np.ndarray  # (n,) analytic boundary on each sample's line (NaN: none)
    lines: np.ndarray  # (m, d) points of the analytic boundary
    sides: np.ndarray  # (m, 2) class below / above each
    examples: np.ndarray = field(default_factory=lambda: np.zeros((0,)))  # (n, channels, *grid)
    time: np.ndarray = field(default_factory=lambda: np.zeros((0,)))
    channels: list[str] = field(default_factory=list)
    model: str = ""
    features: str = ""

    @property
    def predicted(self) -> np.ndarray:
        return np.argmax(self.probabilities, axis=1)

    @property
    def has_boundary(self) -> bool:
        return len(self.lines) > 0

    def learned_boundary(self) -> tuple[float, np.ndarray]:
        """(boundary_error, the learned crossing on each line of ``lines``)."""
        if not self.has_boundary:
            return math.nan, np.zeros(0)
        return boundary_error(self.points, self.clean_probabilities, self.box, self.lines, self.sides)

    def metrics(self) -> dict[str, Any]:
        """accuracy, balanced_accuracy, accuracy_outside_band, boundary_error, roc_auc,
        expected_calibration_error, confusion_matrix (rows: truth, columns: predicted)."""
        k = len(self.classes)
        truth, predicted = self.truth, self.predicted
        out: dict[str, Any] = {
            "samples": len(truth),
            "classes": list(self.classes),
            "accuracy": accuracy(truth, predicted),
            "balanced_accuracy": balanced_accuracy(truth, predicted, k),
        }
        if self.has_boundary:
            far = outside_band(self.points[:, 0], self.boundary_at, BAND)
            error, learned = self.learned_boundary()
            out.update(
                accuracy_outside_band=accuracy(truth[far], predicted[far]),
                samples_outside_band=int(far.sum()),
                boundary_error=error,
                boundary_analytic=self.lines[:, 0].tolist(),
                boundary_learned=[None if not math.isfinite(v) else float(v) for v in learned],
            )
        else:
            out.update(accuracy_outside_band=None, boundary_error=None)
        out.update(
            roc_auc=roc_auc(truth, self.probabilities),
            expected_calibration_error=expected_calibration_error(truth, self.probabilities),
            confusion_matrix=confusion_matrix(truth, predicted, k).tolist(),
        )
        return {key: (None if isinstance(v, float) and not math.isfinite(v) else v) for key, v in out.items()}

    # -- files -------------------------------------------------------------------------------
    def save(self, run_dir: Path) -> list[Path]:
        """``labels.npz``: the arrays above and a JSON ``__meta__`` (no pickle)."""
        path = Path(run_dir) / LABELS_FILE
        meta = {
            "kind": self.kind,
            "problem": self.problem,
            "names": self.names,
            "classes": self.classes,
            "channels": self.channels,
            "model": self.model,
            "features": self.features,
        }
        arrays = {name: np.asarray(getattr(self, name)) for name in _ARRAYS}
        with atomic_write(path) as tmp:
            np.savez_compressed(tmp, __meta__=np.array(json.dumps(meta)), **arrays)
        return [path]

    @classmethod
    def load(cls, run_dir: Path) -> Labels:
        path = Path(run_dir)
        path = path / LABELS_FILE if path.is_dir() else path
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["__meta__"]))
                arrays = {name: data[name] for name in _ARRAYS}
        except FileNotFoundError:
            raise RunDirectoryError(
                f"{path}: missing. The run directory is incomplete; rerun pinnsolve classify."
            ) from None
        except (KeyError, ValueError, OSError) as exc:
            raise RunDirectoryError(
                f"{path}: not a labels file pinnsolve wrote ({exc}). Rerun pinnsolve classify."
            ) from None
        return cls(
            problem=meta["problem"],
            names=meta["names"],
            classes=meta["classes"],
            channels=meta["channels"],
            model=meta["model"],
            features=meta["features"],
            **arrays,
        )
