"""The trainer: rollback on a non-finite loss, exact resume, and reproducibility."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch

from pinnsolve import load_problem
from pinnsolve.methods.neural import build_setup
from pinnsolve.run import RunInterrupted, RunOptions, solve
from pinnsolve.train import TrainConfig, Trainer, TrainingDiverged, load_checkpoint, parse_history_csv

SMALL = {"width": 8, "depth": 2, "points": 32, "constraints": "soft"}  # the plain network: trainer tests


def setup(problems_dir, seed=0):
    torch.manual_seed(seed)
    problem = load_problem(problems_dir / "decay.py")
    return build_setup("pinn", problem, SMALL, rng=np.random.default_rng(seed), dtype=torch.float64)


def params(model):
    return torch.cat([p.detach().ravel() for p in model.parameters()])


class Poisoned:
    """Returns NaN losses on the calls listed in ``bad`` (a set of call numbers), else the real loss."""

    def __init__(self, objective, bad):
        self.objective, self.bad, self.calls = objective, bad, 0

    def __call__(self, model):
        self.calls += 1
        terms = self.objective(model)
        if self.bad(self.calls):
            return {k: v * float("nan") for k, v in terms.items()}
        return terms


def test_a_nan_loss_rolls_back_and_lowers_the_learning_rate(problems_dir):
    s = setup(problems_dir)
    trainer = Trainer(
        s.model, Poisoned(s.objective, lambda n: n == 40), TrainConfig(steps=60, lbfgs_steps=0, snapshot_every=10)
    )
    history = trainer.run()
    assert trainer.failures == 1 and trainer.lr == pytest.approx(TrainConfig().lr / 2)
    assert len(history) == 60 and all(np.isfinite(r.loss) for r in history)
    assert [r.step for r in history] == list(range(1, 61))


def test_persistent_nan_stops_with_advice_and_keeps_the_last_good_model(problems_dir):
    s = setup(problems_dir)
    trainer = Trainer(
        s.model, Poisoned(s.objective, lambda n: n > 30), TrainConfig(steps=100, lbfgs_steps=0, snapshot_every=10)
    )
    with pytest.raises(TrainingDiverged, match="--lr"):
        trainer.run()
    assert torch.isfinite(params(s.model)).all()
    assert trainer.failures == TrainConfig().max_retries + 1


@pytest.mark.parametrize("stop", [15, 36], ids=["during-adam", "during-lbfgs"])
def test_resume_continues_exactly(problems_dir, tmp_path, stop, interrupt_at):
    config = TrainConfig(steps=30, lbfgs_steps=15)
    straight = setup(problems_dir)
    Trainer(straight.model, straight.objective, config).run()

    first = setup(problems_dir)
    trainer = Trainer(first.model, first.objective, config, [interrupt_at(stop)])
    with pytest.raises(KeyboardInterrupt):
        trainer.run()
    torch.save(trainer.state_dict(), tmp_path / "checkpoint.pt")

    second = setup(problems_dir)
    with torch.no_grad():  # scrambled weights: everything must come from the checkpoint
        for p in second.model.parameters():
            p.normal_()
    resumed = Trainer(second.model, second.objective, config)
    resumed.load_state_dict(load_checkpoint(tmp_path / "checkpoint.pt"))
    resumed.run()
    assert resumed.step == config.total_steps
    torch.testing.assert_close(params(second.model), params(straight.model), rtol=1e-9, atol=1e-12)


def test_same_seed_same_result_and_ctrl_c_resume_through_run(problems_dir, tmp_path, monkeypatch):
    problem = load_problem(problems_dir / "decay.py")
    options = RunOptions(settings={**SMALL, "steps": 40, "lbfgs_steps": 10}, threads=1)
    a = solve(problem, options, out=tmp_path / "a", plain=True, stream=io.StringIO())
    b = solve(problem, options, out=tmp_path / "b", plain=True, stream=io.StringIO())
    assert [r["loss"] for r in a.history] == [r["loss"] for r in b.history]
    assert np.array_equal(a.solution.fields["g"], b.solution.fields["g"])

    original = Trainer._evaluate

    def interrupted(self):  # Ctrl-C as step 21 begins
        if self.step == 20:
            raise KeyboardInterrupt
        return original(self)

    monkeypatch.setattr(Trainer, "_evaluate", interrupted)
    with pytest.raises(RunInterrupted, match="--resume"):
        solve(problem, options, out=tmp_path / "c", plain=True, stream=io.StringIO())
    assert (tmp_path / "c" / "checkpoint.pt").is_file()
    assert len(parse_history_csv((tmp_path / "c" / "history.csv").read_text())) == 20
    monkeypatch.setattr(Trainer, "_evaluate", original)
    c = solve(problem, options, plain=True, stream=io.StringIO(), resume_dir=tmp_path / "c")
    assert [r["step"] for r in c.history] == list(range(1, 51))
    np.testing.assert_allclose(c.solution.fields["g"], a.solution.fields["g"], rtol=1e-9)


@pytest.mark.slow  # compiling takes 10-30 s
def test_compiled_loss_trains_like_the_eager_one_through_adam_and_lbfgs(problems_dir):
    """--compile changes how the loss is evaluated, not what: the same steps, to round-off."""
    runs = []
    for compiled in (False, True):
        s = setup(problems_dir)
        trainer = Trainer(s.model, s.objective, TrainConfig(steps=30, lbfgs_steps=10, compile=compiled))
        records = trainer.run()
        runs.append(np.array([r.loss for r in records]))
    eager, compiled = runs
    assert len(compiled) == len(eager) == 40
    np.testing.assert_allclose(compiled, eager, rtol=1e-7)


@pytest.mark.parametrize(
    "method, derivatives, message",
    [
        ("pinn", "autograd", "--compile needs the Taylor-mode"),
        ("trial", "auto", "--compile works with --method pinn only"),
        ("rnn", "auto", "the rnn method trains on reference data"),
    ],
)
def test_compile_refuses_what_it_cannot_trace(problems_dir, tmp_path, method, derivatives, message):
    from pinnsolve.dsl.errors import PinnsolveError

    own = {"derivatives": derivatives, "points": 64} if method != "rnn" else {}
    options = RunOptions(method=method, settings={**own, "steps": 1, "lbfgs_steps": 0, "compile": True})
    with pytest.raises(PinnsolveError, match=message):
        solve(load_problem(problems_dir / "heat1d.py"), options, out=tmp_path / "run", stream=io.StringIO())
    assert not (tmp_path / "run").exists()  # refused before anything was written
