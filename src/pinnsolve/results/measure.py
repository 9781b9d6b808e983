"""The error norms every result type reports: one definition of the relative L2 error."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["relative_l2"]


def relative_l2(predicted: np.ndarray, reference: np.ndarray) -> float:
    r"""‖predicted − reference‖₂ / ‖reference‖₂ over all entries (NaN-free inputs).

    When the reference is identically zero the relative error is undefined; the absolute
    L2 norm ‖predicted‖₂ is returned instead (a zero field predicted as zero scores 0).
    A non-finite prediction scores ``inf``, never NaN, so a threshold check fails loudly.
    """
    predicted = np.asarray(predicted, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    diff = float(np.linalg.norm((predicted - reference).ravel()))
    if not math.isfinite(diff):
        return math.inf
    norm = float(np.linalg.norm(reference.ravel()))
    return diff / norm if norm > 0 else diff
