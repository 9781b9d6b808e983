"""Training a generative model on whitened coefficients, and drawing from it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TextIO

import numpy as np
import torch

from pinnsolve.generative.models import GenerativeModel
from pinnsolve.generative.montecarlo import progress_bar

__all__ = ["draw", "load_training_state", "train", "training_state"]


def train(
    model: GenerativeModel,
    y: np.ndarray,
    c: np.ndarray,
    *,
    steps: int,
    batch: int,
    lr: float,
    gen: torch.Generator,
    stream: TextIO | None = None,
    plain: bool | None = None,
    log_every: int = 20,
    resume: dict[str, Any] | None = None,
    save: Callable[[dict[str, Any]], Any] | None = None,
    every: tuple[int | None, float | None] = (1000, 60.0),
) -> list[dict[str, Any]]:
    """Adam (cosine-decayed) on minibatches of (y, c); returns one history row per ``log_every`` steps.

    ``save(state)`` (optional) receives the whole training state (`training_state`) every ``every``
    = (steps, seconds), whichever first, and when the run is interrupted (Ctrl-C, SIGTERM: the
    KeyboardInterrupt is raised on after the save); ``resume`` continues from such a state.
    """
    from pinnsolve.train.checkpoint import CheckpointEvery

    y_t = torch.as_tensor(y, dtype=torch.float32)
    c_t = torch.as_tensor(c, dtype=torch.float32)
    model.configure(lr, steps)
    if hasattr(model, "fit_data"):
        model.fit_data(y_t)
    clock = _Clock()
    history: list[dict[str, Any]] = []
    if resume is not None:
        history = load_training_state(model, gen, resume)
        clock.step, clock.elapsed = int(resume["step"]), float(resume["elapsed"])
    model.train()
    started = time.perf_counter() - clock.elapsed
    size = min(batch, len(y_t))
    saver = CheckpointEvery(lambda c: save(training_state(model, gen, c, history)), *every) if save else None
    if saver is not None:
        saver.on_start(clock)
    with progress_bar(steps - clock.step, f"training {type(model).__name__}", stream, plain) as bar:
        try:
            _loop(model, y_t, c_t, size, gen, steps, log_every, history, clock, started, bar, saver)
        except KeyboardInterrupt:
            if save is not None:
                clock.elapsed = time.perf_counter() - started
                save(training_state(model, gen, clock, history))
            raise
    model.eval()
    return history


class _Clock:
    """Where training is: the last finished step and the training seconds so far."""

    step = 0
    elapsed = 0.0


def training_state(model: GenerativeModel, gen: torch.Generator, clock: Any, history: list) -> dict[str, Any]:
    """Everything `train` needs to continue: weights, optimiser and schedule states, step, history, RNG."""
    return {
        "model": model.state_dict(),
        "optimizers": [o.state_dict() for o in model.optimizers],
        "schedules": [s.state_dict() for s in model.schedules],
        "step": clock.step,
        "elapsed": clock.elapsed,
        "history": [dict(r) for r in history],
        "generator": gen.get_state(),
    }


def load_training_state(model: GenerativeModel, gen: torch.Generator, state: dict[str, Any]) -> list[dict]:
    """Restore a `training_state` into a configured model and its generator; returns the history so far."""
    model.load_state_dict(state["model"])
    for o, saved in zip(model.optimizers, state["optimizers"]):
        o.load_state_dict(saved)
    for s, saved in zip(model.schedules, state["schedules"]):
        s.load_state_dict(saved)
    gen.set_state(state["generator"])
    return [dict(r) for r in state["history"]]


def _loop(
    model: GenerativeModel,
    y_t: torch.Tensor,
    c_t: torch.Tensor,
    size: int,
    gen: torch.Generator,
    steps: int,
    log_every: int,
    history: list[dict[str, Any]],
    clock: _Clock,
    started: float,
    bar: Any,
    saver: Any,
) -> None:
    """The optimiser steps from ``clock.step + 1`` to ``steps``."""
    for step in range(clock.step + 1, steps + 1):
        index = torch.randint(len(y_t), (size,), generator=gen)
        terms = model.train_step(y_t[index], c_t[index], index, gen)
        model.end_step()
        if not np.isfinite(terms["loss"]):
            from pinnsolve.errors import TrainingDiverged

            raise TrainingDiverged(
                f"the {type(model).__name__} loss became {terms['loss']} at step {step}. "
                "Lower --lr or the --physics-weight."
            )
        if step % log_every == 0 or step == steps:
            history.append(
                {
                    "step": step,
                    "phase": "adam",
                    "wall_time_s": time.perf_counter() - started,
                    **terms,
                    "lr": model.optimizers[0].param_groups[0]["lr"],
                }
            )
        clock.step, clock.elapsed = step, time.perf_counter() - started
        if saver is not None:
            saver.on_step(clock, None)
        bar.advance(f"loss {terms['loss']:.3e}")


def draw(
    model: GenerativeModel, n: int, c: np.ndarray, gen: torch.Generator, chunk: int = 10_000, **options: Any
) -> np.ndarray:
    """``n`` samples of whitened coefficients (n, r), given conditions c (n, d) (d may be 0)."""
    out = []
    c_t = torch.as_tensor(c, dtype=torch.float32)
    for start in range(0, n, chunk):
        part = c_t[start : start + chunk]
        out.append(model.sample(len(part), part, gen, **options).double().numpy())
    return np.concatenate(out)
