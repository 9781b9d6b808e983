"""``pinnsolve generate`` survives a kill: cached training draws, checkpointed training, ``--resume``."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pinnsolve.cli import main
from pinnsolve.generative.fit import train
from pinnsolve.generative.models import VAE
from pinnsolve.generative.montecarlo import MonteCarlo, load_monte_carlo, save_monte_carlo


def _model() -> VAE:
    torch.manual_seed(0)
    return VAE(3, 1, width=8, depth=1, latent=2)


def _data():
    rng = np.random.default_rng(0)
    c = rng.standard_normal((64, 1))
    return np.hstack([c, c**2, np.sin(c)]), c


def test_a_training_interrupted_and_resumed_ends_where_an_uninterrupted_one_does():
    y, c = _data()
    whole = _model()
    train(whole, y, c, steps=40, batch=16, lr=1e-2, gen=torch.Generator().manual_seed(1), log_every=5)
    states: list[dict] = []

    def save(state: dict) -> None:
        states.append(state)
        if len(states) == 1:
            raise KeyboardInterrupt  # killed right after the first periodic checkpoint (step 15)

    first = _model()
    with pytest.raises(KeyboardInterrupt):
        gen = torch.Generator().manual_seed(1)
        train(first, y, c, steps=40, batch=16, lr=1e-2, gen=gen, log_every=5, save=save, every=(15, None))
    assert [s["step"] for s in states] == [15, 15]  # the periodic save, then the one on the interrupt
    again = _model()
    history = train(
        again, y, c, steps=40, batch=16, lr=1e-2, gen=torch.Generator().manual_seed(99), log_every=5, resume=states[-1]
    )
    for a, b in zip(whole.state_dict().values(), again.state_dict().values()):
        assert torch.equal(a, b)
    assert [r["step"] for r in history] == list(range(5, 41, 5))


def test_the_cached_draws_and_the_random_state_read_back(tmp_path):
    rng = np.random.default_rng(3)
    mc = MonteCarlo(
        "u",
        {"t": np.linspace(0, 1, 5)},
        rng.random((4, 1)),
        rng.random((4, 1)),
        rng.random((4, 5)),
        1.5,
        {"scheme": "x"},
    )
    save_monte_carlo(mc, tmp_path / "training_data.npz", rng.bit_generator.state)
    back, state = load_monte_carlo(tmp_path / "training_data.npz")
    assert np.array_equal(back.fields, mc.fields) and np.array_equal(back.axes["t"], mc.axes["t"])
    assert back.stats == {"scheme": "x"} and back.wall_time_s == 1.5
    again = np.random.default_rng(0)
    again.bit_generator.state = state
    assert again.random() == rng.random()


@pytest.mark.slow
def test_generate_resume_reuses_the_draws_and_gives_the_uninterrupted_samples(problems_dir, tmp_path):
    tiny = ["--train-samples", "40", "--steps", "60", "--samples", "300", "--width", "16", "--grid", "t=11"]
    args = ["generate", str(problems_dir / "stochastic_decay.py"), "--model", "vae", *tiny, "--quiet"]
    assert main([*args, "--out", str(tmp_path / "a"), "--checkpoint-every", "20"]) == 0
    cached = (tmp_path / "a" / "training_data.npz").stat().st_mtime_ns
    for name in ("samples.npz", "metrics.json"):
        (tmp_path / "a" / name).unlink()
    assert main(["generate", "--resume", str(tmp_path / "a"), "--quiet"]) == 0
    assert (tmp_path / "a" / "training_data.npz").stat().st_mtime_ns == cached
    assert main([*args, "--out", str(tmp_path / "b")]) == 0
    with np.load(tmp_path / "a" / "samples.npz") as a, np.load(tmp_path / "b" / "samples.npz") as b:
        assert np.array_equal(a["u"], b["u"])
