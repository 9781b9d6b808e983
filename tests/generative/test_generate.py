"""One tiny end-to-end ``pinnsolve generate`` per model (the targets are measured in validation/)."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from pinnsolve.cli import main
from pinnsolve.results import load_result
from pinnsolve.results.samples import Samples

TINY = ["--train-samples", "60", "--steps", "150", "--samples", "2000", "--grid", "t=21", "--quiet"]


@pytest.mark.slow
@pytest.mark.parametrize("model", ["vae", "gan", "diffusion"])
def test_generate_writes_a_run_that_reads_back(problems_dir, tmp_path, model, capsys):
    out = tmp_path / model
    extra = ["--sampler", "ddim"] if model == "diffusion" else []
    assert (
        main(
            ["generate", str(problems_dir / "stochastic_decay.py"), "--model", model, "--out", str(out), *TINY, *extra]
        )
        == 0
    )
    assert "samples from the" in capsys.readouterr().out
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["reference"].startswith("exact law") and metrics["samples"] == 2000
    assert metrics["mean_l2_relative_error"] < 0.05  # 150 steps: far from converged, but on the law
    # both rates measured (the vectorised reference solves thousands of decay draws a second, so the
    # sampling speed-up is the ratio of two real rates, not a fixed factor: validation/GENERATIVE.md)
    assert metrics["samples_per_s"] > 100 and metrics["mc_solves_per_s"] > 100
    assert metrics["sampling_speedup"] == pytest.approx(metrics["samples_per_s"] / metrics["mc_solves_per_s"])
    result = load_result(out)
    assert isinstance(result, Samples) and result.samples.shape == (2000, 21)
    assert json.loads((out / "config.json").read_text())["result"] == "samples"
    assert {p.name for p in (out / "plots").iterdir()} == {"band.png", "gallery.png", "histograms.png", "losses.png"}
    assert np.isfinite(result.history["loss"]).all()
    for png in (out / "plots").iterdir():
        png.unlink()
    assert main(["plot", str(out)]) == 0  # pinnsolve plot redraws a samples run from its files
    assert len(list((out / "plots").iterdir())) == 4


def test_generate_refuses_a_problem_without_random_inputs(problems_dir, tmp_path, capsys):
    code = main(["generate", str(problems_dir / "decay.py"), "--model", "vae", "--out", str(tmp_path / "x")])
    assert code == 2 and "no random input" in capsys.readouterr().err


def test_physics_weight_needs_conditioning(problems_dir, tmp_path, capsys):
    code = main(
        [
            "generate",
            str(problems_dir / "stochastic_decay.py"),
            "--model",
            "vae",
            "--no-conditional",
            "--physics-weight",
            "1",
            "--out",
            str(tmp_path / "x"),
        ]
    )
    assert code == 2 and "needs --conditional" in capsys.readouterr().err


def test_same_seed_same_samples(problems_dir):
    """Initial weights, minibatches, noise and input draws all come from the run's seed."""
    import torch

    from pinnsolve import load_problem
    from pinnsolve.generative.method import GenerateSettings, VAEMethod
    from pinnsolve.methods.contract import Context

    problem = load_problem(problems_dir / "stochastic_decay.py")
    settings = GenerateSettings(train_samples=20, steps=20, samples=50, width=16, depth=2)

    def run() -> np.ndarray:
        context = Context(
            dtype=torch.float32,
            device=torch.device("cpu"),
            rng=np.random.default_rng(3),
            seed=3,
            grid={"t": 11},
            plain=True,
            stream=io.StringIO(),
        )
        return VAEMethod().run(problem, settings, context).result.samples

    before = torch.random.get_rng_state()
    first, second = run(), run()
    np.testing.assert_array_equal(first, second)
    assert torch.equal(torch.random.get_rng_state(), before)  # the global RNG is left alone


def test_physics_weight_is_refused_for_a_steady_problem_before_any_solve(problems_dir, tmp_path, capsys):
    code = main(
        [
            "generate",
            str(problems_dir / "darcy1d_kl.py"),
            "--model",
            "vae",
            "--physics-weight",
            "1",
            "--out",
            str(tmp_path / "x"),
        ]
    )
    assert code == 2 and "is steady" in capsys.readouterr().err
