"""The classification metrics on hand-made predictions whose scores are known by hand."""

from __future__ import annotations

import numpy as np
import pytest

from pinnsolve.results.classification import (
    accuracy,
    balanced_accuracy,
    confusion_matrix,
    expected_calibration_error,
    outside_band,
    roc_auc,
)


def test_accuracy_and_balanced_accuracy_on_imbalanced_classes():
    truth = np.array([0] * 8 + [1] * 2)
    predicted = np.array([0] * 8 + [0, 1])  # every 0 right, one of two 1s right
    assert accuracy(truth, predicted) == pytest.approx(0.9)
    assert balanced_accuracy(truth, predicted, 2) == pytest.approx((1.0 + 0.5) / 2)
    assert confusion_matrix(truth, predicted, 2).tolist() == [[8, 0], [1, 1]]


def test_roc_auc_counts_pairs_and_half_ties():
    truth = np.array([0, 0, 1, 1])
    scores = np.array([0.1, 0.6, 0.6, 0.9])
    p = np.stack([1 - scores, scores], axis=1)
    # pairs (pos, neg): (0.6, 0.1) 1, (0.6, 0.6) 1/2, (0.9, 0.1) 1, (0.9, 0.6) 1 → 3.5 / 4
    assert roc_auc(truth, p) == pytest.approx(0.875)
    assert roc_auc(truth, p[:, ::-1]) == pytest.approx(0.125)


def test_roc_auc_of_three_classes_is_the_one_vs_rest_mean():
    truth = np.array([0, 1, 2])
    p = np.full((3, 3), 0.1) + 0.7 * np.eye(3)  # each row peaks at its own class
    assert roc_auc(truth, p) == pytest.approx(1.0)
    p[0] = [0.1, 0.8, 0.1]  # sample 0 now scores highest for class 1: one pair of three wrong for classes 0, 1
    assert roc_auc(truth, p) == pytest.approx((0.5 + 0.5 + 1.0) / 3)


def test_expected_calibration_error_by_hand():
    # bin [0.9, 1.0): confidences 0.95, 0.95, both right → |1 − 0.95| = 0.05, weight 1/2
    # bin [0.6, 0.7): confidences 0.6, 0.6, one right → |0.5 − 0.6| = 0.1, weight 1/2
    p = np.array([[0.95, 0.05], [0.05, 0.95], [0.6, 0.4], [0.4, 0.6]])
    truth = np.array([0, 1, 0, 0])
    assert expected_calibration_error(truth, p) == pytest.approx(0.5 * 0.05 + 0.5 * 0.1)


def test_outside_band_is_relative_to_the_boundary_value():
    first = np.array([0.97, 0.985, 1.0, 1.015, 1.03, 5.0])
    at = np.array([1.0, 1.0, 1.0, 1.0, 1.0, np.nan])
    assert outside_band(first, at, 0.02).tolist() == [True, False, False, False, True, True]
