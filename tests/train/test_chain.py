"""The optimizer chain: parsing --optimizer, running stages in order, resuming mid-chain bit for bit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from pinnsolve import load_problem
from pinnsolve.errors import SettingsError
from pinnsolve.methods.neural import build_setup
from pinnsolve.train import (
    OPTIMIZERS,
    StageSpec,
    TrainConfig,
    Trainer,
    load_checkpoint,
    parse_chain,
)

TINY = dict(width=6, depth=2, points=24)
PROBLEMS = Path(__file__).resolve().parents[2] / "problems"


def setup(problems_dir, name="decay.py", settings=TINY):
    torch.manual_seed(0)
    problem = load_problem(problems_dir / name)
    return build_setup("pinn", problem, settings, rng=np.random.default_rng(0), dtype=torch.float64)


# -- parsing -----------------------------------------------------------------------------
def test_the_default_chain_written_out_and_counts_from_the_budget():
    assert parse_chain("adam:2000,lbfgs:1000") == [StageSpec("adam", 2000), StageSpec("lbfgs", 1000)]
    assert parse_chain(" Adam : 5 , gauss-newton ") == [StageSpec("adam", 5), StageSpec("gauss-newton", None)]
    assert TrainConfig().resolved(2).optimizer == "adam:2000,lbfgs:1000"
    assert TrainConfig().resolved(1).optimizer == "adam:1000,lbfgs:500"
    # --steps / --lbfgs-steps map onto the default chain, and onto count-less stages by their share
    assert TrainConfig(steps=30, lbfgs_steps=0).resolved(2).optimizer == "adam:30,lbfgs:0"
    config = TrainConfig(optimizer="rmsprop,ssbroyden,cmaes:7", lbfgs_steps=40).resolved(1, budget=(300, 100))
    assert config.optimizer == "rmsprop:300,ssbroyden:40,cmaes:7" and config.total_steps == 347
    assert config.resolved(1).optimizer == config.optimizer  # resolving twice changes nothing (resume)


def test_every_optimizer_of_the_issue_is_registered():
    assert set(OPTIMIZERS) == {
        "sgd",
        "momentum",
        "nesterov",
        "adagrad",
        "rmsprop",
        "adam",
        "adamw",
        "lbfgs",
        "gauss-newton",
        "bfgs",
        "ssbroyden",
        "cmaes",
    }


@pytest.mark.parametrize(
    "text, message",
    [
        ("adma:100", "unknown optimizer 'adma'.*Known: adagrad, adam, adamw, bfgs, cmaes, gauss-newton, lbfgs"),
        ("adam:-5", "'adam:-5' has the step count '-5'; give a whole number"),
        ("adam:1.5", "step count '1.5'"),
        ("adam:many", "step count 'many'"),
        ("adam:", "step count ''"),
        ("adam,,lbfgs", "empty stage"),
        ("", "empty stage"),
    ],
)
def test_a_bad_chain_is_refused_with_the_fix(text, message):
    with pytest.raises(SettingsError, match=message):
        TrainConfig(optimizer=text)


def test_the_cli_refuses_a_bad_chain_in_one_paragraph(problems_dir, capsys):
    from pinnsolve.cli import main

    code = main(["solve", str(problems_dir / "decay.py"), "--optimizer", "adam:10,newton"])
    assert code == 2 and "unknown optimizer 'newton'" in capsys.readouterr().err


# -- running -----------------------------------------------------------------------------
def test_stages_run_in_order_and_record_their_names(problems_dir):
    s = setup(problems_dir)
    config = TrainConfig(optimizer="sgd:3,adam:4,bfgs:2,gauss-newton:2,lbfgs:2")
    history = Trainer(s.model, s.objective, config).run()
    phases = ["sgd"] * 3 + ["adam"] * 4 + ["bfgs"] * 2 + ["gauss-newton"] * 2 + ["lbfgs"] * 2
    assert [r.phase for r in history] == phases
    assert [r.step for r in history] == list(range(1, 14))


def test_a_stage_whose_loss_stalls_hands_over_to_the_next(problems_dir, monkeypatch):
    """A line-search stage that no longer changes the loss ends after 10 such steps; the chain goes on."""
    from pinnsolve.train.optimizers import Stage, StepResult

    class Still(Stage):
        stalls = True

        def step(self, k):
            loss, terms = self.task.evaluate()
            return StepResult(loss, terms, 0.0)

    monkeypatch.setitem(OPTIMIZERS, "still", Still)
    Still.name = "still"
    s = setup(problems_dir)
    trainer = Trainer(s.model, s.objective, TrainConfig(optimizer="adam:2,still:100,adam:3"))
    history = trainer.run()
    assert [r.phase for r in history] == ["adam"] * 2 + ["still"] * 11 + ["adam"] * 3
    assert trainer.stop_reason == "still stopped at step 13: the loss no longer changes"


CHAIN = "adam:6,gauss-newton:4,bfgs:4,ssbroyden:4,cmaes:4,lbfgs:4,rmsprop:4"


@pytest.fixture(scope="module")
def uninterrupted():
    straight = setup(PROBLEMS)
    losses = [r.loss for r in Trainer(straight.model, straight.objective, TrainConfig(optimizer=CHAIN)).run()]
    assert len(losses) == 30
    return losses


@pytest.mark.parametrize(
    "stop",
    [3, 6, 8, 12, 16, 21, 25, 28],
    ids=["adam", "adam-end", "gauss-newton", "bfgs", "ssbroyden", "cmaes", "lbfgs", "rmsprop"],
)
def test_resume_mid_chain_reproduces_the_uninterrupted_losses_bit_for_bit(
    problems_dir, tmp_path, stop, uninterrupted, interrupt_at
):
    config, expected = TrainConfig(optimizer=CHAIN), uninterrupted

    first = setup(problems_dir)
    trainer = Trainer(first.model, first.objective, config, [interrupt_at(stop)])
    with pytest.raises(KeyboardInterrupt):
        trainer.run()
    torch.save(trainer.state_dict(), tmp_path / "checkpoint.pt")

    second = setup(problems_dir)
    with torch.no_grad():  # scrambled weights: everything must come from the checkpoint
        for p in second.model.parameters():
            p.normal_()
    torch.manual_seed(123)  # and the generator too
    resumed = Trainer(second.model, second.objective, config)
    resumed.load_state_dict(load_checkpoint(tmp_path / "checkpoint.pt"))
    later = [r.loss for r in resumed.run()]
    assert [r.loss for r in trainer.history] + later == expected  # exactly, not approximately


@pytest.mark.parametrize("stop", [4, 12], ids=["adam", "lbfgs"])
def test_a_checkpoint_from_before_the_chain_still_resumes(problems_dir, stop, interrupt_at):
    """Checkpoints written by the Adam → L-BFGS trainer (phase and the torch optimizer's bare state) resume."""
    config = TrainConfig(steps=8, lbfgs_steps=6)
    straight = setup(problems_dir)
    expected = [r.loss for r in Trainer(straight.model, straight.objective, config).run()]
    first = setup(problems_dir)
    trainer = Trainer(first.model, first.objective, config, [interrupt_at(stop)])
    with pytest.raises(KeyboardInterrupt):
        trainer.run()
    new = trainer.state_dict()
    old = {k: new[k] for k in ("model", "phase", "step", "lr", "failures", "elapsed", "torch_rng")}
    old["optimizer"] = new["optimizer"]["optimizer"]
    second = setup(problems_dir)
    resumed = Trainer(second.model, second.objective, config)
    resumed.load_state_dict(old)
    assert [r.loss for r in trainer.history] + [r.loss for r in resumed.run()] == expected


def test_gauss_newton_refuses_a_loss_that_is_not_a_residual_objective(problems_dir):
    model = torch.nn.Linear(1, 1).double()
    data = lambda m: {"data": (m(torch.ones(4, 1, dtype=torch.float64)) - 1).square().mean()}
    with pytest.raises(SettingsError, match="gauss-newton needs a residual objective"):
        Trainer(model, data, TrainConfig(optimizer="adam:5,gauss-newton:5"))


@pytest.mark.parametrize("name", ["gauss-newton", "bfgs", "ssbroyden", "cmaes"])
def test_dense_methods_refuse_a_large_network_before_training(problems_dir, name):
    s = setup(problems_dir, settings=dict(width=64, depth=3, points=24))  # ~8,500 parameters
    with pytest.raises(SettingsError, match=f"--optimizer {name} builds a dense"):
        Trainer(s.model, s.objective, TrainConfig(optimizer=f"adam:5,{name}:5"))
