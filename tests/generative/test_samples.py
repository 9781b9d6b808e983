"""`Samples`: save/load round trip, metrics, and every figure kind."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pinnsolve.errors import RunDirectoryError
from pinnsolve.io.rundir import RunDirectory
from pinnsolve.results import load_result
from pinnsolve.results.samples import Samples


def _samples(two_d: bool) -> Samples:
    rng = np.random.default_rng(0)
    x, t = np.linspace(0, 1, 9), np.linspace(0, 1, 5)
    k = rng.normal(1.0, 0.2, 400)
    amplitude = np.sin(np.pi * x)[:, None] if two_d else 1.0
    fields = amplitude * np.exp(-k[:, None, None] * t[None, None, :]) if two_d else np.exp(-k[:, None] * t)
    reference = (
        amplitude * np.exp(-rng.normal(1.0, 0.2, 5000)[:, None, None] * t)
        if two_d
        else np.exp(-rng.normal(1.0, 0.2, 5000)[:, None] * t)
    )
    axes = {"x": x, "t": t} if two_d else {"t": t}
    probes = [(4, 2), (6, 4)] if two_d else [(2,), (4,)]
    probe_reference = np.stack([reference[(slice(None), *p)] for p in probes], axis=1)
    return Samples(
        problem="p",
        method="vae",
        field="u",
        axes=axes,
        samples=fields,
        reference_mean=reference.mean(0),
        reference_std=reference.std(0),
        probe_index=np.array(probes),
        probe_reference=probe_reference,
        reference="Monte Carlo (5000 reference solves)",
        reference_solves=5000,
        reference_fields=reference[:4],
        history={"step": np.arange(1, 6), "loss": np.geomspace(1, 1e-3, 5)},
        timings={"samples_per_s": 1e5, "mc_solves_per_s": 30.0},
    )


@pytest.mark.parametrize("two_d", [False, True])
def test_round_trip_through_a_run_directory(tmp_path, two_d):
    result = _samples(two_d)
    run = RunDirectory.create(tmp_path / "run", "p", "vae")
    run.write_config({"method": "vae"}, result_kind=result.kind)
    result.save(run.path)
    with np.load(run.file("samples.npz")) as data:
        assert data["u"].shape == result.samples.shape and data["u"].dtype == np.float32
        np.testing.assert_allclose(data["mean_u"], result.mean)
        assert json.loads(str(data["__meta__"]))["reference_solves"] == 5000
    back = load_result(run.path)
    assert isinstance(back, Samples)
    np.testing.assert_allclose(back.samples, result.samples, rtol=1e-6)
    np.testing.assert_array_equal(back.probe_index, result.probe_index)
    np.testing.assert_allclose(back.history["loss"], result.history["loss"])
    m, m_back = result.metrics(), back.metrics()
    assert m_back["mean_l2_relative_error"] == pytest.approx(m["mean_l2_relative_error"], rel=1e-4)
    assert m["mean_l2_relative_error"] < 0.02 and 0.9 < m["std_ratio"] < 1.1
    assert m["reference"].startswith("Monte Carlo") and m["mc_solves_per_s"] == 30.0


def test_a_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(RunDirectoryError, match="rerun pinnsolve generate"):
        Samples.load(tmp_path)


@pytest.mark.parametrize("two_d", [False, True])
def test_every_figure_kind_draws_a_file(tmp_path, two_d):
    result = _samples(two_d)
    assert set(result.plot_kinds()) >= {"band", "gallery", "histograms", "losses"}
    for kind in ("band", "gallery", "histograms", "losses"):
        (path,) = result.plot(kind, tmp_path)
        assert path.name == f"{kind}.png" and path.stat().st_size > 5000
