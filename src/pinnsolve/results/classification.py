"""The numbers that judge a regime classifier, from its predicted probabilities (numpy only).

Scores of the predictions: accuracy, balanced accuracy (mean recall per class: Brodersen et
al. 2010), ROC AUC (the Mann–Whitney statistic; one-vs-rest, macro-averaged for more than two
classes), the expected calibration error (Guo et al., "On calibration of modern neural
networks", ICML 2017: Σ_b n_b/n · |accuracy_b − confidence_b| over confidence bins), the
confusion matrix. Scores against theory: accuracy outside a band around the analytic
boundary, and the distance between the learned boundary (where the two neighbouring classes'
probabilities cross) and the analytic one along the first varied parameter.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "accuracy",
    "balanced_accuracy",
    "boundary_error",
    "confusion_matrix",
    "expected_calibration_error",
    "learned_crossing",
    "outside_band",
    "roc_auc",
]


def accuracy(truth: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(np.asarray(truth) == np.asarray(predicted))) if len(truth) else math.nan


def confusion_matrix(truth: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    """counts[i, j]: samples of true class i predicted as class j."""
    counts = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(counts, (np.asarray(truth), np.asarray(predicted)), 1)
    return counts


def balanced_accuracy(truth: np.ndarray, predicted: np.ndarray, classes: int) -> float:
    """Mean over the classes present of the fraction of that class predicted right."""
    counts = confusion_matrix(truth, predicted, classes)
    present = counts.sum(axis=1) > 0
    return float(np.mean(np.diag(counts)[present] / counts.sum(axis=1)[present]))


def _auc_binary(positive: np.ndarray, score: np.ndarray) -> float:
    """P(score of a positive > score of a negative), ties counting one half (average ranks)."""
    from scipy.stats import rankdata

    n1, n0 = int(positive.sum()), int((~positive).sum())
    if n1 == 0 or n0 == 0:
        return math.nan
    ranks = rankdata(score)
    return float((ranks[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def roc_auc(truth: np.ndarray, probabilities: np.ndarray) -> float:
    """Area under the ROC curve; one-vs-rest macro average for more than two classes."""
    truth, probabilities = np.asarray(truth), np.asarray(probabilities, dtype=float)
    if probabilities.shape[1] == 2:
        return _auc_binary(truth == 1, probabilities[:, 1])
    scores = [_auc_binary(truth == k, probabilities[:, k]) for k in range(probabilities.shape[1])]
    scores = [s for s in scores if not math.isnan(s)]
    return float(np.mean(scores)) if scores else math.nan


def expected_calibration_error(truth: np.ndarray, probabilities: np.ndarray, bins: int = 10) -> float:
    """Σ_b (n_b/n) |accuracy_b − mean confidence_b| over ``bins`` equal-width bins of the top probability."""
    probabilities = np.asarray(probabilities, dtype=float)
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == np.asarray(truth)
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)


def outside_band(first: np.ndarray, boundary_at: np.ndarray, band: float = 0.02) -> np.ndarray:
    """True for samples farther than ``band`` × |boundary| from the analytic boundary along the first
    varied parameter (a sample whose line meets no boundary is outside)."""
    first, boundary_at = np.asarray(first, dtype=float), np.asarray(boundary_at, dtype=float)
    with np.errstate(invalid="ignore"):
        return ~(np.abs(first - boundary_at) <= band * np.abs(boundary_at))


def learned_crossing(along: np.ndarray, score: np.ndarray, near: float) -> float:
    """The zero of ``score`` (linearly interpolated between neighbouring points sorted by ``along``)
    nearest to ``near``; NaN when the score never changes sign."""
    order = np.argsort(along)
    a, s = np.asarray(along, dtype=float)[order], np.asarray(score, dtype=float)[order]
    ok = np.isfinite(s)
    a, s = a[ok], s[ok]
    change = np.flatnonzero(np.sign(s[:-1]) * np.sign(s[1:]) <= 0)
    change = change[(s[change] != 0) | (s[change + 1] != 0)]
    if not len(change):
        return math.nan
    zeros = a[change] - s[change] * (a[change + 1] - a[change]) / np.where(
        s[change + 1] != s[change], s[change + 1] - s[change], 1.0
    )
    return float(zeros[np.argmin(np.abs(zeros - near))])


def boundary_error(
    points: np.ndarray,
    probabilities: np.ndarray,
    box: np.ndarray,
    lines: np.ndarray,
    sides: np.ndarray,
    samples: int = 401,
) -> tuple[float, np.ndarray]:
    """Mean relative distance |θ_learned − θ_analytic| / |θ_analytic| along the first parameter, and the
    learned crossing on each line.

    ``lines`` (m, d): points of the analytic boundary; ``sides`` (m, 2): the classes on its low and
    high side. The learned boundary on a line is where p_high − p_low changes sign; in one
    dimension from the samples directly, in more by linear interpolation of the scattered
    probabilities onto the line. A line where the classifier draws no boundary scores 1 (a miss).
    """
    points, probabilities = np.atleast_2d(points), np.asarray(probabilities, dtype=float)
    learned = np.full(len(lines), math.nan)
    for j, (line, (low, high)) in enumerate(zip(lines, sides)):
        score = probabilities[:, high] - probabilities[:, low]
        if points.shape[1] == 1:
            learned[j] = learned_crossing(points[:, 0], score, line[0])
            continue
        from scipy.interpolate import griddata

        width = box[:, 1] - box[:, 0]
        along = np.linspace(box[0, 0], box[0, 1], samples)
        query = np.repeat(line[None, :], samples, axis=0)
        query[:, 0] = along
        values = griddata((points - box[:, 0]) / width, score, (query - box[:, 0]) / width, method="linear")
        learned[j] = learned_crossing(along, values, line[0])
    scale = np.where(np.abs(lines[:, 0]) > 0, np.abs(lines[:, 0]), box[0, 1] - box[0, 0])
    errors = np.where(np.isfinite(learned), np.abs(learned - lines[:, 0]) / scale, 1.0)
    return (float(np.mean(errors)) if len(errors) else math.nan), learned
