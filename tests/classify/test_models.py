"""Feature views and models: shapes, the latent projection, and a saved model predicting the same."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pinnsolve.classify.features import select
from pinnsolve.classify.models import fit_model, load_fitted
from pinnsolve.errors import SettingsError


def _data(n=160, shape=(1, 30)):
    # two smooth modes with random amplitudes (what a family of solutions looks like), the class by the first
    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, int(np.prod(shape)))
    a, b = rng.standard_normal(n), rng.standard_normal(n)
    x = a[:, None] * np.sin(np.pi * t) + b[:, None] * np.cos(np.pi * t) + 0.01 * rng.standard_normal((n, len(t)))
    return x.reshape(n, *shape), (a > 0).astype(int)


def test_trajectory_view_of_a_pde_field_takes_probe_points():
    fields = np.arange(2 * 1 * 41 * 11, dtype=float).reshape(2, 1, 41, 11)
    view = select(fields, "trajectory")
    assert view.shape == (2, 5, 11)
    assert np.array_equal(view[0, 2], fields[0, 0, 20])  # the middle probe is the middle node
    assert select(fields[:, :, 0], "trajectory").shape == (2, 1, 11)  # an ODE: the trajectory itself


@pytest.mark.parametrize("model, latent", [("logistic", False), ("logistic", True), ("mlp", False)])
def test_a_saved_model_predicts_what_the_trained_one_did(model, latent):
    x, y = _data()
    fitted = fit_model(model, x, y, 2, np.random.default_rng(1), latent=latent, max_epochs=30, lookback=5)
    p = fitted.predict_proba(x)
    assert np.allclose(p.sum(axis=1), 1.0)
    assert np.mean(p.argmax(axis=1) == y) > 0.9
    if latent:
        assert fitted.spec["input_shape"] == [8]
    state = {k: v.numpy() for k, v in fitted.state_dict().items()}
    assert all(isinstance(v, torch.Tensor) for v in fitted.state_dict().values())
    again = load_fitted(fitted.spec, state)
    assert np.allclose(again.predict_proba(x), p, atol=1e-6)


def test_sequence_models_refuse_a_latent_vector():
    x, y = _data()
    with pytest.raises(SettingsError, match="latent"):
        fit_model("rnn", x, y, 2, np.random.default_rng(0), latent=True)
    with pytest.raises(SettingsError, match="not known"):
        fit_model("svm", x, y, 2, np.random.default_rng(0))
