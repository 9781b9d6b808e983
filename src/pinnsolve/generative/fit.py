"""Training a generative model on whitened coefficients, and drawing from it."""

from __future__ import annotations

import time
from typing import Any, TextIO

import numpy as np
import torch

from pinnsolve.generative.models import GenerativeModel
from pinnsolve.generative.montecarlo import progress_bar

__all__ = ["draw", "train"]


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
) -> list[dict[str, Any]]:
    """Adam (cosine-decayed) on minibatches of (y, c); returns one history row per ``log_every`` steps."""
    y_t = torch.as_tensor(y, dtype=torch.float32)
    c_t = torch.as_tensor(c, dtype=torch.float32)
    model.configure(lr, steps)
    if hasattr(model, "fit_data"):
        model.fit_data(y_t)
    model.train()
    history: list[dict[str, Any]] = []
    started = time.perf_counter()
    size = min(batch, len(y_t))
    with progress_bar(steps, f"training {type(model).__name__}", stream, plain) as bar:
        for step in range(1, steps + 1):
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
            bar.advance(f"loss {terms['loss']:.3e}")
    model.eval()
    return history


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
