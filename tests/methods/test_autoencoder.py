"""The autoencoder method end to end on Burgers snapshots, its report beside POD, and its refusals."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from pinnsolve import load_problem
from pinnsolve.dsl.errors import PinnsolveError
from pinnsolve.methods.autoencoder import physics_loss
from pinnsolve.methods.neural import build_setup
from pinnsolve.nets.autoencoder import ConvAutoencoder, LatentMLPStep
from pinnsolve.run import RunOptions, solve

#: ν = 0.02, 0.03, 0.04 train, 0.025 and 0.035 are unseen; a coarse grid keeps the run short
VARY = "nu=0.02:0.04:3"
GRID = {"x": 65, "t": 33}
#: measured 0.041 (train) and 0.035 (unseen) rollout errors after 300 Adam steps (seed 0): about 3× headroom
THRESHOLD = 0.12
PROBLEMS = Path(__file__).resolve().parents[2] / "problems"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    problem = load_problem(PROBLEMS / "burgers1d.py").with_parameters({"nu": 0.03})
    settings = {"latent": 2, "cell": "mlp", "vary": VARY, "steps": 300, "lbfgs_steps": 0}
    options = RunOptions(method="autoencoder", settings=settings, threads=1, grid=GRID)
    return solve(problem, options, out=tmp_path_factory.mktemp("ae") / "run", plain=True, stream=io.StringIO())


def test_trains_below_the_recorded_error(run) -> None:
    m = run.metrics
    assert m["ae_rollout_train"] < THRESHOLD
    assert m["ae_rollout_unseen"] < THRESHOLD
    assert m["ae_reconstruction_train"] < THRESHOLD
    assert m["ae_rollout_own"] == pytest.approx(run.history[-1]["l2_relative_error"])
    assert run.solution.method == "autoencoder"
    assert run.solution.fields["u"].shape == (GRID["x"], GRID["t"])
    u = run.solution.fields["u"]
    assert np.all(u[0] == 0) and np.all(u[-1] == 0), "Dirichlet nodes come from the conditions"


def test_report_has_pod_beside_it(run) -> None:
    m = json.loads((run.run_dir / "metrics.json").read_text())
    for key in ("reconstruction_train", "reconstruction_unseen", "rollout_train", "rollout_unseen"):
        assert m[f"pod_{key}"] is not None and m[f"ae_{key}"] is not None
        assert len(m["pod_vs_k"][key]) == 8
    assert m["pod_vs_k"]["k"] == list(range(1, 9))
    assert m["pod_vs_k"]["reconstruction_train"][1] == m["pod_reconstruction_train"]
    assert np.all(np.diff(m["pod_vs_k"]["reconstruction_train"]) <= 1e-12), "more modes never reconstruct worse"
    assert (run.run_dir / "plots" / "error_vs_latent.png").is_file()
    config = json.loads((run.run_dir / "config.json").read_text())["choices"]
    assert config["train_parameters"] == pytest.approx([0.02, 0.03, 0.04])
    assert config["unseen_parameters"] == pytest.approx([0.025, 0.035])
    assert config["own_parameters"] == "trained"
    header = (run.run_dir / "history.csv").read_text().splitlines()[0]
    assert all(name in header for name in ("reconstruction", "latent", "rollout"))


@pytest.mark.parametrize(
    "problem, settings, message",
    [
        ("poisson1d.py", {}, "steady"),
        ("heat1d.py", {"latent": 0}, "whole number ≥ 1"),
        ("heat1d.py", {"latent": 400}, "no reduction"),
        ("heat1d.py", {"cell": "transformer"}, "one of mlp, elman, gru, lstm"),
        ("heat1d.py", {"horizon": 0.5}, "Leave --horizon out"),
        ("heat1d.py", {"physics_weight": -1.0}, "finite number ≥ 0"),
        ("lorenz.py", {"latent": 2, "encoder": "conv"}, "Use --encoder mlp"),
        ("heat1d.py", {"vary": "nu=0.01:0.02:3"}, "not a parameter"),
    ],
)
def test_refuses_with_a_clear_message(
    problem: str, settings: dict, message: str, problems_dir: Path, tmp_path: Path
) -> None:
    options = RunOptions(
        method="autoencoder", settings={**settings, "steps": 1, "lbfgs_steps": 0}, threads=1, grid=None
    )
    with pytest.raises(PinnsolveError, match=message):
        solve(load_problem(problems_dir / problem), options, out=tmp_path / "run", plain=True, stream=io.StringIO())


def test_conv_autoencoder_shapes() -> None:
    coder = ConvAutoencoder(channels=2, length=37, latent=3, width=16, depth=3, activation="tanh").double()
    u = torch.randn(5, 7, 74, dtype=torch.float64)
    z = coder.encode(u)
    assert z.shape == (5, 7, 3)
    assert coder.decode(z).shape == u.shape


def test_latent_step_starts_near_identity_and_reads_time() -> None:
    step = LatentMLPStep(
        2, 1, 16, 2, "tanh", torch.zeros(1), torch.ones(1), torch.ones(2), times=torch.linspace(0, 1, 11)
    ).double()
    z0 = torch.randn(4, 2, dtype=torch.float64)
    p = torch.rand(4, 1, dtype=torch.float64)
    rolled = step.rollout(z0, p, 10)
    assert rolled.shape == (4, 11, 2)
    assert torch.allclose(rolled[:, 1], z0, atol=0.1)
    forced = step.teacher_forced(rolled, p)
    # teacher forcing from the rollout's own states repeats the rollout, shifted by one step
    assert torch.allclose(forced[:, :-1], rolled[:, 1:], atol=1e-12)
    shifted = step.rollout(rolled[:, 3], p, 2, start=3)
    assert torch.allclose(shifted, rolled[:, 3:6], atol=1e-12)


def test_physics_term_is_small_on_the_reference(problems_dir: Path) -> None:
    """The Crank–Nicolson residual of the reference's own consecutive states is its truncation error: small."""
    problem = load_problem(problems_dir / "heat1d.py")
    settings = {"latent": 2, "cell": "gru", "physics_weight": 1.0}
    setup = build_setup(
        "autoencoder", problem, settings, rng=np.random.default_rng(0), dtype=torch.float64, grid={"x": 33, "t": 41}
    )
    assert setup.objective.names == ["reconstruction", "latent", "rollout", "physics"]
    terms = setup.objective(setup.model)
    assert set(terms) == set(setup.objective.names) and all(torch.isfinite(v) for v in terms.values())
    sum(terms.values()).backward()
    batch = setup.objective.batch
    states = batch.states.to(torch.float64)
    floor = float(physics_loss(states[:, :-1], states[:, 1:], batch.items, setup.objective.physics)) ** 0.5
    assert floor < 0.05


def test_default_latent_size_is_the_fewest_pod_modes_that_hold_the_snapshots(problems_dir: Path) -> None:
    """heat1d's snapshots are one decaying mode (k = 1); Lorenz's 3-value state needs all its POD modes (k = 2 < 3)."""
    build = lambda name, grid: build_setup(  # noqa: E731
        "autoencoder", load_problem(problems_dir / name), {}, rng=np.random.default_rng(0), grid=grid
    )
    heat = build("heat1d.py", {"x": 33, "t": 41}).choices
    assert (
        heat["latent"] == 1
        and "fewest POD modes" in heat["latent_why"]
        and "off by default" in heat["physics_weight_why"]
    )
    assert heat["latent_dynamics"] == "mlp" and "one trajectory" in heat["latent_dynamics_and_budget_why"]
    lorenz = build("lorenz.py", {"t": 41}).choices
    assert lorenz["latent"] == 2 and "POD needs more than 2 modes" in lorenz["latent_why"]
    given = build_setup(
        "autoencoder",
        load_problem(problems_dir / "heat1d.py"),
        {"latent": 3},
        rng=np.random.default_rng(0),
        grid={"x": 33, "t": 41},
    ).choices
    assert given["latent"] == 3 and given["latent_why"] == "given (--latent)"
