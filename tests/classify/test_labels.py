"""The Labels result: saved and read back unchanged, metrics recomputed, each figure kind drawn."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pinnsolve.results.base import load_result
from pinnsolve.results.labels import Labels


def _labels(dims: int) -> Labels:
    rng = np.random.default_rng(3)
    n = 200 if dims == 1 else 1000  # scattered in 2-D: the learned boundary is interpolated between samples
    box = np.array([[0.5, 1.5], [0.5, 1.5]][:dims])
    points = rng.uniform(box[:, 0], box[:, 1], size=(n, dims))
    boundary = points[:, 1] if dims == 2 else np.ones(n)
    truth = (points[:, 0] > boundary).astype(int)
    p1 = 1 / (1 + np.exp(-(points[:, 0] - 1.005 * boundary) / (0.01 * dims**2)))
    p = np.stack([1 - p1, p1], axis=1)
    lines = np.array([[w, w] for w in np.linspace(0.6, 1.4, 9)]) if dims == 2 else np.array([[1.0]])
    t = np.linspace(0, 1, 11)
    examples = np.exp(-points[:, :1, None] * t)[:, None, 0, :].astype(np.float32)
    return Labels(
        problem="toy",
        names=["gamma", "omega0"][:dims],
        classes=["under", "over"],
        points=points,
        box=box,
        truth=truth,
        probabilities=p,
        clean_probabilities=p,
        boundary_at=boundary,
        lines=lines,
        sides=np.array([[0, 1]] * len(lines)),
        examples=examples,
        time=t,
        channels=["x"],
        model="logistic",
        features="field",
    )


@pytest.mark.parametrize("dims", [1, 2])
def test_labels_round_trip_and_metrics(tmp_path, dims):
    from pinnsolve.io.rundir import RunDirectory

    labels = _labels(dims)
    run = RunDirectory.create(tmp_path / "run", "toy", "classify")
    run.write_config({"method": "classify"}, result_kind="labels")
    labels.save(run.path)
    back = load_result(run.path)
    assert isinstance(back, Labels)
    assert back.names == labels.names and back.classes == labels.classes
    np.testing.assert_array_equal(back.probabilities, labels.probabilities)
    m = back.metrics()
    assert m == labels.metrics()
    json.dumps(m)  # JSON-ready
    assert m["boundary_error"] == pytest.approx(0.005, abs=1e-3)
    assert m["accuracy_outside_band"] == 1.0
    assert sum(map(sum, m["confusion_matrix"])) == len(labels.truth)


@pytest.mark.parametrize("dims", [1, 2])
def test_every_plot_kind_draws_a_file(tmp_path, dims):
    labels = _labels(dims)
    kinds = labels.plot_kinds()
    assert set(kinds) == {"decision_map", "confusion", "calibration", "misclassified"}
    for kind in kinds:
        files = labels.plot(kind, tmp_path)
        assert files and all(f.is_file() and f.stat().st_size > 1000 for f in files)


def test_missing_labels_file_is_a_clear_error(tmp_path):
    from pinnsolve.errors import RunDirectoryError

    with pytest.raises(RunDirectoryError, match="missing"):
        Labels.load(tmp_path)
