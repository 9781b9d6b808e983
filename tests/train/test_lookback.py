"""Look-back early stopping in the trainer, k-fold splits, and cross-validation of the surrogates."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pinnsolve import load_problem
from pinnsolve.errors import SettingsError
from pinnsolve.methods.validation import ValidationPlan, plan_of
from pinnsolve.train import TrainConfig, Trainer
from pinnsolve.train.lookback import LookBackStopping, fold_of, holdout_split


def _trainer(validate, patience):
    """w (from 0) pulled towards 1 by Adam; ``validate`` judges w against its own optimum."""
    model = torch.nn.Linear(1, 1, bias=False).double()
    with torch.no_grad():
        model.weight.zero_()
    objective = lambda m: {"data": (m.weight.sum() - 1.0).square()}  # noqa: E731
    config = TrainConfig(optimizer="adam:400", lr=1e-2, lr_decay=1.0)
    stopping = LookBackStopping(validate, patience)
    return Trainer(model, objective, config, [stopping]), stopping


def test_lookback_stops_when_validation_rises_and_keeps_the_best_steps_weights():
    # the validation optimum w = 0.3 is passed on the way to the training optimum w = 1:
    # the validation loss falls until then and rises after
    validate = lambda m: float((m.weight.detach().sum() - 0.3).square())  # noqa: E731
    trainer, stopping = _trainer(validate, patience=15)
    trainer.run()
    val = np.array([r.extra["val_loss"] for r in trainer.history])
    best = int(np.argmin(val)) + 1
    assert 10 < best < 100 and stopping.best_step == best
    assert trainer.step == best + 15  # stopped after 15 steps without improvement, far short of 400
    assert "look-back" in trainer.stop_reason
    assert val[-1] > val.min() * 10
    restored = float(trainer.model.weight.detach().sum())
    assert validate(trainer.model) == pytest.approx(val.min(), rel=0, abs=1e-15)  # the best step's weights
    assert abs(restored - 0.3) < 0.02


def test_without_patience_the_validation_curve_is_recorded_and_training_runs_to_the_end():
    trainer, _ = _trainer(lambda m: float((m.weight.sum() - 0.3).square()), patience=None)
    trainer.run()
    assert trainer.step == 400 and all("val_loss" in r.extra for r in trainer.history)
    assert abs(float(trainer.model.weight.detach().sum()) - 1.0) < 0.05  # the last weights, not the best


def test_k_folds_partition_the_samples():
    n, k = 23, 4
    fold = fold_of(n, k, seed=7)
    masks = [fold == f for f in range(k)]
    assert np.array_equal(np.sum(masks, axis=0), np.ones(n))  # every sample validates exactly once
    assert sorted(m.sum() for m in masks) == [5, 6, 6, 6]  # sizes differ by at most one
    assert np.array_equal(fold, fold_of(n, k, seed=7)) and not np.array_equal(fold, fold_of(n, k, seed=8))
    plans = [ValidationPlan(None, 0.2, 7, k, f) for f in range(k)]
    assert np.array_equal(np.sum([p.mask(n, "points") for p in plans], axis=0), np.ones(n))


def test_holdout_fraction_and_plan_checks():
    mask = holdout_split(50, 0.2, seed=0)
    assert mask.sum() == 10
    with pytest.raises(SettingsError, match="--folds 3"):
        ValidationPlan(None, 0.2, 0, 3, 0).mask(2, "trajectories")
    with pytest.raises(SettingsError, match="--vary"):
        ValidationPlan(5, 0.2, 0).mask(1, "trajectories")

    class S:
        patience, folds, validation_fraction = 5, 1, 0.2

    with pytest.raises(SettingsError, match="at least 2 folds"):
        plan_of(S(), 0)
    S.folds, S.validation_fraction = None, 1.0
    with pytest.raises(SettingsError, match="--validation-fraction"):
        plan_of(S(), 0)


def _ffnn(problems_dir, **settings):
    """ffnn on heat1d in memory (no run directory, no plots): the Outcome."""
    from pinnsolve.methods.contract import get_method
    from pinnsolve.methods.neural import make_context
    from pinnsolve.methods.options import make_settings

    problem = load_problem(problems_dir / "heat1d.py")
    base = {"lbfgs_steps": 0, "width": 12, "depth": 2, "physics_weight": 0.0}  # data only: the validation loss's
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        context = make_context(seed=0, grid={"x": 31, "t": 17})
        return get_method("ffnn").run(problem, make_settings("ffnn", base | settings, source="key"), context)


@pytest.mark.slow
def test_ffnn_patience_keeps_the_best_step_and_draws_the_validation_curve(problems_dir, tmp_path):
    from pinnsolve.viz.history import plot_loss

    outcome = _ffnn(problems_dir, steps=150, patience=10)
    m = outcome.metrics
    val = np.array([row["val_loss"] for row in outcome.history], dtype=float)
    assert m["val_loss"] == pytest.approx(np.nanmin(val), rel=1e-12)  # the best step's weights were kept
    assert m["best_step"] == int(np.nanargmin(val)) + 1 and m["l2_validation"] < 1.0
    c = outcome.choices
    assert c["validation_points"] == round(0.2 * (c["train_points"] + c["validation_points"]))
    columns = {k: np.array([row[k] for row in outcome.history]) for k in outcome.history[0]}
    assert plot_loss(columns, tmp_path / "loss.png", "ffnn").is_file()


@pytest.mark.slow
def test_ffnn_folds_write_the_cross_validation_metrics(problems_dir):
    m = _ffnn(problems_dir, steps=40, folds=3).metrics
    per_fold = np.array(m["cv_l2_per_fold"])
    assert m["cv_folds"] == 3 and len(per_fold) == 3 and np.all((0 < per_fold) & (per_fold < 1))
    assert m["cv_l2_mean"] == pytest.approx(per_fold.mean()) and m["cv_l2_std"] == pytest.approx(per_fold.std(ddof=1))
    assert len(set(per_fold)) == 3  # three different validation folds
    assert m["cv_best_steps"] == [40, 40, 40] and "all training data" in m["cv_final_model"]
    assert m["steps"] == 40 and "val_loss" not in m  # the final model trains on all the training data


def test_rnn_holds_out_whole_trajectories_for_validation(problems_dir):
    from pinnsolve.methods.neural import build_setup

    problem = load_problem(problems_dir / "decay.py")
    plan = {"validation": ValidationPlan(5, 0.4, 0)}
    rng = np.random.default_rng(0)
    setup = build_setup("rnn", problem, {"vary": "gamma=1:3:5"}, rng=rng, grid={"x": 21}, extra=plan)
    trained = [t["gamma"] for t in setup.choices["trajectories"]]
    held = [t["gamma"] for t in setup.choices["validation_trajectories"]]
    assert len(trained) == 3 and len(held) == 2 and sorted(trained + held) == [1.0, 1.5, 2.0, 2.5, 3.0]
    assert setup.objective.data.states.shape[0] == 3
    with torch.no_grad():
        assert np.isfinite(setup.validation(setup.model)) and 0 < setup.validation_error(setup.model) < 10
    with pytest.raises(SettingsError, match="--vary"):  # one trajectory: nothing to hold out
        build_setup("rnn", problem, {}, rng=np.random.default_rng(0), grid={"x": 21}, extra=plan)
